import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { BareRepository } from '../git/BareRepository';
import { runGit } from '../git/runGit';
import { TokenGrant, TokenScope } from './auth';
import { createDispatcher, DispatchState, RequestLogEntry } from './dispatch';
import { FaultInjector, GitlabFaults } from './faults';
import { PRE_RECEIVE_HOOK } from './gitHttp';
import { EmulatedProject, GitlabUser, nowIso } from './model';
import {
  budgetOf,
  GitlabRateLimitOptions,
  GitlabRateLimits,
  GitlabRateLimitState,
} from './rateLimits';
import {
  applyActions,
  branchHeads,
  branchRef,
  closeMergeRequest,
  CommitAction,
  mergeRequestSha,
  refreshMergeRequests,
} from './operations';
import { GitlabShapes } from './shapes';

export interface GitlabTokenOptions {
  token: string;
  /** Default `['api']`. */
  scopes?: TokenScope[];
  /** Who the token acts as; default the bot account. */
  user?: Partial<GitlabUser>;
}

export interface GitlabEmulatorOptions {
  /** Tokens accepted as `PRIVATE-TOKEN`, `Authorization: Bearer` or Git's HTTP Basic password. */
  tokens: Array<string | GitlabTokenOptions>;
  /**
   * GitLab's authenticated API rate limit, per user (default 2,000 requests per 60 seconds,
   * GitLab.com's): REST and GraphQL count, Git over HTTP does not.
   */
  rateLimit?: GitlabRateLimitOptions;
  /** The clock of the rate limit's windows (default `Date.now`): tests move it to pass a reset. */
  now?: () => number;
}

export interface GitAuthor {
  name: string;
  email: string;
  /** ISO 8601 for author and committer; default now. */
  date?: string;
}

/** A merge request as tests want to look at it. */
export interface EmulatedMergeRequest {
  iid: number;
  title: string;
  description: string;
  state: 'opened' | 'closed' | 'merged';
  sourceBranch: string;
  targetBranch: string;
  /** The source head (frozen once closed or merged). */
  sha: string | null;
  labels: string[];
  /** Notes people and the bot wrote, without GitLab's system notes. */
  notes: string[];
}

export interface GitlabEmulator {
  /** `integrations.gitlab[].baseUrl`: web pages and Git over HTTP (`<baseUrl>/<path>.git`). */
  readonly baseUrl: string;
  /** `integrations.gitlab[].apiBaseUrl`: `<baseUrl>/api/v4`. */
  readonly apiBaseUrl: string;
  /** `host:port` of `baseUrl`, as `integrations.gitlab[].host` and repository URLs name it. */
  readonly host: string;
  /** Every request served, in arrival order; clear it with `requestLog.length = 0`. */
  readonly requestLog: RequestLogEntry[];
  createProject(
    fullPath: string,
    options: { defaultBranch?: string; files: Record<string, string> },
  ): Promise<{ id: number; headSha: string }>;
  /**
   * Commits as a person pushing would (no API, no permission or protection checks), then runs
   * GitLab's merge request refresh. A missing branch starts at the default branch head; `null`
   * deletes a file.
   */
  commitFiles(
    fullPath: string,
    branch: string,
    files: Record<string, string | null>,
    options: { message: string; author?: GitAuthor },
  ): Promise<string>;
  /** Merges an open merge request as a maintainer clicking "Merge" would (a merge commit). */
  mergeMergeRequest(fullPath: string, iid: number): Promise<{ sha: string }>;
  /** Closes a merge request as a person declining it. */
  closeMergeRequest(fullPath: string, iid: number): Promise<void>;
  /** Deletes a branch as a person would; open merge requests from it close, as on GitLab. */
  deleteBranch(fullPath: string, branch: string): Promise<void>;
  branchSha(fullPath: string, branch: string): Promise<string | undefined>;
  gitDir(fullPath: string): string;
  readFile(
    fullPath: string,
    ref: string,
    path: string,
  ): Promise<string | undefined>;
  listMergeRequests(fullPath: string): Promise<EmulatedMergeRequest[]>;
  setProtectedBranch(
    fullPath: string,
    branch: string,
    on: boolean,
  ): Promise<void>;
  setTokenScopes(token: string, scopes: TokenScope[]): void;
  /** What a token's user has left now, as the `RateLimit-*` headers would say (counts nothing). */
  rateLimit(token: string): GitlabRateLimitState;
  /** Changes the limit for every user from now on; a new period starts new windows. */
  setRateLimit(limit: number, periodSeconds?: number): void;
  /** Forgets all usage, as if every window had just ended. */
  resetRateLimits(): void;
  /** Runs `hook` before every request is served (undefined removes it): a push "at that moment". */
  onRequest(
    hook: ((entry: RequestLogEntry) => Promise<void>) | undefined,
  ): void;
  injectFaults(faults: GitlabFaults): void;
  clearFaults(): void;
  stop(): Promise<void>;
}

