import { mkdtemp, rm } from 'node:fs/promises';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadPublicKey, TokenGrant } from './auth';
import { createDispatcher, RequestLogEntry } from './dispatch';
import { FaultInjector, GithubFaults } from './faults';
import { BareRepository } from '../git/BareRepository';
import { PermissionSet } from './http/routing';
import { EmulatedRepository, nowIso } from './model';
import {
  branchRef,
  commitFilesToBranch,
  MergeMethod,
  mergePull,
  pullHeads,
} from './operations';
import {
  PrimaryRateLimits,
  RateLimitOptions,
  RateLimitResource,
  RateLimitState,
} from './ratelimit/PrimaryRateLimits';
import { EmulatedInstallation } from './routes/apps';
import { quotaOf } from './auth';
import { GithubShapes } from './shapes';

export interface GithubEmulatorOptions {
  /** Tokens accepted in `Authorization: token X` / `Bearer X`; each acts as `login`. */
  tokens: string[];
  /** The account the configured tokens act as (default `image-automation-bot`). */
  login?: string;
  /** Base of `html_url` fields (default `https://github.com`). */
  htmlBaseUrl?: string;
  /** A GitHub App: `/app` endpoints accept RS256 JWTs signed by its private key. */
  app?: {
    appId: number;
    /** PEM of the app's public key (the emulator never sees the private key). */
    publicKeyPem: string;
    slug?: string;
    installations: EmulatedInstallation[];
  };
  /**
   * GitHub's primary rate limits (default: 5,000 REST requests and 5,000 GraphQL points per hour,
   * a personal access token's budget). Every token of a user shares one budget; an installation
   * token spends its installation's.
   */
  rateLimit?: RateLimitOptions;
}

export interface GitAuthor {
  name: string;
  email: string;
  /** ISO 8601; default now. */
  date?: string;
}

/** A pull request as tests want to look at it. */
export interface EmulatedPullRequest {
  number: number;
  title: string;
  body: string | null;
  state: 'open' | 'closed';
  merged: boolean;
  head: string;
  base: string;
  headSha: string;
  labels: string[];
  comments: string[];
}

export interface GithubEmulator {
  /** Give this to Octokit (`baseUrl`) or to `integrations.github[].apiBaseUrl`. */
  readonly apiBaseUrl: string;
  /** Every request served, in arrival order; clear it with `requestLog.length = 0`. */
  readonly requestLog: RequestLogEntry[];
  createRepository(
    owner: string,
    name: string,
    options: { defaultBranch?: string; files: Record<string, string> },
  ): Promise<{ headSha: string }>;
  /**
   * Commits as a person pushing would (no API, no permission or protection checks). A branch that
   * does not exist yet starts at the default branch head. `null` content deletes a file.
   */
  commitFiles(
    owner: string,
    name: string,
    branch: string,
    files: Record<string, string | null>,
    options: { message: string; author?: GitAuthor },
  ): Promise<string>;
  /** Merges an open pull request as a maintainer clicking "Merge" would. */
  mergePullRequest(
    owner: string,
    name: string,
    number: number,
    options?: { method?: MergeMethod },
  ): Promise<{ sha: string }>;
  /**
   * The bare repository, for `git --git-dir=... diff base..branch` in assertions, or to write
   * as a person pushing would: from then on the repository answers every read from git afresh.
   */
  gitDir(owner: string, name: string): string;
  /** A file's text at a branch, tag or commit; undefined when the ref or path does not exist. */
  readFile(
    owner: string,
    name: string,
    ref: string,
    path: string,
  ): Promise<string | undefined>;
  listPullRequests(owner: string, name: string): Promise<EmulatedPullRequest[]>;
  injectFaults(faults: GithubFaults): void;
  clearFaults(): void;
  setProtectedBranch(
    owner: string,
    name: string,
    branch: string,
    on: boolean,
  ): void;
  /**
   * Restricts a token to fine-grained permissions (e.g. `{ contents: 'read' }`); requests needing
   * more get GitHub's 403 "Resource not accessible by integration". `undefined` lifts the restriction.
   */
  setTokenPermissions(
    token: string,
    permissions: PermissionSet | undefined,
  ): void;
  /** What a token has left of a budget now, as its `x-ratelimit-*` headers would say. */
  rateLimit(token: string, resource?: RateLimitResource): RateLimitState;
  /** Changes a budget for every token from now on (usage so far in the window is kept). */
  setRateLimit(resource: RateLimitResource, limit: number): void;
  /** Forgets all usage, as if every window had just ended. */
  resetRateLimits(): void;
  stop(): Promise<void>;
}

const DEFAULT_LOGIN = 'image-automation-bot';

