import { GitCommit } from '../git/BareRepository';
import {
  EmulatedProject,
  GitlabUser,
  MergeRequestRecord,
  NoteRecord,
} from './model';

/** The JSON GitLab's REST API v4 returns, built from the emulator's records. */
export class GitlabShapes {
  constructor(readonly webBaseUrl: string) {}

  projectUrl(project: EmulatedProject): string {
    return `${this.webBaseUrl}/${project.fullPath}`;
  }

  project(project: EmulatedProject) {
    const namespace = project.fullPath.split('/').slice(0, -1).join('/');
    return {
      id: project.id,
      name: project.name,
      path: project.name,
      path_with_namespace: project.fullPath,
      name_with_namespace: project.fullPath.split('/').join(' / '),
      default_branch: project.defaultBranch,
      web_url: this.projectUrl(project),
      http_url_to_repo: `${this.projectUrl(project)}.git`,
      namespace: { full_path: namespace, path: namespace.split('/').pop() },
      visibility: 'private',
      archived: false,
    };
  }

  commit(project: EmulatedProject, commit: GitCommit) {
    const [title] = commit.message.split('\n');
    return {
      id: commit.sha,
      short_id: commit.sha.slice(0, 8),
      created_at: commit.committer.date,
      parent_ids: commit.parents,
      title,
      message: commit.message,
      author_name: commit.author.name,
      author_email: commit.author.email,
      authored_date: commit.author.date,
      committer_name: commit.committer.name,
      committer_email: commit.committer.email,
      committed_date: commit.committer.date,
      trailers: {},
      web_url: `${this.projectUrl(project)}/-/commit/${commit.sha}`,
    };
  }

  branch(project: EmulatedProject, name: string, commit: GitCommit) {
    const isProtected = project.isProtected(name);
    return {
      name,
      commit: this.commit(project, commit),
      merged: false,
      protected: isProtected,
      developers_can_push: !isProtected,
      developers_can_merge: !isProtected,
      can_push: !isProtected,
      default: name === project.defaultBranch,
      web_url: `${this.projectUrl(project)}/-/tree/${name}`,
    };
  }

  user(user: GitlabUser) {
    return {
      id: user.id,
      username: user.username,
      name: user.name,
      state: 'active',
      web_url: `${this.webBaseUrl}/${user.username}`,
    };
  }

  mergeRequest(
    project: EmulatedProject,
    mr: MergeRequestRecord,
    sha: string | null,
  ) {
    return {
      id: mr.id,
      iid: mr.iid,
      project_id: project.id,
      title: mr.title,
      description: mr.description,
      state: mr.state,
      created_at: mr.createdAt,
      updated_at: mr.updatedAt,
      merged_at: mr.mergedAt,
      closed_at: mr.closedAt,
      target_branch: mr.targetBranch,
      source_branch: mr.sourceBranch,
      source_project_id: project.id,
      target_project_id: project.id,
      labels: [...mr.labels],
      draft: false,
      work_in_progress: false,
      author: this.user(mr.author),
      sha,
      merge_commit_sha: mr.mergeCommitSha,
      references: {
        short: `!${mr.iid}`,
        relative: `!${mr.iid}`,
        full: `${project.fullPath}!${mr.iid}`,
      },
      web_url: `${this.projectUrl(project)}/-/merge_requests/${mr.iid}`,
    };
  }

  note(note: NoteRecord, mr: MergeRequestRecord) {
    return {
      id: note.id,
      body: note.body,
      author: this.user(note.author),
      created_at: note.createdAt,
      updated_at: note.createdAt,
      system: note.system,
      noteable_type: 'MergeRequest',
      noteable_id: mr.id,
      noteable_iid: mr.iid,
    };
  }
}
