import { GitCommit, GitFileChange, GitTreeEntry } from '../git/BareRepository';
import {
  Actor,
  EmulatedRepository,
  IssueComment,
  LabelRecord,
  PullRequestRecord,
} from './model';

/** A small positive integer derived from a name, so ids stay the same across runs. */
export function stableId(name: string): number {
  let hash = 7;
  for (const char of name) {
    hash = (hash * 31 + char.charCodeAt(0)) % 2147483647;
  }
  return hash;
}

export const nodeId = (prefix: string, key: string) =>
  `${prefix}_${Buffer.from(key).toString('base64url')}`;

/**
 * JSON bodies in the shapes GitHub's REST API returns. Only the fields a client is likely to
 * read are filled in, with GitHub's names and types; ids are small integers.
 */
export class GithubShapes {
  constructor(readonly apiBaseUrl: string, readonly htmlBaseUrl: string) {}

  repoApiUrl(repo: EmulatedRepository): string {
    return `${this.apiBaseUrl}/repos/${repo.fullName}`;
  }

  repoHtmlUrl(repo: EmulatedRepository): string {
    return `${this.htmlBaseUrl}/${repo.fullName}`;
  }

  user(actor: Actor) {
    return {
      login: actor.login,
      id: stableId(actor.login),
      node_id: nodeId('U', actor.login),
      type: actor.type,
      site_admin: false,
      url: `${this.apiBaseUrl}/users/${actor.login}`,
      html_url: `${this.htmlBaseUrl}/${actor.login}`,
    };
  }

  repository(
    repo: EmulatedRepository,
    permissions: { admin: boolean; push: boolean; pull: boolean },
  ) {
    return {
      id: repo.id,
      node_id: nodeId('R', repo.fullName),
      name: repo.name,
      full_name: repo.fullName,
      owner: this.user({ login: repo.owner, type: 'User' }),
      private: true,
      visibility: 'private',
      fork: false,
      archived: false,
      disabled: false,
      html_url: this.repoHtmlUrl(repo),
      url: this.repoApiUrl(repo),
      default_branch: repo.defaultBranch,
      permissions: {
        admin: permissions.admin,
        maintain: permissions.admin,
        push: permissions.push,
        triage: permissions.push,
        pull: permissions.pull,
      },
      allow_merge_commit: true,
      allow_squash_merge: true,
      allow_rebase_merge: true,
      delete_branch_on_merge: false,
    };
  }

  ref(repo: EmulatedRepository, fullRef: string, sha: string) {
    return {
      ref: fullRef,
      node_id: nodeId('REF', `${repo.fullName}:${fullRef}`),
      url: `${this.repoApiUrl(repo)}/git/${fullRef}`,
      object: {
        type: 'commit',
        sha,
        url: `${this.repoApiUrl(repo)}/git/commits/${sha}`,
      },
    };
  }

  /** A commit as the Git Data API (`/git/commits`) returns it. */
  gitCommit(repo: EmulatedRepository, commit: GitCommit) {
    return {
      sha: commit.sha,
      node_id: nodeId('C', commit.sha),
      url: `${this.repoApiUrl(repo)}/git/commits/${commit.sha}`,
      html_url: `${this.repoHtmlUrl(repo)}/commit/${commit.sha}`,
      author: commit.author,
      committer: commit.committer,
      message: commit.message,
      tree: {
        sha: commit.tree,
        url: `${this.repoApiUrl(repo)}/git/trees/${commit.tree}`,
      },
      parents: commit.parents.map(sha => this.parent(repo, sha)),
      verification: {
        verified: false,
        reason: 'unsigned',
        signature: null,
        payload: null,
      },
    };
  }

