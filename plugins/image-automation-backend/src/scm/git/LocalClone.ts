import { mkdir, rename, rm, stat } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { GitError } from '../GitError';
import { describeGitFailure, FailureContext } from './describeGitFailure';
import { GitTransport } from './GitTransport';
import { GitCommandFailure, runGit, RunGitOptions } from './runGit';

const NETWORK_TIMEOUT_MS = 120_000;
const LOCAL_TIMEOUT_MS = 60_000;
const TRACKING = 'refs/remotes/origin/';
/** Fetch commits and trees only; blobs come when read. */
const BLOBLESS = 'blob:none';

export interface LocalCloneOptions {
  gitDir: string;
  cloneUrl: string;
  /** `git.internal:2222/team/app`, for messages. */
  displayName: string;
  host: string;
  transport: GitTransport;
  logger: LoggerService;
  /** The largest file ever read: the fallback filter for servers that refuse single blobs. */
  maxBlobBytes: number;
}

/**
 * One cached partial clone of a repository (bare, `--filter=blob:none`):
 * commits and trees of every branch, and only the blobs someone read. Network
 * commands run one at a time; local reads run freely beside them.
 */
export class LocalClone {
  private queue: Promise<unknown> = Promise.resolve();
  private initialized?: Promise<void>;
  private refreshing?: Promise<void>;
  private heads = new Map<string, string>();
  private remoteHead?: string;
  /** The filter of every fetch: blobless, or all blobs up to the size limit (see widenFilter). */
  private filter = BLOBLESS;

  constructor(private readonly options: LocalCloneOptions) {}

  get gitDir(): string {
    return this.options.gitDir;
  }

  /** A local git command: no credentials, so it cannot reach the server. */
  async git(
    args: string[],
    extra: Pick<RunGitOptions, 'input' | 'acceptExitCodes'> & {
      /** Added to the local environment, e.g. GIT_INDEX_FILE or an identity. */
      env?: Record<string, string>;
    } = {},
  ): Promise<{ stdout: Buffer; exitCode: number }> {
    await this.initialize();
    return runGit(args, {
      gitDir: this.gitDir,
      env: { ...this.options.transport.localEnv(), ...extra.env },
      timeoutMs: LOCAL_TIMEOUT_MS,
      secrets: this.options.transport.secrets,
      input: extra.input,
      acceptExitCodes: extra.acceptExitCodes,
    });
  }

  /** Branch → sha as the server had them at the last look (or as we pushed them since). */
  branches(): Map<string, string> {
    return this.heads;
  }

  /** The branch the server's HEAD named at the last look, if it said. */
  headBranch(): string | undefined {
    return this.remoteHead;
  }

  /**
   * Looks at the server: its branches (`ls-remote`, one connection), and a
   * fetch of commits and trees only when some branch moved. Callers asking
   * while a look is under way share it.
   */
  refresh(): Promise<void> {
    this.refreshing ??= this.serialized(() => this.look()).finally(() => {
      this.refreshing = undefined;
    });
    return this.refreshing;
  }

  private async look(): Promise<void> {
    await this.initialize();
    const remote = await this.remote(
      ['ls-remote', '--symref', 'origin', 'HEAD', 'refs/heads/*'],
      'list the branches of',
    );
    const { heads, head } = parseLsRemote(remote.stdout.toString());
    const local = await this.trackingRefs();
    const moved =
      heads.size !== local.size ||
      [...heads].some(([branch, sha]) => local.get(branch) !== sha);
    if (moved) {
      await this.remote(
        [
          'fetch',
          '--quiet',
          '--prune',
          '--no-tags',
          '--no-write-fetch-head',
          `--filter=${this.filter}`,
          'origin',
          `+refs/heads/*:${TRACKING}*`,
        ],
        'fetch from',
      );
      this.options.logger.debug(
        `fetched new commits of ${this.options.displayName}`,
      );
    }
    this.heads = moved ? await this.trackingRefs() : local;
    this.remoteHead = head;
  }

  /** Fetches these objects (blobs a partial clone lacks) in one request. */
  fetchObjects(oids: string[]): Promise<void> {
    if (oids.length === 0) return Promise.resolve();
    return this.serialized(async () => {
      try {
        await this.remote(
          [
            'fetch',
            '--quiet',
            '--no-tags',
            '--no-write-fetch-head',
            `--filter=${BLOBLESS}`,
            '--stdin',
            'origin',
          ],
          'fetch the files to read from',
          { input: `${oids.join('\n')}\n` },
        );
      } catch (error) {
        const said = (error as GitError).cause as GitCommandFailure | undefined;
        if (!/unadvertised object|not our ref/i.test(said?.stderr ?? '')) {
          throw error;
        }
        await this.widenFilter();
      }
    });
  }

