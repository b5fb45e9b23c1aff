import { randomBytes } from 'node:crypto';
import { LoggerService } from '@backstage/backend-plugin-api';
import type { RepositoryLocation } from '@image-automation/plugin-image-automation-common';
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
import {
  manifestEntries,
  refuseOversizedManifest,
} from '../port/manifestEntries';
import { BlobCache } from './BlobCache';
import { GitlabApi, GitlabRequestError } from './GitlabApi';
import { toGitlabError } from './gitlabErrors';
import { GitlabTreeEntry, treeObjectId } from './gitTree';
import { leasePush } from './leasePush';

interface GitlabCommit {
  id: string;
  parent_ids: string[];
  message: string;
}

interface GitlabBranch {
  name: string;
  commit: GitlabCommit;
  protected: boolean;
  can_push?: boolean;
}

interface GitlabMergeRequest {
  iid: number;
  title: string;
  description: string | null;
  state: 'opened' | 'closed' | 'merged' | 'locked';
  source_branch: string;
  web_url: string;
}

interface BlobNode {
  path: string;
  oid: string;
  size: string | null;
  rawTextBlob?: string | null;
}

/** GraphQL pages of `blobs` hold at most 100 nodes. */
const BLOB_BATCH = 100;
const TREE_PAGE = 100;
/** Commits made by createCommit live on a branch of their own until moveBranch places them. */
const SCRATCH_PREFIX = 'image-automation/scratch/';
/** A scratch branch older than this belongs to a writer that stopped before moving its commit. */
const SCRATCH_MAX_AGE_MS = 60 * 60_000;

const BLOB_SIZES = `
  query BlobSizes($fullPath: ID!, $ref: String!, $paths: [String!]!, $after: String) {
    project(fullPath: $fullPath) {
      repository {
        blobs(ref: $ref, paths: $paths, after: $after) {
          nodes { path oid size }
          pageInfo { hasNextPage endCursor }
        }
      }
    }
  }`;

const BLOB_CONTENTS = `
  query BlobContents($fullPath: ID!, $ref: String!, $paths: [String!]!, $after: String) {
    project(fullPath: $fullPath) {
      repository {
        blobs(ref: $ref, paths: $paths, after: $after) {
          nodes { path oid size rawTextBlob }
          pageInfo { hasNextPage endCursor }
        }
      }
    }
  }`;

const STATES: Record<GitlabMergeRequest['state'], ChangeRequest['state']> = {
  opened: 'open',
  merged: 'merged',
  closed: 'closed',
  locked: 'closed',
};

export interface GitlabRepositoryOptions {
  api: GitlabApi;
  location: RepositoryLocation;
  /** The integration's `baseUrl`: web links and Git over HTTP. */
  baseUrl: string;
  /** The integration's host, for messages naming the config entry. */
  host: string;
  token: string;
  blobs: BlobCache;
  logger: LoggerService;
}

/**
 * One GitLab project behind the host-neutral port. Reads go to the base head by commit id (never
 * by branch name, which may move mid-read): the recursive tree listing once, then blob contents in
 * GraphQL batches of 100 paths. Writes are one commit with all file actions, and branch moves
 * that compare before they swap (see moveBranch).
 */
export class GitlabRepository implements GitRepository {
  readonly identity: RepositoryIdentity;
  readonly supportsChangeRequests = true;
  readonly changeRequestNoun = 'merge request';
  private readonly projectId: string;
  /** Commit id → the scratch branch holding it, for commits this handle created. */
  private readonly scratch = new Map<string, string>();
  private defaultBranchName?: string;

  constructor(private readonly options: GitlabRepositoryOptions) {
    const { location, baseUrl } = options;
    this.projectId = encodeURIComponent(location.path);
    this.identity = {
      kind: 'gitlab',
      location,
      displayName: location.path,
      webUrl: `${baseUrl}/${location.path}`,
    };
  }

  async defaultBranch(): Promise<string> {
    if (!this.defaultBranchName) {
      const project = await this.call('read the project', () =>
        this.options.api.get<{ default_branch: string | null }>(
          `/projects/${this.projectId}`,
        ),
      );
      if (!project.default_branch) {
        throw new GitError(
          'git-bad-repository',
          `${this.identity.displayName} on GitLab is empty (no default branch); push a first commit`,
        );
      }
      this.defaultBranchName = project.default_branch;
    }
    return this.defaultBranchName;
  }