  /** A commit as the Commits API (`/commits`, `/compare`) returns it: git data nested under `commit`. */
  commit(repo: EmulatedRepository, commit: GitCommit, files?: GitFileChange[]) {
    return {
      sha: commit.sha,
      node_id: nodeId('C', commit.sha),
      url: `${this.repoApiUrl(repo)}/commits/${commit.sha}`,
      html_url: `${this.repoHtmlUrl(repo)}/commit/${commit.sha}`,
      comments_url: `${this.repoApiUrl(repo)}/commits/${commit.sha}/comments`,
      commit: {
        url: `${this.repoApiUrl(repo)}/git/commits/${commit.sha}`,
        author: commit.author,
        committer: commit.committer,
        message: commit.message,
        tree: {
          sha: commit.tree,
          url: `${this.repoApiUrl(repo)}/git/trees/${commit.tree}`,
        },
        comment_count: 0,
        verification: {
          verified: false,
          reason: 'unsigned',
          signature: null,
          payload: null,
        },
      },
      // GitHub maps emails to accounts; the emulator has no accounts to map to.
      author: null,
      committer: null,
      parents: commit.parents.map(sha => this.parent(repo, sha)),
      ...(files ? this.fileStats(repo, commit.sha, files) : {}),
    };
  }

  private fileStats(
    repo: EmulatedRepository,
    sha: string,
    files: GitFileChange[],
  ) {
    const additions = files.reduce((n, f) => n + f.additions, 0);
    const deletions = files.reduce((n, f) => n + f.deletions, 0);
    return {
      stats: { total: additions + deletions, additions, deletions },
      files: files.map(f => this.fileChange(repo, sha, f)),
    };
  }

  private parent(repo: EmulatedRepository, sha: string) {
    return {
      sha,
      url: `${this.repoApiUrl(repo)}/commits/${sha}`,
      html_url: `${this.repoHtmlUrl(repo)}/commit/${sha}`,
    };
  }

  fileChange(repo: EmulatedRepository, headSha: string, change: GitFileChange) {
    return {
      sha: change.status === 'removed' ? change.oldSha : change.newSha,
      filename: change.path,
      status: change.status,
      additions: change.additions,
      deletions: change.deletions,
      changes: change.additions + change.deletions,
      blob_url: `${this.repoHtmlUrl(repo)}/blob/${headSha}/${change.path}`,
      raw_url: `${this.repoHtmlUrl(repo)}/raw/${headSha}/${change.path}`,
      contents_url: `${this.repoApiUrl(repo)}/contents/${
        change.path
      }?ref=${headSha}`,
      ...(change.patch !== undefined ? { patch: change.patch } : {}),
    };
  }

  treeEntry(repo: EmulatedRepository, entry: GitTreeEntry) {
    const kind = entry.type === 'tree' ? 'trees' : 'blobs';
    return {
      path: entry.path,
      mode: entry.mode,
      type: entry.type,
      sha: entry.sha,
      ...(entry.size !== undefined ? { size: entry.size } : {}),
      ...(entry.type !== 'commit'
        ? { url: `${this.repoApiUrl(repo)}/git/${kind}/${entry.sha}` }
        : {}),
    };
  }

  tree(repo: EmulatedRepository, sha: string, entries: GitTreeEntry[]) {
    return {
      sha,
      url: `${this.repoApiUrl(repo)}/git/trees/${sha}`,
      tree: entries.map(e => this.treeEntry(repo, e)),
      truncated: false,
    };
  }

  /** A file or directory entry of the Contents API (without `content`). */
  contentEntry(
    repo: EmulatedRepository,
    path: string,
    entry: {
      type: 'file' | 'dir' | 'symlink' | 'submodule';
      sha: string;
      size: number;
    },
    ref: string,
  ) {
    const api = `${this.repoApiUrl(
      repo,
    )}/contents/${path}?ref=${encodeURIComponent(ref)}`;
    const gitUrl = `${this.repoApiUrl(repo)}/git/${
      entry.type === 'dir' ? 'trees' : 'blobs'
    }/${entry.sha}`;
    const html = `${this.repoHtmlUrl(repo)}/${
      entry.type === 'dir' ? 'tree' : 'blob'
    }/${ref}/${path}`;
    return {
      type: entry.type,
      name: path.split('/').pop() ?? path,
      path,
      sha: entry.sha,
      size: entry.size,
      url: api,
      git_url: gitUrl,
      html_url: html,
      download_url:
        entry.type === 'file'
          ? `${this.htmlBaseUrl}/raw/${repo.fullName}/${ref}/${path}`
          : null,
      _links: { self: api, git: gitUrl, html },
    };
  }

