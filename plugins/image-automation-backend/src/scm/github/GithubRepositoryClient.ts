import type { Octokit } from '@octokit/rest';
import {
  BranchHead,
  ChangeRequest,
  CommitInfo,
  FileChange,
  GitRepository,
  GitSnapshot,
  RefMove,
  RepositoryIdentity,
} from '../port';
import { GithubReads, GithubReadTarget } from './reads';
import { toGitError } from './toGitError';

/**
 * One GitHub repository through its API, without a clone. Reads go through
 * the shared GithubReads (heads of many repositories per GraphQL call,
 * listings cached by tree sha, blobs batched and cached by sha, refs and
 * pull request lists asked conditionally), so a cycle costs a few requests
 * per repository; writes are blobs, tree and commit over REST. Every ref
 * move is a compare-and-swap: a fast-forward without force, else GraphQL
 * `updateRefs` with the sha it expects.
 */
export class GithubRepositoryClient implements GitRepository {
  readonly supportsChangeRequests = true;
  readonly changeRequestNoun = 'pull request';
  readonly identity: RepositoryIdentity;
  private readonly octokit: Octokit;
  private readonly owner: string;
  private readonly repo: string;
  private readonly reads: GithubReads;
  private readonly readTarget: GithubReadTarget;
  private repositoryId?: Promise<string>;

  constructor(options: {
    /** Writes and the rest: throttled as GitHub asks of writers. */
    octokit: Octokit;
    /** Reads: not serialised behind writes; GithubReads bounds and gates them. */
    readOctokit: Octokit;
    owner: string;
    repo: string;
    identity: RepositoryIdentity;
    reads: GithubReads;
  }) {
    this.octokit = options.octokit;
    this.owner = options.owner;
    this.repo = options.repo;
    this.identity = options.identity;
    this.reads = options.reads;
    this.readTarget = {
      octokit: options.readOctokit,
      owner: options.owner,
      repo: options.repo,
      displayName: options.identity.displayName,
    };
  }

  private get name() {
    return this.identity.displayName;
  }

  private async call<T>(doing: string, request: () => Promise<T>): Promise<T> {
    try {
      return await request();
    } catch (error) {
      throw toGitError(error, this.name, doing);
    }
  }

  async defaultBranch(): Promise<string> {
    // The head query that names the default branch also opens it.
    const opened = await this.reads.openBranch(this.readTarget);
    if (opened) return opened.branch;
    const { owner, repo } = this;
    // An empty repository has no default branch head; GitHub still names one.
    return this.call(
      'read the repository',
      async () =>
        (await this.octokit.repos.get({ owner, repo })).data.default_branch,
    );
  }

  async branchSha(branch: string): Promise<string | undefined> {
    return this.reads.branchSha(this.readTarget, branch);
  }

  async openBranch(branch: string): Promise<BranchHead | undefined> {
    const opened = await this.reads.openBranch(this.readTarget, branch);
    return opened && { repository: this.identity, ...opened };
  }

  async readFiles(head: BranchHead, paths: string[]): Promise<GitSnapshot> {
    const { files, missing } = await this.reads.readFiles(
      this.readTarget,
      head,
      paths,
    );
    return { ...head, files, missing };
  }

  async getCommit(sha: string): Promise<CommitInfo> {
    const { owner, repo } = this;
    const commit = await this.call(
      `read commit ${sha}`,
      async () =>
        (
          await this.octokit.git.getCommit({ owner, repo, commit_sha: sha })
        ).data,
    );
    return {
      sha: commit.sha,
      treeSha: commit.tree.sha,
      parents: commit.parents.map(p => p.sha),
      message: commit.message,
    };
  }

  async createCommit(input: {
    parent: BranchHead;
    message: string;
    author?: { name: string; email: string };
    changes: FileChange[];
  }): Promise<CommitInfo> {
    const { owner, repo } = this;
    const { parent } = input;
    return this.call(`write a commit on ${parent.branch}`, async () => {
      const tree = await this.octokit.git.createTree({
        owner,
        repo,
        base_tree: parent.treeSha,
        tree: input.changes.map(change => ({
          path: change.path,
          mode: change.mode,
          type: 'blob' as const,
          content: change.content,
        })),
      });
      const commit = await this.octokit.git.createCommit({
        owner,
        repo,
        message: input.message,
        tree: tree.data.sha,
        parents: [parent.headSha],
        // GitHub takes an author only with both name and email; else the token's user.
        ...(input.author ? { author: input.author } : {}),
      });
      return {
        sha: commit.data.sha,
        treeSha: tree.data.sha,
        parents: [parent.headSha],
        message: input.message,
      };
    });
  }