  async branchSha(branch: string): Promise<string | undefined> {
    return (await this.branch(branch))?.commit.id;
  }

  async openBranch(branch: string): Promise<BranchHead | undefined> {
    const headSha = await this.branchSha(branch);
    if (!headSha) return undefined;
    const listing = await this.listTree(
      headSha,
      true,
      `list the files of ${branch}`,
    );
    const entries = new Map<string, TreeEntry>();
    for (const entry of listing) {
      if (entry.type === 'blob') {
        // GitLab's listing has no sizes: readFiles asks for them before it downloads anything.
        entries.set(entry.path, { sha: entry.id, size: 0, mode: entry.mode });
      }
    }
    return {
      repository: this.identity,
      branch,
      headSha,
      treeSha: treeObjectId(listing.filter(e => !e.path.includes('/'))),
      entries,
    };
  }

  async readFiles(head: BranchHead, paths: string[]): Promise<GitSnapshot> {
    const where = `${this.identity.displayName}@${head.branch}`;
    const listed = manifestEntries(head.entries, new Set(paths), where);
    const { missing } = listed;
    const wanted = listed.wanted.map(({ path, entry }) => ({
      path,
      sha: entry.sha,
    }));
    const files = new Map<string, GitFile>();
    const uncached = wanted.filter(({ path, sha }) => {
      const content = this.options.blobs.get(sha);
      if (content !== undefined)
        files.set(path, { path, blobSha: sha, content });
      return content === undefined;
    });
    if (uncached.length) {
      // Sizes first: a 50 MiB file must be refused before its bytes reach memory.
      const sizes = await this.blobs(
        BLOB_SIZES,
        head,
        uncached.map(w => w.path),
      );
      for (const node of sizes) {
        refuseOversizedManifest(node.path, where, Number(node.size ?? 0));
      }
      const contents = await this.blobs(
        BLOB_CONTENTS,
        head,
        uncached.map(w => w.path),
      );
      const byPath = new Map(contents.map(n => [n.path, n]));
      for (const { path, sha } of uncached) {
        const node = byPath.get(path);
        if (!node || node.oid !== sha) {
          throw new GitError(
            'git-conflict',
            `GitLab did not return ${path} of ${where} at ${head.headSha.slice(
              0,
              8,
            )}; the next cycle reads again`,
          );
        }
        if (typeof node.rawTextBlob !== 'string') {
          throw new GitError(
            'git-bad-repository',
            `${path} in ${where} is binary data, not a YAML manifest`,
          );
        }
        this.options.blobs.set(sha, node.rawTextBlob);
        files.set(path, { path, blobSha: sha, content: node.rawTextBlob });
      }
    }
    return { ...head, files, missing };
  }

  async getCommit(sha: string): Promise<CommitInfo> {
    const commit = await this.call(`read commit ${sha.slice(0, 8)}`, () =>
      this.options.api.get<GitlabCommit>(
        `/projects/${this.projectId}/repository/commits/${encodeURIComponent(
          sha,
        )}`,
      ),
    );
    return this.commitInfo(commit);
  }

  async createCommit(input: {
    parent: BranchHead;
    message: string;
    author?: { name: string; email: string };
    changes: FileChange[];
  }): Promise<CommitInfo> {
    const { parent, changes } = input;
    const actions = changes.flatMap(change => {
      const existing = parent.entries.get(change.path);
      const content = {
        file_path: change.path,
        content: Buffer.from(change.content, 'utf8').toString('base64'),
        encoding: 'base64',
      };
      // `update` keeps a file's mode on GitLab; only a change of mode needs `chmod`.
      const chmod =
        (existing?.mode ?? '100644') !== change.mode
          ? [
              {
                action: 'chmod',
                file_path: change.path,
                execute_filemode: change.mode === '100755',
              },
            ]
          : [];
      return [{ action: existing ? 'update' : 'create', ...content }, ...chmod];
    });
    // GitLab creates a commit only together with a branch move. A scratch branch started from the
    // exact parent makes that move harmless: no branch anyone uses changes here, and the commit
    // stays reachable until moveBranch places it where the caller decides.
    const scratch = `${SCRATCH_PREFIX}${randomBytes(8).toString('hex')}`;
    const commit = await this.call(`commit to ${parent.branch}`, () =>
      this.options.api.send<GitlabCommit>(
        'POST',
        `/projects/${this.projectId}/repository/commits`,
        {
          branch: scratch,
          start_sha: parent.headSha,
          commit_message: input.message,
          ...(input.author
            ? {
                author_name: input.author.name,
                author_email: input.author.email,
              }
            : {}),
          actions,
        },
      ),
    );
    this.scratch.set(commit.id, scratch);
    await this.sweepScratch();
    return this.commitInfo(commit);
  }