export async function startGithubEmulator(
  options: GithubEmulatorOptions,
): Promise<GithubEmulator> {
  const root = await mkdtemp(join(tmpdir(), 'github-emulator-'));
  const repositories = new Map<string, EmulatedRepository>();
  const key = (owner: string, name: string) => `${owner}/${name}`.toLowerCase();
  const tokens = new Map<string, TokenGrant>();
  const actor = {
    login: options.login ?? DEFAULT_LOGIN,
    type: 'User' as const,
  };
  for (const token of options.tokens) {
    tokens.set(token, { actor });
  }
  const requestLog: RequestLogEntry[] = [];
  const faults = new FaultInjector();
  const rateLimits = new PrimaryRateLimits(options.rateLimit);
  const state = {
    rateLimits,
    shapes: new GithubShapes('', options.htmlBaseUrl ?? 'https://github.com'),
    tokens,
    faults,
    requestLog,
    app: options.app && {
      appId: options.app.appId,
      slug: options.app.slug ?? 'image-automation',
      installations: options.app.installations,
      publicKey: loadPublicKey(options.app.publicKeyPem),
    },
    findRepository: (owner: string, name: string) =>
      repositories.get(key(owner, name)),
    repositories: () => [...repositories.values()],
  };

  const server = createServer(createDispatcher(state));
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  const apiBaseUrl = `http://127.0.0.1:${port}`;
  state.shapes = new GithubShapes(
    apiBaseUrl,
    options.htmlBaseUrl ?? 'https://github.com',
  );

  const repository = (owner: string, name: string) => {
    const repo = repositories.get(key(owner, name));
    if (!repo) {
      throw new Error(
        `GitHub emulator has no repository ${owner}/${name}; call createRepository first`,
      );
    }
    return repo;
  };
  const ownerActor = (owner: string) => ({
    login: owner,
    type: 'User' as const,
  });

  return {
    apiBaseUrl,
    requestLog,

    async createRepository(owner, name, { defaultBranch = 'main', files }) {
      if (repositories.has(key(owner, name))) {
        throw new Error(`GitHub emulator already has ${owner}/${name}`);
      }
      const git = await BareRepository.init(
        join(root, owner, `${name}.git`),
        defaultBranch,
      );
      const repo = new EmulatedRepository(
        repositories.size + 1,
        owner,
        name,
        git,
        defaultBranch,
      );
      const author = {
        name: owner,
        email: `${owner}@users.noreply.github.com`,
        date: nowIso(),
      };
      const headSha = await commitFilesToBranch(repo, {
        branch: defaultBranch,
        files,
        message: 'Initial commit\n',
        author,
      });
      repositories.set(key(owner, name), repo);
      return { headSha };
    },

    async commitFiles(owner, name, branch, files, { message, author }) {
      const repo = repository(owner, name);
      return repo.lock.run(async () => {
        if (!(await repo.git.readRef(branchRef(branch)))) {
          const start = await repo.git.readRef(branchRef(repo.defaultBranch));
          await repo.git.compareAndSwapRef(
            branchRef(branch),
            start!,
            undefined,
          );
        }
        const identity = {
          name: author?.name ?? owner,
          email: author?.email ?? `${owner}@users.noreply.github.com`,
          date: author?.date ?? nowIso(),
        };
        return commitFilesToBranch(repo, {
          branch,
          files,
          message,
          author: identity,
        });
      });
    },

    async mergePullRequest(owner, name, number, mergeOptions = {}) {
      const repo = repository(owner, name);
      return repo.lock.run(async () => {
        const pull = repo.findPull(number);
        if (!pull) {
          throw new Error(`${owner}/${name} has no pull request #${number}`);
        }
        const sha = await mergePull(repo, pull, {
          method: mergeOptions.method ?? 'merge',
          actor: ownerActor(owner),
        });
        return { sha };
      });
    },

    gitDir: (owner, name) => repository(owner, name).handOutGitDir(),

    async readFile(owner, name, ref, path) {
      const { git } = repository(owner, name);
      const sha = await git.resolveCommit(ref);
      if (!sha) return undefined;
      const entry = await git.findEntry((await git.readCommit(sha)).tree, path);
      return entry?.type === 'blob'
        ? (await git.readBlob(entry.sha)).toString('utf8')
        : undefined;
    },

    async listPullRequests(owner, name) {
      const repo = repository(owner, name);
      return Promise.all(
        repo.pulls.map(async pull => ({
          number: pull.number,
          title: pull.title,
          body: pull.body,
          state: pull.state,
          merged: pull.merged,
          head: pull.headRef,
          base: pull.baseRef,
          headSha: (await pullHeads(repo, pull)).headSha,
          labels: [...pull.labels],
          comments: pull.comments.map(c => c.body),
        })),
      );
    },

    injectFaults: injected => faults.inject(injected),
    clearFaults: () => faults.clear(),

    setProtectedBranch(owner, name, branch, on) {
      const repo = repository(owner, name);
      if (on) repo.protectedBranches.add(branch);
      else repo.protectedBranches.delete(branch);
    },

    setTokenPermissions(token, permissions) {
      const grant = tokens.get(token);
      if (!grant) {
        throw new Error(
          'setTokenPermissions: unknown token; pass it in startGithubEmulator({ tokens })',
        );
      }
      tokens.set(token, { ...grant, permissions });
    },

    rateLimit(token, resource = 'core') {
      const grant = tokens.get(token);
      if (!grant) {
        throw new Error('rateLimit: unknown token');
      }
      return rateLimits.state(quotaOf(grant), resource);
    },
    setRateLimit: (resource, limit) => rateLimits.setLimit(resource, limit),
    resetRateLimits: () => rateLimits.reset(),

    async stop() {
      server.closeAllConnections();
      await new Promise<void>(resolve => server.close(() => resolve()));
      await rm(root, { recursive: true, force: true });
    },
  };
}