const BOT: GitlabUser = {
  id: 1,
  username: 'image-automation-bot',
  name: 'Image Automation',
  email: 'image-automation-bot@users.noreply.gitlab.example',
};

export async function startGitlabEmulator(
  options: GitlabEmulatorOptions,
): Promise<GitlabEmulator> {
  const root = await mkdtemp(join(tmpdir(), 'gitlab-emulator-'));
  const projects = new Map<string, EmulatedProject>();
  const tokens = new Map<string, TokenGrant>();
  options.tokens.forEach((spec, i) => {
    const {
      token,
      scopes = ['api'],
      user = {},
    } = typeof spec === 'string' ? { token: spec } : spec;
    tokens.set(token, {
      user: {
        ...BOT,
        ...(i > 0 && !user.id ? { id: BOT.id + i } : {}),
        ...user,
      },
      scopes: new Set(scopes),
    });
  });
  let lastId = 0;
  const nextId = () => (lastId += 1);
  const requestLog: RequestLogEntry[] = [];
  const faults = new FaultInjector();
  const now = options.now ?? Date.now;
  const rateLimits = new GitlabRateLimits(options.rateLimit, now);
  const findProject = (idOrPath: string) => {
    if (/^\d+$/.test(idOrPath)) {
      return [...projects.values()].find(p => String(p.id) === idOrPath);
    }
    return projects.get(idOrPath.toLowerCase());
  };
  const state: DispatchState = {
    shapes: new GitlabShapes(''),
    tokens,
    faults,
    rateLimits,
    now,
    requestLog,
    root,
    findProject,
    nextId,
  };
  const server = createServer(createDispatcher(state));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  state.shapes = new GitlabShapes(baseUrl);

  const project = (fullPath: string) => {
    const found = projects.get(fullPath.toLowerCase());
    if (!found) {
      throw new Error(
        `GitLab emulator has no project ${fullPath}; call createProject first`,
      );
    }
    return found;
  };
  const person = (author?: GitAuthor): GitlabUser => ({
    id: 9000,
    username: author?.name ?? 'maintainer',
    name: author?.name ?? 'A Maintainer',
    email: author?.email ?? 'maintainer@example.com',
  });
  const commitAsPerson = async (
    target: EmulatedProject,
    branch: string,
    files: Record<string, string | null>,
    message: string,
    author: GitlabUser,
    date = nowIso(),
  ) => {
    const before = await branchHeads(target);
    const head =
      (await target.git.readRef(branchRef(branch))) ??
      (await target.git.readRef(branchRef(target.defaultBranch)));
    const actions: CommitAction[] = [];
    const tree = head ? (await target.git.readCommit(head)).tree : undefined;
    for (const [path, content] of Object.entries(files)) {
      const exists = tree && (await target.git.findEntry(tree, path));
      actions.push(
        content === null
          ? { action: 'delete', file_path: path }
          : { action: exists ? 'update' : 'create', file_path: path, content },
      );
    }
    const identity = { name: author.name, email: author.email, date };
    const sha = await target.git.writeCommit({
      tree: await applyActions(target, head, actions),
      parents: head ? [head] : [],
      message,
      author: identity,
      committer: identity,
    });
    const current = await target.git.readRef(branchRef(branch));
    if (
      !(await target.git.compareAndSwapRef(branchRef(branch), sha, current))
    ) {
      throw new Error(`${branch} moved while committing; try again`);
    }
    await refreshMergeRequests(target, author, before, nextId);
    return sha;
  };

  return {
    baseUrl,
    apiBaseUrl: `${baseUrl}/api/v4`,
    host: `127.0.0.1:${port}`,
    requestLog,

    async createProject(fullPath, { defaultBranch = 'main', files }) {
      if (projects.has(fullPath.toLowerCase())) {
        throw new Error(`GitLab emulator already has ${fullPath}`);
      }
      const gitDir = join(root, `${fullPath}.git`);
      const git = await BareRepository.init(gitDir, defaultBranch);
      for (const [key, value] of [
        ['uploadpack.allowFilter', 'true'],
        ['uploadpack.allowAnySHA1InWant', 'true'],
        ['http.receivepack', 'true'],
      ]) {
        await runGit(gitDir, ['config', key, value]);
      }
      await writeFile(join(gitDir, 'hooks', 'pre-receive'), PRE_RECEIVE_HOOK);
      await chmod(join(gitDir, 'hooks', 'pre-receive'), 0o755);
      const created = new EmulatedProject(
        nextId(),
        fullPath,
        git,
        defaultBranch,
      );
      projects.set(fullPath.toLowerCase(), created);
      const headSha = await created.lock.run(() =>
        commitAsPerson(
          created,
          defaultBranch,
          files,
          'Initial commit\n',
          person(),
        ),
      );
      return { id: created.id, headSha };
    },

    async commitFiles(fullPath, branch, files, { message, author }) {
      const target = project(fullPath);
      return target.lock.run(() =>
        commitAsPerson(
          target,
          branch,
          files,
          message,
          person(author),
          author?.date,
        ),
      );
    },

    async mergeMergeRequest(fullPath, iid) {
      const target = project(fullPath);
      return target.lock.run(async () => {
        const mr = target.findMergeRequest(iid);
        if (!mr || mr.state !== 'opened') {
          throw new Error(`${fullPath} has no open merge request !${iid}`);
        }
        const source = await target.git.readRef(branchRef(mr.sourceBranch));
        const base = await target.git.readRef(branchRef(mr.targetBranch));
        const tree =
          source && base && (await target.git.mergeTrees(base, source));
        if (!tree) throw new Error(`!${iid} cannot be merged`);
        const date = nowIso();
        const who = person();
        const identity = { name: who.name, email: who.email, date };
        const sha = await target.git.writeCommit({
          tree,
          parents: [base!, source!],
          message: `Merge branch '${mr.sourceBranch}' into '${mr.targetBranch}'\n\n${mr.title}\n\nSee merge request ${target.fullPath}!${iid}\n`,
          author: identity,
          committer: identity,
        });
        if (
          !(await target.git.compareAndSwapRef(
            branchRef(mr.targetBranch),
            sha,
            base,
          ))
        ) {
          throw new Error(`${mr.targetBranch} moved while merging`);
        }
        mr.state = 'merged';
        mr.mergedAt = date;
        mr.updatedAt = date;
        mr.mergeCommitSha = sha;
        mr.frozenSha = source!;
        return { sha };
      });
    },

    async closeMergeRequest(fullPath, iid) {
      const target = project(fullPath);
      await target.lock.run(async () => {
        const mr = target.findMergeRequest(iid);
        if (!mr || mr.state !== 'opened') {
          throw new Error(`${fullPath} has no open merge request !${iid}`);
        }
        await closeMergeRequest(target, mr, person(), nextId);
      });
    },

    async deleteBranch(fullPath, branch) {
      const target = project(fullPath);
      await target.lock.run(async () => {
        const before = await branchHeads(target);
        const sha = await target.git.readRef(branchRef(branch));
        if (!sha) throw new Error(`${fullPath} has no branch ${branch}`);
        await target.git.deleteRef(branchRef(branch), sha);
        await refreshMergeRequests(target, person(), before, nextId);
      });
    },

    branchSha: (fullPath, branch) =>
      project(fullPath).git.readRef(branchRef(branch)),

    gitDir: fullPath => project(fullPath).git.gitDir,

    async readFile(fullPath, ref, path) {
      const { git } = project(fullPath);
      const sha = await git.resolveCommit(ref);
      if (!sha) return undefined;
      const entry = await git.findEntry((await git.readCommit(sha)).tree, path);
      return entry?.type === 'blob'
        ? (await git.readBlob(entry.sha)).toString('utf8')
        : undefined;
    },

    async listMergeRequests(fullPath) {
      const target = project(fullPath);
      return Promise.all(
        target.mergeRequests.map(async mr => ({
          iid: mr.iid,
          title: mr.title,
          description: mr.description,
          state: mr.state,
          sourceBranch: mr.sourceBranch,
          targetBranch: mr.targetBranch,
          sha: await mergeRequestSha(target, mr),
          labels: [...mr.labels],
          notes: mr.notes.filter(n => !n.system).map(n => n.body),
        })),
      );
    },

    async setProtectedBranch(fullPath, branch, on) {
      const target = project(fullPath);
      if (on) target.protectedBranches.add(branch);
      else target.protectedBranches.delete(branch);
      await writeFile(
        join(target.git.gitDir, 'emulator-protected-branches'),
        [...target.protectedBranches].map(b => `${branchRef(b)}\n`).join(''),
      );
    },

    setTokenScopes(token, scopes) {
      const grant = tokens.get(token);
      if (!grant) {
        throw new Error(
          'setTokenScopes: unknown token; pass it in startGitlabEmulator({ tokens })',
        );
      }
      tokens.set(token, { ...grant, scopes: new Set(scopes) });
    },

    rateLimit(token) {
      const grant = tokens.get(token);
      if (!grant) {
        throw new Error(
          'rateLimit: unknown token; pass it in startGitlabEmulator({ tokens })',
        );
      }
      return rateLimits.state(budgetOf(grant));
    },
    setRateLimit: (limit, periodSeconds) =>
      rateLimits.set(limit, periodSeconds),
    resetRateLimits: () => rateLimits.reset(),

    onRequest(hook) {
      state.beforeRequest = hook;
    },

    injectFaults: injected => faults.inject(injected),
    clearFaults: () => faults.clear(),

    async stop() {
      server.closeAllConnections();
      await new Promise<void>(resolve => server.close(() => resolve()));
      await rm(root, { recursive: true, force: true });
    },
  };
}
