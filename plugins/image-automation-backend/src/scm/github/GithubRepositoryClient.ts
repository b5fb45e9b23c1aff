import { MAX_MANIFEST_BYTES } from '@image-automation/plugin-image-automation-node';
import type { Octokit } from '@octokit/rest';
import { GitError } from '../GitError';
import {
  BranchHead,
  ChangeRequest,
  CommitInfo,
  FileChange,
  GitFile,
  GitRepository,
  GitSnapshot,
  RefMove,
  RepositoryIdentity,
  TreeEntry,
} from '../port';
import { BlobCache } from './BlobCache';
import { toGitError } from './toGitError';

/**
 * One GitHub repository through the REST API, without a clone: ref → commit
 * → recursive tree → only the blobs not already cached; blobs, tree and
 * commit for a write. Every ref move is a compare-and-swap: a fast-forward
 * without force, else GraphQL `updateRefs` with the sha it expects.
 */
export class GithubRepositoryClient implements GitRepository {
  readonly supportsChangeRequests = true;
  readonly changeRequestNoun = 'pull request';
  readonly identity: RepositoryIdentity;
  private readonly octokit: Octokit;
  private readonly owner: string;
  private readonly repo: string;
  private readonly blobs: BlobCache;
  private repositoryId?: Promise<string>;

  constructor(options: {
    octokit: Octokit;
    owner: string;
    repo: string;
    identity: RepositoryIdentity;
    blobs: BlobCache;
  }) {
    this.octokit = options.octokit;
    this.owner = options.owner;
    this.repo = options.repo;
    this.identity = options.identity;
    this.blobs = options.blobs;
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
    const { owner, repo } = this;
    return this.call(
      'read the repository',
      async () =>
        (await this.octokit.repos.get({ owner, repo })).data.default_branch,
    );
  }

  async branchSha(branch: string): Promise<string | undefined> {
    const { owner, repo } = this;
    try {
      return (
        await this.octokit.git.getRef({ owner, repo, ref: `heads/${branch}` })
      ).data.object.sha;
    } catch (error) {
      if ((error as { status?: number }).status === 404) return undefined;
      throw toGitError(error, this.name, `find branch ${branch}`);
    }
  }

  async openBranch(branch: string): Promise<BranchHead | undefined> {
    const headSha = await this.branchSha(branch);
    if (!headSha) return undefined;
    const { treeSha } = await this.getCommit(headSha);
    const entries = await this.listTree(treeSha, branch);
    return { repository: this.identity, branch, headSha, treeSha, entries };
  }

  async readFiles(head: BranchHead, paths: string[]): Promise<GitSnapshot> {
    const { branch, entries } = head;
    const wanted: Array<{ path: string; sha: string }> = [];
    const missing: string[] = [];
    for (const path of paths) {
      const entry = entries.get(path);
      if (!entry) {
        missing.push(path);
        continue;
      }
      if (entry.mode === '120000') {
        // A link's target may lie outside the repository: never followed.
        throw new GitError(
          'git-bad-repository',
          `${path} in ${this.name}@${branch} is a symbolic link; list the file it points to instead`,
        );
      }
      if (entry.size > MAX_MANIFEST_BYTES) {
        // Refused before download: a 50 MiB file must not reach memory.
        throw new GitError(
          'git-bad-repository',
          `${path} in ${this.name}@${branch} is ${entry.size} bytes; manifests over ${MAX_MANIFEST_BYTES} bytes are refused`,
        );
      }
      wanted.push({ path, sha: entry.sha });
    }
    const contents = await Promise.all(
      wanted.map(({ path, sha }) => this.blob(sha, path)),
    );
    const files = new Map<string, GitFile>(
      wanted.map(({ path, sha }, i) => [
        path,
        { path, blobSha: sha, content: contents[i] },
      ]),
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
    const open = await this.call(
      `list the pull requests of ${branch}`,
      async () =>
        (
          await this.octokit.pulls.list({
            owner,
            repo,
            state: 'open',
            head: `${owner}:${branch}`,
          })
        ).data,
    );
    if (open[0]) return changeRequestOf(open[0], branch);
    if (known === undefined) return undefined;
    try {
      const pull = (
        await this.octokit.pulls.get({ owner, repo, pull_number: known })
      ).data;
      return pull.head.ref === branch
        ? changeRequestOf(pull, branch)
        : undefined;
    } catch (error) {
      if ((error as { status?: number }).status === 404) return undefined;
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

  private async listTree(
    treeSha: string,
    branch: string,
  ): Promise<Map<string, TreeEntry>> {
    const { owner, repo } = this;
    const tree = await this.call(
      `list the files of ${branch}`,
      async () =>
        (
          await this.octokit.git.getTree({
            owner,
            repo,
            tree_sha: treeSha,
            recursive: 'true',
          })
        ).data,
    );
    if (tree.truncated) {
      throw new GitError(
        'git-bad-repository',
        `the tree of ${this.name}@${branch} is too large for one GitHub API listing`,
      );
    }
    return new Map(
      tree.tree
        .filter(entry => entry.type === 'blob' && entry.path && entry.sha)
        .map(entry => [
          entry.path!,
          {
            sha: entry.sha!,
            size: entry.size ?? 0,
            mode: entry.mode ?? '100644',
          },
        ]),
    );
  }

  private async blob(sha: string, path: string): Promise<string> {
    const cached = this.blobs.get(sha);
    if (cached !== undefined) return cached;
    const { owner, repo } = this;
    const content = await this.call(`read ${path}`, async () => {
      // The raw media type: the bytes themselves, not base64 inside JSON,
      // which a first cycle over thousands of manifests pays for in garbage.
      const blob = await this.octokit.git.getBlob({
        owner,
        repo,
        file_sha: sha,
        mediaType: { format: 'raw' },
      });
      return rawText(blob.data as unknown);
    });
    this.blobs.set(sha, content);
    return content;
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

/** Octokit hands raw bodies over as text or as bytes, by content type. */
function rawText(data: unknown): string {
  if (typeof data === 'string') return data;
  if (data instanceof ArrayBuffer) return Buffer.from(data).toString('utf8');
  if (ArrayBuffer.isView(data)) {
    return Buffer.from(data.buffer, data.byteOffset, data.byteLength).toString(
      'utf8',
    );
  }
  throw new GitError(
    'git-bad-repository',
    'GitHub answered a raw blob request with no content',
  );
}
