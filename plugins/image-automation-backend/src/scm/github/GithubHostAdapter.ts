import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  DefaultGithubCredentialsProvider,
  GithubCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import type { RepositoryLocation } from '@image-automation/plugin-image-automation-common';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import { GitError } from '../GitError';
import { GitHostAdapter, GitRepository } from '../port';
import { GithubRepositoryClient } from './GithubRepositoryClient';
import { createNodeHttpFetch } from './nodeHttpFetch';
import { GithubReads } from './reads';

const RetryingOctokit = Octokit.plugin(retry, throttling);
/**
 * Reads retry server errors only: rate limits are GithubReads' to heed (its
 * gate stops every read of a spent token until the reset), and a 304 is an
 * answer, not a failure.
 */
const ReadingOctokit = Octokit.plugin(retry);
const READ_DO_NOT_RETRY = [304, 400, 401, 403, 404, 409, 422, 429, 451];
/** Clients kept at once: tokens in use, with room for rotation. */
const MAX_CLIENTS = 64;
const PUBLIC_GITHUB = 'github.com';

export interface GithubHostAdapterOptions {
  logger: LoggerService;
  /** Longest rate-limit wait Octokit may sit out before failing the request. */
  maxRateLimitWaitSeconds?: number;
}

/**
 * Serves the repositories of every host under `integrations.github`, with
 * Backstage's credentials (token or GitHub App; GitHub Enterprise through
 * `apiBaseUrl`), retries on 5xx and waits on primary and secondary rate limits.
 */
export class GithubHostAdapter implements GitHostAdapter {
  readonly kind = 'github' as const;

  /**
   * @throws Error at startup when a GitHub Enterprise host has no
   *   `apiBaseUrl`: its token would otherwise be sent to api.github.com.
   */
  static fromConfig(config: Config, options: GithubHostAdapterOptions) {
    const integrations = ScmIntegrations.fromConfig(config);
    for (const integration of integrations.github.list()) {
      const { host, apiBaseUrl } = integration.config;
      if (host !== PUBLIC_GITHUB && !apiBaseUrl) {
        throw new Error(
          `integrations.github entry for ${host} has no apiBaseUrl; without it its token would go to api.github.com. Set apiBaseUrl, e.g. https://${host}/api/v3`,
        );
      }
    }
    return new GithubHostAdapter(
      integrations,
      DefaultGithubCredentialsProvider.fromIntegrations(integrations),
      options,
    );
  }

  private readonly octokits = new Map<
    string,
    { octokit: Octokit; readOctokit: Octokit }
  >();
  /** One for all repositories: heads of many are asked together, blobs cached across them. */
  private readonly reads = new GithubReads();
  /** Every client's transport, with one pool of connections per origin. */
  private readonly http = createNodeHttpFetch();

  constructor(
    private readonly integrations: ScmIntegrations,
    private readonly credentials: GithubCredentialsProvider,
    private readonly options: GithubHostAdapterOptions,
  ) {}

  /** A new cycle: heads opened in the last one are asked again. */
  beginCycle(): void {
    this.reads.beginCycle();
  }

  serves(location: RepositoryLocation): boolean {
    return Boolean(this.integrations.github.byHost(location.host));
  }

  async open(location: RepositoryLocation): Promise<GitRepository> {
    const integration = this.integrations.github.byHost(location.host);
    if (!integration) {
      throw new GitError(
        'git-no-integration',
        `no GitHub integration is configured for ${location.host}: add an entry for host ${location.host} under integrations.github in app-config.yaml`,
      );
    }
    const [owner, repo, ...extra] = location.path.split('/');
    if (!owner || !repo || extra.length) {
      throw new GitError(
        'git-bad-repository',
        `"${location.key}" does not name a GitHub repository (owner/name); set image-automation/repo to e.g. https://${location.host}/acme/deploy`,
      );
    }
    const webUrl = `https://${location.host}/${owner}/${repo}`;
    let token: string | undefined;
    try {
      ({ token } = await this.credentials.getCredentials({ url: webUrl }));
    } catch (error) {
      throw new GitError(
        'git-auth',
        `could not get GitHub credentials for ${owner}/${repo}: ${
          (error as Error).message
        }; check integrations.github for ${location.host}`,
        { cause: error },
      );
    }
    if (!token) {
      throw new GitError(
        'git-auth',
        `integrations.github for ${location.host} has no token or GitHub App installation for ${owner}/${repo}: add a token or install the app on the repository`,
      );
    }
    const apiBaseUrl =
      integration.config.apiBaseUrl ??
      // Only github.com gets here without one (checked at startup).
      'https://api.github.com';
    const { octokit, readOctokit } = this.clientsFor(token, apiBaseUrl);
    return new GithubRepositoryClient({
      octokit,
      readOctokit,
      owner,
      repo,
      identity: {
        kind: 'github',
        location,
        displayName: `${owner}/${repo}`,
        webUrl,
      },
      reads: this.reads,
    });
  }

  /**
   * One client per token and API: each carries its own throttling queues,
   * and thousands of entities share a handful of tokens. A rotated token
   * (GitHub App installation tokens last an hour) gets a new client.
   */
  private clientsFor(token: string, baseUrl: string) {
    const key = `${baseUrl}\u0000${token}`;
    const cached = this.octokits.get(key);
    if (cached) return cached;
    if (this.octokits.size >= MAX_CLIENTS) {
      this.octokits.delete(this.octokits.keys().next().value!);
    }
    const clients = {
      octokit: this.createOctokit(token, baseUrl),
      readOctokit: this.createReadOctokit(token, baseUrl),
    };
    this.octokits.set(key, clients);
    return clients;
  }

  private createReadOctokit(token: string, baseUrl: string): Octokit {
    const { logger } = this.options;
    return new ReadingOctokit({
      auth: token,
      baseUrl,
      request: { fetch: this.http.fetch },
      log: octokitLog(logger),
      retry: { doNotRetry: READ_DO_NOT_RETRY },
    });
  }

  private createOctokit(token: string, baseUrl: string): Octokit {
    const { logger } = this.options;
    const maxWait = this.options.maxRateLimitWaitSeconds ?? 60;
    return new RetryingOctokit({
      auth: token,
      baseUrl,
      request: { fetch: this.http.fetch },
      log: octokitLog(logger),
      retry: { doNotRetry: [400, 401, 403, 404, 409, 422, 451] },
      throttle: {
        // Wait and resume, but never longer than a cycle can afford.
        onRateLimit: (retryAfter, options, _octokit, retryCount) => {
          logger.warn(
            `GitHub rate limit on ${options.method} ${options.url}; retrying after ${retryAfter}s`,
          );
          return retryCount < 2 && retryAfter <= maxWait;
        },
        onSecondaryRateLimit: (retryAfter, options, _octokit, retryCount) => {
          logger.warn(
            `GitHub secondary rate limit on ${options.method} ${options.url}; retrying after ${retryAfter}s`,
          );
          return retryCount < 2 && retryAfter <= maxWait;
        },
      },
    });
  }
}

/** Octokit's own messages: warnings and errors to the plugin's log, the chatter dropped. */
function octokitLog(logger: LoggerService) {
  return {
    debug: () => {},
    info: () => {},
    warn: (message: string) => logger.warn(message),
    error: (message: string) => logger.error(message),
  };
}
