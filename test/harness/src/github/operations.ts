import { GitIdentity } from '../git/BareRepository';
import { applyTreeEdits, TreeEdit } from './git/treeEdits';
import { conflict, GithubApiError, unprocessable } from './http/GithubApiError';
import { Actor, EmulatedRepository, nowIso, PullRequestRecord } from './model';

/**
 * Git and pull request operations shared by the REST handlers and the test-side helpers (a person
 * pushing or merging goes through the same code as the API, minus permission checks).
 */

export const branchRef = (branch: string) => `refs/heads/${branch}`;

/** The git identity GitHub records for commits made through the API by an account. */
export function identityOf(actor: Actor, date = nowIso()): GitIdentity {
  return {
    name: actor.login,
    email: `${actor.login}@users.noreply.github.com`,
    date,
  };
}

/** GitHub's answer to a write on a protected branch through the Git refs API. */
export function assertNotProtected(repo: EmulatedRepository, fullRef: string) {
  const branch = fullRef.replace(/^refs\/heads\//, '');
  if (fullRef.startsWith('refs/heads/') && repo.isProtected(branch)) {
    throw unprocessable(`Protected branch update failed for ${fullRef}.`);
  }
}

export interface FileCommit {
  branch: string;
  /** Path → new content; null deletes the file. */
  files: Record<string, string | Buffer | null>;
  message: string;
  author: GitIdentity;
  committer?: GitIdentity;
}

/**
 * Commits file changes on top of a branch head (creating the branch when it does not exist yet) and
 * moves the branch with a compare-and-swap, so a concurrent writer is detected, never overwritten.
 */
export async function commitFilesToBranch(
  repo: EmulatedRepository,
  change: FileCommit,
): Promise<string> {
  const ref = branchRef(change.branch);
  const head = await repo.git.readRef(ref);
  const baseTree = head ? (await repo.git.readCommit(head)).tree : undefined;
  const edits: TreeEdit[] = [];
  for (const [path, content] of Object.entries(change.files)) {
    edits.push({
      path,
      mode: '100644',
      type: 'blob',
      sha:
        content === null
          ? null
          : await repo.git.writeBlob(Buffer.from(content)),
    });
  }
  const tree = await applyTreeEdits(repo.git, baseTree, edits);
  const sha = await repo.git.writeCommit({
    tree,
    parents: head ? [head] : [],
    message: change.message,
    author: change.author,
    committer: change.committer ?? change.author,
  });
  if (!(await repo.git.compareAndSwapRef(ref, sha, head))) {
    throw conflict(`${ref} moved while committing; try again`);
  }
  return sha;
}

/** The commits a pull request shows: live branch heads while open, frozen ones once closed. */
export async function pullHeads(
  repo: EmulatedRepository,
  pull: PullRequestRecord,
): Promise<{ headSha: string; baseSha: string }> {
  const headSha =
    pull.closedHeadSha ?? (await repo.git.readRef(branchRef(pull.headRef)));
  const baseSha =
    pull.closedBaseSha ?? (await repo.git.readRef(branchRef(pull.baseRef)));
  return { headSha: headSha ?? '', baseSha: baseSha ?? '' };
}

export async function closePull(
  repo: EmulatedRepository,
  pull: PullRequestRecord,
): Promise<void> {
  const heads = await pullHeads(repo, pull);
  pull.state = 'closed';
  pull.closedAt = nowIso();
  pull.updatedAt = pull.closedAt;
  pull.closedHeadSha = heads.headSha;
  pull.closedBaseSha = heads.baseSha;
}

export type MergeMethod = 'merge' | 'squash' | 'rebase';

export interface MergeOptions {
  method: MergeMethod;
  actor: Actor;
  commitTitle?: string;
  commitMessage?: string;
  /** The head the merger reviewed; a different head is refused as on GitHub. */
  expectedHeadSha?: string;
}

const notMergeable = (message = 'Pull Request is not mergeable') =>
  new GithubApiError(405, message);

/** Merges an open pull request into its base branch with plumbing only, as GitHub's merge button does. */
export async function mergePull(
  repo: EmulatedRepository,
  pull: PullRequestRecord,
  options: MergeOptions,
): Promise<string> {
  if (pull.state !== 'open') {
    throw notMergeable();
  }
  const { headSha, baseSha } = await pullHeads(repo, pull);
  if (!headSha || !baseSha) {
    throw notMergeable();
  }
  if (options.expectedHeadSha && options.expectedHeadSha !== headSha) {
    throw conflict('Head branch was modified. Review and try the merge again.');
  }
  const now = nowIso();
  let mergedSha: string;
  if (options.method === 'rebase') {
    if (!(await repo.git.isAncestor(baseSha, headSha))) {
      throw notMergeable("This branch can't be rebased");
    }
    mergedSha = headSha;
  } else {
    const tree = await repo.git.mergeTrees(baseSha, headSha);
    if (!tree) {
      throw notMergeable();
    }
    const squash = options.method === 'squash';
    const title =
      options.commitTitle ??
      (squash
        ? `${pull.title} (#${pull.number})`
        : `Merge pull request #${pull.number} from ${repo.owner}/${pull.headRef}`);
    const body = options.commitMessage ?? (squash ? '' : pull.title);
    mergedSha = await repo.git.writeCommit({
      tree,
      parents: squash ? [baseSha] : [baseSha, headSha],
      message: body ? `${title}\n\n${body}` : title,
      author: identityOf(options.actor, now),
      committer: { name: 'GitHub', email: 'noreply@github.com', date: now },
    });
  }
  if (
    !(await repo.git.compareAndSwapRef(
      branchRef(pull.baseRef),
      mergedSha,
      baseSha,
    ))
  ) {
    throw conflict('Base branch was modified. Review and try the merge again.');
  }
  pull.merged = true;
  pull.mergedAt = now;
  pull.mergedBy = options.actor;
  pull.mergeCommitSha = mergedSha;
  pull.state = 'closed';
  pull.closedAt = now;
  pull.updatedAt = now;
  pull.closedHeadSha = headSha;
  pull.closedBaseSha = baseSha;
  return mergedSha;
}