  pullRequest(
    repo: EmulatedRepository,
    pull: PullRequestRecord,
    heads: { headSha: string; baseSha: string },
    detail?: {
      commits: number;
      additions: number;
      deletions: number;
      changedFiles: number;
      mergeable: boolean | null;
    },
  ) {
    const api = `${this.repoApiUrl(repo)}/pulls/${pull.number}`;
    const html = `${this.repoHtmlUrl(repo)}/pull/${pull.number}`;
    const issue = `${this.repoApiUrl(repo)}/issues/${pull.number}`;
    const repoSummary = this.repository(repo, {
      admin: false,
      push: false,
      pull: true,
    });
    const side = (ref: string, sha: string) => ({
      label: `${repo.owner}:${ref}`,
      ref,
      sha,
      user: this.user({ login: repo.owner, type: 'User' }),
      repo: repoSummary,
    });
    return {
      url: api,
      id: repo.id * 100000 + pull.number,
      node_id: nodeId('PR', `${repo.fullName}#${pull.number}`),
      html_url: html,
      diff_url: `${html}.diff`,
      patch_url: `${html}.patch`,
      issue_url: issue,
      commits_url: `${api}/commits`,
      comments_url: `${issue}/comments`,
      number: pull.number,
      state: pull.state,
      locked: false,
      title: pull.title,
      user: this.user(pull.user),
      body: pull.body,
      labels: pull.labels.map(name => this.label(repo, repo.labels.get(name)!)),
      created_at: pull.createdAt,
      updated_at: pull.updatedAt,
      closed_at: pull.closedAt,
      merged_at: pull.mergedAt,
      merge_commit_sha: pull.mergeCommitSha,
      assignees: [],
      requested_reviewers: [],
      draft: pull.draft,
      head: side(pull.headRef, heads.headSha),
      base: side(pull.baseRef, heads.baseSha),
      author_association: 'OWNER',
      _links: {
        self: { href: api },
        html: { href: html },
        issue: { href: issue },
        comments: { href: `${issue}/comments` },
      },
      // GitHub sends these only on the single pull request, not in lists.
      ...(detail
        ? {
            merged: pull.merged,
            mergeable: detail.mergeable,
            mergeable_state: detail.mergeable === false ? 'dirty' : 'clean',
            merged_by: pull.mergedBy ? this.user(pull.mergedBy) : null,
            comments: pull.comments.length,
            review_comments: 0,
            maintainer_can_modify: pull.maintainerCanModify,
            commits: detail.commits,
            additions: detail.additions,
            deletions: detail.deletions,
            changed_files: detail.changedFiles,
          }
        : {}),
    };
  }

  label(repo: EmulatedRepository, label: LabelRecord) {
    return {
      id: label.id,
      node_id: nodeId('LA', `${repo.fullName}:${label.name}`),
      url: `${this.repoApiUrl(repo)}/labels/${encodeURIComponent(label.name)}`,
      name: label.name,
      color: label.color,
      default: false,
      description: label.description,
    };
  }

  comment(
    repo: EmulatedRepository,
    issueNumber: number,
    comment: IssueComment,
  ) {
    return {
      id: comment.id,
      node_id: nodeId('IC', String(comment.id)),
      url: `${this.repoApiUrl(repo)}/issues/comments/${comment.id}`,
      html_url: `${this.repoHtmlUrl(repo)}/pull/${issueNumber}#issuecomment-${
        comment.id
      }`,
      issue_url: `${this.repoApiUrl(repo)}/issues/${issueNumber}`,
      body: comment.body,
      user: this.user(comment.user),
      created_at: comment.createdAt,
      updated_at: comment.updatedAt,
      author_association: 'OWNER',
    };
  }
}