  async moveBranch(
    branch: string,
    expectedSha: string | undefined,
    newSha: string,
  ): Promise<RefMove> {
    try {
      return await this.swapBranch(branch, expectedSha, newSha);
    } finally {
      // Moved or found moved: the head this cycle opened is no longer the head.
      this.reads.forget(this.readTarget, branch);
    }
  }

  private async swapBranch(
    branch: string,
    expectedSha: string | undefined,
    newSha: string,
  ): Promise<RefMove> {
    const { owner, repo } = this;
    if (expectedSha === undefined) {
      try {
        await this.octokit.git.createRef({
          owner,
          repo,
          ref: `refs/heads/${branch}`,
          sha: newSha,
        });
        return { moved: true };
      } catch (error) {
        const e = error as { status?: number; message?: string };
        if (e.status === 422 && /already exists/i.test(e.message ?? '')) {
          return { moved: false, actualSha: await this.branchSha(branch) };
        }
        throw toGitError(error, this.name, `create branch ${branch}`);
      }
    }
    if (expectedSha === newSha) return { moved: true };
    // First as a fast-forward: GitHub refuses a non-forced update unless the
    // branch is an ancestor of newSha, so no commit on it can be lost (a
    // merged branch of ours is one, our commit sits on the merge).
    try {
      await this.octokit.git.updateRef({
        owner,
        repo,
        ref: `heads/${branch}`,
        sha: newSha,
        force: false,
      });
      return { moved: true };
    } catch (error) {
      const e = error as { status?: number; message?: string };
      if (e.status === 422 && /does not exist/i.test(e.message ?? '')) {
        return { moved: false, actualSha: undefined };
      }
      if (!(e.status === 422 && /fast.forward/i.test(e.message ?? ''))) {
        throw toGitError(error, this.name, `update branch ${branch}`);
      }
    }
    return this.swapRef(branch, expectedSha, newSha);
  }

  /**
   * Not a fast-forward (our branch redone on a new base): GraphQL
   * `updateRefs` moves the ref only if it still points at `expectedSha`,
   * atomically on GitHub's side.
   */
  private async swapRef(
    branch: string,
    expectedSha: string,
    newSha: string,
  ): Promise<RefMove> {
    const doing = `update branch ${branch}`;
    const repositoryId = await this.graphqlRepositoryId();
    try {
      await this.octokit.graphql(
        `mutation($input: UpdateRefsInput!) { updateRefs(input: $input) { clientMutationId } }`,
        {
          input: {
            repositoryId,
            refUpdates: [
              {
                name: `refs/heads/${branch}`,
                afterOid: newSha,
                beforeOid: expectedSha,
                force: true,
              },
            ],
          },
        },
      );
      return { moved: true };
    } catch (error) {
      // GitHub words a stale beforeOid several ways; the ref itself says.
      const actualSha = await this.branchSha(branch);
      if (actualSha !== expectedSha) return { moved: false, actualSha };
      throw toGitError(graphqlAsHttp(error), this.name, doing);
    }
  }

  private graphqlRepositoryId(): Promise<string> {
    if (!this.repositoryId) {
      const { owner, repo } = this;
      this.repositoryId = this.call('read the repository id', async () => {
        const answer = await this.octokit.graphql<{
          repository: { id: string } | null;
        }>(
          `query($owner: String!, $name: String!) { repository(owner: $owner, name: $name) { id } }`,
          { owner, name: repo },
        );
        if (!answer.repository) {
          throw Object.assign(new Error('repository not found'), {
            status: 404,
          });
        }
        return answer.repository.id;
      }).catch(error => {
        this.repositoryId = undefined;
        throw error;
      });
    }
    return this.repositoryId;
  }