  /**
   * Compare-and-swap on GitLab. A branch that does not exist yet is created through the branches
   * API, which Gitaly applies only while the ref is absent (a concurrent creation makes it answer
   * "Branch already exists"). An existing branch cannot be pointed at a given commit through the
   * REST API at all: its commits API builds a new commit onto whatever head it finds (or, forced,
   * overwrites it blindly), and delete-then-create would let GitLab close the branch's merge
   * request and lose a push made in between. So the move goes through Git itself:
   * `push --force-with-lease=<branch>:<expected>`, which receive-pack refuses unless the ref still
   * holds the expected commit at the moment it is locked. A person's commit is never overwritten;
   * moved:false reports where the branch is instead.
   */
  async moveBranch(
    branch: string,
    expectedSha: string | undefined,
    newSha: string,
  ): Promise<RefMove> {
    try {
      if (expectedSha === undefined) {
        return await this.createBranch(branch, newSha);
      }
      const current = await this.branch(branch);
      if (current?.commit.id !== expectedSha) {
        return { moved: false, actualSha: current?.commit.id };
      }
      if (current.protected && current.can_push === false) {
        throw new GitError(
          'git-protected-branch',
          `${branch} is protected in ${this.identity.displayName} and the token's user may not push to it: use mode pull-request, or allow the user to push in the project's protected branch settings`,
        );
      }
      if (expectedSha === newSha) return { moved: true };
      return await this.pushWithLease(branch, expectedSha, newSha);
    } finally {
      await this.dropScratch(newSha);
    }
  }

  async findChangeRequest(
    branch: string,
    known?: number,
  ): Promise<ChangeRequest | undefined> {
    const open = await this.call(`find the merge request for ${branch}`, () =>
      this.options.api.get<GitlabMergeRequest[]>(
        `/projects/${
          this.projectId
        }/merge_requests?state=opened&source_branch=${encodeURIComponent(
          branch,
        )}&per_page=20`,
      ),
    );
    if (open.length) return this.changeRequest(open[0]);
    if (known === undefined) return undefined;
    try {
      const mr = await this.options.api.get<GitlabMergeRequest>(
        `/projects/${this.projectId}/merge_requests/${known}`,
      );
      return mr.source_branch === branch ? this.changeRequest(mr) : undefined;
    } catch (error) {
      if (error instanceof GitlabRequestError && error.status === 404)
        return undefined;
      throw this.error(error, `read merge request !${known}`);
    }
  }

  async openChangeRequest(input: {
    branch: string;
    base: string;
    title: string;
    body: string;
    labels: string[];
  }): Promise<ChangeRequest> {
    try {
      const mr = await this.options.api.send<GitlabMergeRequest>(
        'POST',
        `/projects/${this.projectId}/merge_requests`,
        {
          source_branch: input.branch,
          target_branch: input.base,
          title: input.title,
          description: input.body,
          // GitLab creates labels the project does not have yet.
          ...(input.labels.length ? { labels: input.labels.join(',') } : {}),
        },
      );
      return this.changeRequest(mr);
    } catch (error) {
      if (error instanceof GitlabRequestError && error.status === 409) {
        // Another writer opened it first: one merge request per branch is what both wanted.
        const existing = await this.findChangeRequest(input.branch);
        if (existing) return existing;
      }
      throw this.error(error, `open a merge request from ${input.branch}`);
    }
  }

  async updateChangeRequest(
    number: number,
    input: { title: string; body: string },
  ): Promise<void> {
    await this.call(`update merge request !${number}`, () =>
      this.options.api.send(
        'PUT',
        `/projects/${this.projectId}/merge_requests/${number}`,
        { title: input.title, description: input.body },
      ),
    );
  }

