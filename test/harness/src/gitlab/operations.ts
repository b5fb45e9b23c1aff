import { GitIdentity, isFullSha } from '../git/BareRepository';
import { runGit } from '../git/runGit';
import { applyTreeEdits, TreeEdit } from '../github/git/treeEdits';
import { badRequest, invalidParams } from './http/GitlabApiError';
import {
  EmulatedProject,
  GitlabUser,
  MergeRequestRecord,
  nowIso,
} from './model';

/**
 * Git and merge request operations shared by the REST handlers, Git over HTTP and the test-side
 * helpers (a person pushing goes through the same refresh as the API, minus permission checks).
 */

export const branchRef = (branch: string) => `refs/heads/${branch}`;

export const identityOf = (user: GitlabUser, date = nowIso()): GitIdentity => ({
  name: user.name,
  email: user.email,
  date,
});

/** `git check-ref-format --branch`, which is what GitLab's branch name validation comes down to. */
export async function isValidBranchName(name: string): Promise<boolean> {
  if (!name || name.startsWith('-') || name === 'HEAD') return false;
  const { exitCode } = await runGit(
    undefined,
    ['check-ref-format', `refs/heads/${name}`],
    { acceptExitCodes: [1] },
  );
  return exitCode === 0;
}

/** One entry of the `actions` array of `POST /projects/:id/repository/commits`. */
export interface CommitAction {
  action: 'create' | 'delete' | 'move' | 'update' | 'chmod';
  file_path: string;
  previous_path?: string;
  content?: string;
  encoding?: 'text' | 'base64';
  execute_filemode?: boolean;
  last_commit_id?: string;
}

const ACTIONS = new Set(['create', 'delete', 'move', 'update', 'chmod']);

/** Validates the shape of `actions` as Grape does before the service runs. */
export function parseActions(raw: unknown): CommitAction[] {
  if (raw === undefined || raw === null) {
    throw invalidParams('actions is missing');
  }
  if (!Array.isArray(raw) || raw.length === 0) {
    throw invalidParams('actions is empty');
  }
  return raw.map((action, i) => {
    if (!action || typeof action !== 'object') {
      throw invalidParams(`actions[${i}] is invalid`);
    }
    if (!ACTIONS.has(action.action)) {
      throw invalidParams(`actions[${i}][action] does not have a valid value`);
    }
    if (typeof action.file_path !== 'string' || !action.file_path) {
      throw invalidParams(`actions[${i}][file_path] is missing`);
    }
    if (
      action.encoding !== undefined &&
      action.encoding !== 'text' &&
      action.encoding !== 'base64'
    ) {
      throw invalidParams(
        `actions[${i}][encoding] does not have a valid value`,
      );
    }
    return action as CommitAction;
  });
}

function cleanPath(path: string): string {
  const parts = path.split('/');
  if (
    parts.some(
      p => p === '' || p === '.' || p === '..' || p.toLowerCase() === '.git',
    )
  ) {
    throw badRequest('Invalid path');
  }
  return parts.join('/');
}

const decodeContent = (action: CommitAction): Buffer =>
  Buffer.from(
    action.content ?? '',
    action.encoding === 'base64' ? 'base64' : 'utf8',
  );

/**
 * Applies commit actions on top of a commit's tree the way GitLab's Files::MultiService does:
 * `create` refuses an existing file, `update`/`delete`/`chmod`/`move` refuse a missing one,
 * `update` keeps the file's mode, and `last_commit_id` refuses a file changed since that commit.
 */