  async findChangeRequest(
    branch: string,
    known?: number,
  ): Promise<ChangeRequest | undefined> {
    const { owner, repo } = this;
    type Pull = Parameters<typeof changeRequestOf>[0] & {
      head: { ref: string };
    };
    // Asked every cycle for every open pull request: conditionally, so an
    // unchanged one costs a free 304.
    const open = await this.reads.conditionalGet<Pull[]>(
      this.readTarget,
      'GET /repos/{owner}/{repo}/pulls',
      { owner, repo, state: 'open', head: `${owner}:${branch}` },
      `list the pull requests of ${branch}`,
    );
    if (open[0]) return changeRequestOf(open[0], branch);
    if (known === undefined) return undefined;
    try {
      const pull = await this.reads.conditionalGet<Pull>(
        this.readTarget,
        'GET /repos/{owner}/{repo}/pulls/{pull_number}',
        { owner, repo, pull_number: known },
        `read pull request #${known}`,
        { notFoundAsUndefined: true },
      );
      return pull?.head.ref === branch
        ? changeRequestOf(pull, branch)
        : undefined;
    } catch (error) {
      throw toGitError(error, this.name, `read pull request #${known}`);
    }
  }

  async openChangeRequest(input: {
    branch: string;
    base: string;
    title: string;
    body: string;
    labels: string[];
  }): Promise<ChangeRequest> {
    const { owner, repo } = this;
    let created: ChangeRequest;
    try {
      const pull = await this.octokit.pulls.create({
        owner,
        repo,
        head: input.branch,
        base: input.base,
        title: input.title,
        body: input.body,
        maintainer_can_modify: true,
      });
      created = changeRequestOf(pull.data, input.branch);
    } catch (error) {
      // Opened meanwhile (a replica that lost its lease, or a person): use it.
      const existing =
        (error as { status?: number }).status === 422
          ? await this.findChangeRequest(input.branch)
          : undefined;
      if (existing?.state === 'open') return existing;
      throw toGitError(
        error,
        this.name,
        `open a pull request for ${input.branch}`,
      );
    }
    if (input.labels.length) {
      await this.call(`label pull request #${created.number}`, () =>
        this.octokit.issues.addLabels({
          owner,
          repo,
          issue_number: created.number,
          labels: input.labels,
        }),
      );
    }
    return created;
  }

  async updateChangeRequest(
    number: number,
    input: { title: string; body: string },
  ): Promise<void> {
    const { owner, repo } = this;
    await this.call(`update pull request #${number}`, () =>
      this.octokit.pulls.update({
        owner,
        repo,
        pull_number: number,
        title: input.title,
        body: input.body,
      }),
    );
  }

  async closeChangeRequest(number: number, comment: string): Promise<void> {
    const { owner, repo } = this;
    await this.call(`comment on pull request #${number}`, () =>
      this.octokit.issues.createComment({
        owner,
        repo,
        issue_number: number,
        body: comment,
      }),
    );
    await this.call(`close pull request #${number}`, () =>
      this.octokit.pulls.update({
        owner,
        repo,
        pull_number: number,
        state: 'closed',
      }),
    );
  }
}

function changeRequestOf(
  pull: {
    number: number;
    html_url: string;
    state: string;
    merged_at?: string | null;
    merged?: boolean;
    title: string;
    body?: string | null;
  },
  branch: string,
): ChangeRequest {
  let state: ChangeRequest['state'] = pull.state === 'open' ? 'open' : 'closed';
  if (pull.merged || pull.merged_at) state = 'merged';
  return {
    number: pull.number,
    url: pull.html_url,
    state,
    title: pull.title,
    body: pull.body ?? '',
    branch,
  };
}

/** GraphQL reports failures in the body; give toGitError a status to read. */
function graphqlAsHttp(error: unknown): unknown {
  const e = error as {
    status?: number;
    errors?: Array<{ type?: string; message?: string }>;
    message?: string;
  };
  if (e?.status || !e?.errors) return error;
  const first = e.errors[0];
  const statusOf: Record<string, number> = {
    NOT_FOUND: 404,
    FORBIDDEN: 403,
    RATE_LIMITED: 429,
  };
  const status = statusOf[first?.type ?? ''] ?? 422;
  return Object.assign(new Error(first?.message ?? e.message), {
    status,
    cause: error,
  });
}