  async closeChangeRequest(number: number, comment: string): Promise<void> {
    await this.call(`comment on merge request !${number}`, () =>
      this.options.api.send(
        'POST',
        `/projects/${this.projectId}/merge_requests/${number}/notes`,
        { body: comment },
      ),
    );
    await this.call(`close merge request !${number}`, () =>
      this.options.api.send(
        'PUT',
        `/projects/${this.projectId}/merge_requests/${number}`,
        { state_event: 'close' },
      ),
    );
  }

  private async branch(name: string): Promise<GitlabBranch | undefined> {
    try {
      return await this.options.api.get<GitlabBranch>(
        `/projects/${this.projectId}/repository/branches/${encodeURIComponent(
          name,
        )}`,
      );
    } catch (error) {
      // Only GitLab's "404 Branch Not Found" means no branch; "404 Project Not Found" is an error.
      if (
        error instanceof GitlabRequestError &&
        error.status === 404 &&
        /branch/i.test(error.gitlabMessage)
      ) {
        return undefined;
      }
      throw this.error(error, `find branch ${name}`);
    }
  }

  private async createBranch(branch: string, sha: string): Promise<RefMove> {
    try {
      await this.options.api.send(
        'POST',
        `/projects/${this.projectId}/repository/branches`,
        { branch, ref: sha },
      );
      return { moved: true };
    } catch (error) {
      if (
        error instanceof GitlabRequestError &&
        error.status === 400 &&
        /already exists/i.test(error.gitlabMessage)
      ) {
        return { moved: false, actualSha: await this.branchSha(branch) };
      }
      throw this.error(error, `create branch ${branch}`);
    }
  }

  private async pushWithLease(
    branch: string,
    expectedSha: string,
    newSha: string,
  ): Promise<RefMove> {
    let holder = this.scratch.get(newSha);
    if (!holder) {
      // A commit this handle did not create (another replica's): give it a scratch branch to fetch.
      holder = `${SCRATCH_PREFIX}${randomBytes(8).toString('hex')}`;
      await this.call(`prepare the move of ${branch}`, () =>
        this.options.api.send(
          'POST',
          `/projects/${this.projectId}/repository/branches`,
          {
            branch: holder,
            ref: newSha,
          },
        ),
      );
      this.scratch.set(newSha, holder);
    }
    const result = await leasePush({
      cloneUrl: `${this.options.baseUrl}/${this.options.location.path}.git`,
      token: this.options.token,
      holder,
      sha: newSha,
      branch,
      expectedSha,
    });
    if (result.outcome === 'moved') return { moved: true };
    if (result.outcome === 'stale') {
      return { moved: false, actualSha: await this.branchSha(branch) };
    }
    throw this.pushError(branch, result.message);
  }

  private pushError(branch: string, said: string): GitError {
    const where = this.identity.displayName;
    if (/protected branch/i.test(said)) {
      return new GitError(
        'git-protected-branch',
        `${branch} is protected in ${where}, so GitLab refused the push (${said}): use mode pull-request, or allow the token's user to push`,
      );
    }
    if (/authentication failed|access denied|401/i.test(said)) {
      return new GitError(
        'git-auth',
        `GitLab rejected the token for ${this.options.host} over Git HTTP while moving ${branch} in ${where} (${said}): check integrations.gitlab[].token`,
      );
    }
    if (/not allowed|403/i.test(said)) {
      return new GitError(
        'git-permission',
        `GitLab refused the push to ${branch} in ${where} (${said}): the token needs the api or write_repository scope and the Developer role`,
      );
    }
    return new GitError(
      'git-conflict',
      `GitLab refused to move ${branch} in ${where} (${said}); the next cycle retries from the new state`,
    );
  }