export async function applyActions(
  project: EmulatedProject,
  startSha: string | undefined,
  actions: CommitAction[],
): Promise<string> {
  const { git } = project;
  const baseTree = startSha ? (await git.readCommit(startSha)).tree : undefined;
  const edits = new Map<string, TreeEdit>();
  const current = async (path: string) => {
    if (edits.has(path)) {
      const edit = edits.get(path)!;
      return edit.sha ? { mode: edit.mode, sha: edit.sha } : undefined;
    }
    if (!baseTree) return undefined;
    const entry = await git.findEntry(baseTree, path);
    return entry?.type === 'blob' ? entry : undefined;
  };
  for (const action of actions) {
    const path = cleanPath(action.file_path);
    const existing = await current(path);
    if (action.action === 'create') {
      if (existing) throw badRequest('A file with this name already exists');
    } else if (!existing && action.action !== 'move') {
      throw badRequest("A file with this name doesn't exist");
    }
    if (action.last_commit_id && startSha) {
      const last = await git.revList(startSha, { path });
      if (last[0] && last[0] !== action.last_commit_id) {
        throw badRequest(
          `The file has changed since you started editing it: ${path}`,
        );
      }
    }
    switch (action.action) {
      case 'create':
      case 'update': {
        const sha = await git.writeBlob(decodeContent(action));
        const mode = action.action === 'update' ? existing!.mode : '100644';
        edits.set(path, { path, mode, type: 'blob', sha });
        break;
      }
      case 'delete':
        edits.set(path, {
          path,
          mode: existing!.mode,
          type: 'blob',
          sha: null,
        });
        break;
      case 'chmod':
        edits.set(path, {
          path,
          mode: action.execute_filemode ? '100755' : '100644',
          type: 'blob',
          sha: existing!.sha,
        });
        break;
      case 'move': {
        const from = cleanPath(action.previous_path ?? '');
        const source = await current(from);
        if (!source) throw badRequest("A file with this name doesn't exist");
        if (existing) throw badRequest('A file with this name already exists');
        const sha =
          action.content === undefined
            ? source.sha
            : await git.writeBlob(decodeContent(action));
        edits.set(from, {
          path: from,
          mode: source.mode,
          type: 'blob',
          sha: null,
        });
        edits.set(path, { path, mode: source.mode, type: 'blob', sha });
        break;
      }
      default:
        throw badRequest(`Unknown action ${action.action}`);
    }
  }
  return applyTreeEdits(git, baseTree, [...edits.values()]);
}

/** The source head a merge request shows: live while open, frozen once closed or merged. */
export async function mergeRequestSha(
  project: EmulatedProject,
  mr: MergeRequestRecord,
): Promise<string | null> {
  if (mr.frozenSha !== undefined) return mr.frozenSha || null;
  return (await project.git.readRef(branchRef(mr.sourceBranch))) ?? null;
}

export async function closeMergeRequest(
  project: EmulatedProject,
  mr: MergeRequestRecord,
  by: GitlabUser,
  nextNoteId: () => number,
): Promise<void> {
  mr.frozenSha = (await mergeRequestSha(project, mr)) ?? '';
  mr.state = 'closed';
  mr.closedAt = nowIso();
  mr.updatedAt = mr.closedAt;
  mr.notes.push({
    id: nextNoteId(),
    body: 'closed',
    author: by,
    createdAt: mr.closedAt,
    system: true,
  });
}

/**
 * What GitLab's MergeRequests::RefreshService does after a push, for the cases write-back meets:
 * an open merge request whose source branch is gone is closed, and one whose source head was pushed
 * into its target (merged by hand) is marked merged.
 */
export async function refreshMergeRequests(
  project: EmulatedProject,
  by: GitlabUser,
  previousHeads: Map<string, string | undefined>,
  nextNoteId: () => number,
): Promise<void> {
  for (const mr of project.mergeRequests) {
    if (mr.state !== 'opened') continue;
    const source = await project.git.readRef(branchRef(mr.sourceBranch));
    if (!source) {
      await closeMergeRequest(project, mr, by, nextNoteId);
      continue;
    }
    const target = await project.git.readRef(branchRef(mr.targetBranch));
    const before = previousHeads.get(mr.targetBranch);
    if (
      target &&
      before !== target &&
      (await project.git.isAncestor(source, target)) &&
      !(before && (await project.git.isAncestor(source, before)))
    ) {
      mr.state = 'merged';
      mr.mergedAt = nowIso();
      mr.updatedAt = mr.mergedAt;
      mr.frozenSha = source;
      mr.mergeCommitSha = target;
    }
  }
}

/** Every branch head, for a refresh to compare with after a change. */
export async function branchHeads(
  project: EmulatedProject,
): Promise<Map<string, string | undefined>> {
  const heads = new Map<string, string | undefined>();
  for (const { ref, sha } of await project.git.listRefs()) {
    if (ref.startsWith('refs/heads/')) heads.set(ref.slice(11), sha);
  }
  return heads;
}

export { isFullSha };