  /**
   * Protocol v0 (an sshd without `AcceptEnv GIT_PROTOCOL`) lets a client want
   * only advertised commits, not single blobs. Such a server still filters,
   * so the clone then keeps every blob up to the manifest size limit: fetched
   * once now, and with each new commit after.
   */
  private async widenFilter(): Promise<void> {
    const { logger, displayName, host, maxBlobBytes } = this.options;
    this.filter = `blob:limit=${maxBlobBytes + 1}`;
    await this.git(['config', 'remote.origin.partialclonefilter', this.filter]);
    logger.info(
      `${host} sends no single files of ${displayName} (Git protocol v0); keeping every file up to ${maxBlobBytes} bytes in the local clone instead. Add "AcceptEnv GIT_PROTOCOL" to the server's sshd_config to fetch only the files read`,
    );
    await this.remote(
      [
        'fetch',
        '--quiet',
        '--refetch',
        '--prune',
        '--no-tags',
        '--no-write-fetch-head',
        `--filter=${this.filter}`,
        'origin',
        `+refs/heads/*:${TRACKING}*`,
      ],
      'fetch the files to read from',
    );
  }

  /**
   * Pushes with the server's credentials. Exit code 1 (a ref the server or
   * the lease rejected) is an answer for the caller to read, not a failure.
   */
  push(
    args: string[],
    doing: string,
  ): Promise<{ stdout: Buffer; exitCode: number; stderr: string }> {
    return this.serialized(() =>
      this.remote(['push', ...args], doing, { acceptExitCodes: [1] }, true),
    );
  }

  /** Records a branch the server now has at `sha` (after our own push). */
  async recordBranch(branch: string, sha: string): Promise<void> {
    await this.git(['update-ref', `${TRACKING}${branch}`, sha]);
    this.heads.set(branch, sha);
  }

  private async remote(
    args: string[],
    doing: string,
    extra: Partial<RunGitOptions> = {},
    writing = false,
  ) {
    const { transport, displayName, host } = this.options;
    const context: FailureContext = {
      repository: displayName,
      host,
      transport: transport.kind,
      doing,
      writing,
    };
    try {
      return await transport.withRemoteEnv(env =>
        runGit(args, {
          gitDir: this.gitDir,
          env,
          timeoutMs: NETWORK_TIMEOUT_MS,
          secrets: transport.secrets,
          ...extra,
        }),
      );
    } catch (error) {
      throw describeGitFailure(error, context);
    }
  }

  private async trackingRefs(): Promise<Map<string, string>> {
    const { stdout } = await this.git([
      'for-each-ref',
      '--format=%(objectname) %(refname)',
      TRACKING,
    ]);
    const refs = new Map<string, string>();
    for (const line of stdout.toString().split('\n')) {
      const [sha, ref] = line.split(' ');
      if (sha && ref?.startsWith(TRACKING)) {
        refs.set(ref.slice(TRACKING.length), sha);
      }
    }
    return refs;
  }

  /** Creates the bare repository once; a half-made one is never left at its path. */
  private initialize(): Promise<void> {
    if (!this.initialized) {
      this.initialized = this.create().catch(error => {
        this.initialized = undefined;
        throw error;
      });
    }
    return this.initialized;
  }

  private async create(): Promise<void> {
    const { gitDir, cloneUrl, transport, logger, displayName } = this.options;
    if (await exists(gitDir)) {
      const { stdout } = await runGit(
        ['config', '--get', 'remote.origin.partialclonefilter'],
        {
          gitDir,
          env: transport.localEnv(),
          timeoutMs: LOCAL_TIMEOUT_MS,
          acceptExitCodes: [1],
        },
      );
      this.filter = stdout.toString().trim() || BLOBLESS;
      return;
    }
    await mkdir(dirname(gitDir), { recursive: true, mode: 0o700 });
    const building = `${gitDir}.${process.pid}.${Date.now()}.tmp`;
    const local = (args: string[], dir?: string) =>
      runGit(args, {
        gitDir: dir,
        env: transport.localEnv(),
        timeoutMs: LOCAL_TIMEOUT_MS,
      });
    try {
      await local(['init', '--quiet', '--bare', building]);
      await local(['config', 'remote.origin.url', cloneUrl], building);
      await local(
        ['config', 'remote.origin.fetch', `+refs/heads/*:${TRACKING}*`],
        building,
      );
      // No background maintenance: it would lazily fetch or repack while we read.
      await local(['config', 'gc.auto', '0'], building);
      await local(['config', 'maintenance.auto', 'false'], building);
      await rename(building, gitDir);
      logger.info(`created a partial clone of ${displayName} in ${gitDir}`);
    } catch (error) {
      await rm(building, { recursive: true, force: true });
      if (await exists(gitDir)) return; // another handle made it first
      throw new GitError(
        'git-unreachable',
        `could not create the local clone of ${displayName} in ${gitDir}: ${
          error instanceof GitCommandFailure ? error.stderr.trim() : error
        }; check that backend.workingDirectory is writable`,
        { cause: error },
      );
    }
  }

  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(fn, fn);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

function parseLsRemote(text: string): {
  heads: Map<string, string>;
  head?: string;
} {
  const heads = new Map<string, string>();
  let head: string | undefined;
  for (const line of text.split('\n')) {
    const symref = /^ref: refs\/heads\/(\S+)\tHEAD$/.exec(line);
    if (symref) {
      head = symref[1];
      continue;
    }
    const ref = /^([0-9a-f]{40})\trefs\/heads\/(.+)$/.exec(line);
    if (ref) heads.set(ref[2], ref[1]);
  }
  return { heads, head };
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch {
    return false;
  }
}