  /**
   * Deletes scratch branches a crashed or restarted writer left behind: any older than an hour
   * that this handle does not hold. One request when there is nothing to delete.
   */
  private async sweepScratch(): Promise<void> {
    try {
      const left = await this.options.api.getAll<
        GitlabBranch & { commit: { committed_date?: string } }
      >(
        `/projects/${
          this.projectId
        }/repository/branches?search=${encodeURIComponent(
          `^${SCRATCH_PREFIX}`,
        )}&per_page=100`,
      );
      const held = new Set(this.scratch.values());
      for (const branch of left) {
        const age = Date.now() - Date.parse(branch.commit.committed_date ?? '');
        if (
          branch.name.startsWith(SCRATCH_PREFIX) &&
          !held.has(branch.name) &&
          age > SCRATCH_MAX_AGE_MS
        ) {
          await this.options.api.send(
            'DELETE',
            `/projects/${
              this.projectId
            }/repository/branches/${encodeURIComponent(branch.name)}`,
          );
        }
      }
    } catch (error) {
      this.options.logger.debug(
        `Could not sweep scratch branches in ${this.identity.displayName}: ${
          (error as Error).message
        }`,
      );
    }
  }

  private async dropScratch(sha: string): Promise<void> {
    const scratch = this.scratch.get(sha);
    if (!scratch) return;
    this.scratch.delete(sha);
    try {
      await this.options.api.send(
        'DELETE',
        `/projects/${this.projectId}/repository/branches/${encodeURIComponent(
          scratch,
        )}`,
      );
    } catch (error) {
      this.options.logger.warn(
        `Could not delete the scratch branch ${scratch} in ${
          this.identity.displayName
        }: ${(error as Error).message}`,
      );
    }
  }

  /** Blobs of `paths` at the head commit: batches of 100 paths, each followed through its pages. */
  private async blobs(
    query: string,
    head: BranchHead,
    paths: string[],
  ): Promise<BlobNode[]> {
    const nodes: BlobNode[] = [];
    for (let i = 0; i < paths.length; i += BLOB_BATCH) {
      const batch = paths.slice(i, i + BLOB_BATCH);
      let after: string | undefined;
      do {
        const page = await this.blobPage(query, head, batch, after);
        nodes.push(...page.nodes);
        after = page.pageInfo.hasNextPage
          ? page.pageInfo.endCursor ?? undefined
          : undefined;
      } while (after);
    }
    return nodes;
  }

  private async blobPage(
    query: string,
    head: BranchHead,
    paths: string[],
    after: string | undefined,
  ) {
    const data = await this.call(
      `read ${paths.length} files at ${head.branch}`,
      () =>
        this.options.api.graphql<{
          project: {
            repository: {
              blobs: {
                nodes: BlobNode[];
                pageInfo: { hasNextPage: boolean; endCursor: string | null };
              };
            } | null;
          } | null;
        }>(query, {
          fullPath: this.options.location.path,
          ref: head.headSha,
          paths,
          after,
        }),
    );
    if (!data.project?.repository) {
      throw new GitError(
        'git-not-found',
        `GitLab found no project ${this.identity.displayName} through GraphQL: check that it exists and that the token's user is a member`,
      );
    }
    return data.project.repository.blobs;
  }

  private async listTree(
    ref: string,
    recursive: boolean,
    doing: string,
  ): Promise<GitlabTreeEntry[]> {
    return this.call(doing, () =>
      this.options.api.getAll<GitlabTreeEntry>(
        `/projects/${this.projectId}/repository/tree?ref=${encodeURIComponent(
          ref,
        )}&recursive=${recursive}&per_page=${TREE_PAGE}&pagination=keyset`,
      ),
    );
  }

  private async commitInfo(commit: GitlabCommit): Promise<CommitInfo> {
    // GitLab names no commit's tree; its top-level listing gives git's tree id (see treeObjectId).
    const top = await this.listTree(
      commit.id,
      false,
      `read commit ${commit.id.slice(0, 8)}`,
    );
    return {
      sha: commit.id,
      treeSha: treeObjectId(top),
      parents: commit.parent_ids,
      message: commit.message,
    };
  }

  private changeRequest(mr: GitlabMergeRequest): ChangeRequest {
    return {
      number: mr.iid,
      url: mr.web_url,
      state: STATES[mr.state],
      title: mr.title,
      body: mr.description ?? '',
      branch: mr.source_branch,
    };
  }

  private async call<T>(doing: string, work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      throw this.error(error, doing);
    }
  }

  private error(error: unknown, doing: string): GitError {
    return toGitlabError(
      error,
      this.identity.displayName,
      this.options.host,
      doing,
    );
  }
}
