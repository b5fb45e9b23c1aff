import { Config } from '@backstage/config';
import {
  DefaultGithubCredentialsProvider,
  GithubCredentialsProvider,
  ScmIntegrations,
} from '@backstage/integration';
import { LoggerService } from '@backstage/backend-plugin-api';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
import { Octokit } from '@octokit/rest';
import { GitError } from './GitError';

const RetryingOctokit = Octokit.plugin(retry, throttling);
/** Clients kept at once: tokens in use, with room for rotation. */
const MAX_CLIENTS = 64;

/** A GitHub repository and an authenticated client for it. */
export interface GithubRepository {
  octokit: Octokit;
  owner: string;
  repo: string;
  /** `https://github.com/acme/deploy`, for links. */
  htmlUrl: string;
  /** `acme/deploy`, for messages. */
  fullName: string;
}

/** Where a repository URL points: host, owner and name. */
export function parseGithubRepositoryUrl(url: string): {
  host: string;
  owner: string;
  repo: string;
} {
  let parsed: URL;
  try {
    parsed = new URL(url.replace(/^url:/, ''));
  } catch {
    throw new GitError(
      'git-bad-repository',
      `"${url}" is not a repository URL; set image-automation/repo to e.g. https://github.com/acme/deploy`,
    );
  }
  const [owner, repo] = parsed.pathname.split('/').filter(Boolean);
  if (!owner || !repo) {
    throw new GitError(
      'git-bad-repository',
      `"${url}" does not name a repository (owner and name); set image-automation/repo to e.g. https://github.com/acme/deploy`,
    );
  }
  return { host: parsed.host, owner, repo: repo.replace(/\.git$/, '') };
}

/**
 * Hands out Octokit clients per repository, with credentials from Backstage's
 * `integrations.github` (token or GitHub App; GitHub Enterprise through
 * `apiBaseUrl`), retries on 5xx, and waits on primary and secondary rate limits.
 */
export class GithubClients {
  static fromConfig(
    config: Config,
    options: { logger: LoggerService; maxRateLimitWaitSeconds?: number },
  ) {
    const integrations = ScmIntegrations.fromConfig(config);
    return new GithubClients(
      integrations,
      DefaultGithubCredentialsProvider.fromIntegrations(integrations),
      options.logger,
      options.maxRateLimitWaitSeconds ?? 60,
    );
  }

  private readonly octokits = new Map<string, Octokit>();

  constructor(
    private readonly integrations: ScmIntegrations,
    private readonly credentials: GithubCredentialsProvider,
    private readonly logger: LoggerService,
    private readonly maxRateLimitWaitSeconds: number,
  ) {}

  async forRepository(repositoryUrl: string): Promise<GithubRepository> {
    const { host, owner, repo } = parseGithubRepositoryUrl(repositoryUrl);
    const integration = this.integrations.github.byHost(host);
    if (!integration) {
      throw new GitError(
        'git-no-integration',
        `no GitHub integration is configured for ${host}: add an entry for host ${host} under integrations.github in app-config.yaml`,
      );
    }
    const htmlUrl = `https://${host}/${owner}/${repo}`;
    let token: string | undefined;
    try {
      ({ token } = await this.credentials.getCredentials({ url: htmlUrl }));
    } catch (error) {
      throw new GitError(
        'git-auth',
        `could not get GitHub credentials for ${owner}/${repo}: ${
          (error as Error).message
        }; check integrations.github for ${host}`,
        { cause: error },
      );
    }
    if (!token) {
      throw new GitError(
        'git-auth',
        `integrations.github for ${host} has no token or GitHub App installation for ${owner}/${repo}: add a token or install the app on the repository`,
      );
    }
    const octokit = this.octokitFor(
      token,
      integration.config.apiBaseUrl ?? 'https://api.github.com',
    );
    return { octokit, owner, repo, htmlUrl, fullName: `${owner}/${repo}` };
  }

  /**
   * One client per token and API: each carries its own throttling queues,
   * and thousands of entities share a handful of tokens. A rotated token
   * (GitHub App installation tokens last an hour) gets a new client.
   */
  private octokitFor(token: string, baseUrl: string): Octokit {
    const key = `${baseUrl}\u0000${token}`;
    const cached = this.octokits.get(key);
    if (cached) return cached;
    if (this.octokits.size >= MAX_CLIENTS) {
      this.octokits.delete(this.octokits.keys().next().value!);
    }
    const octokit = this.createOctokit(token, baseUrl);
    this.octokits.set(key, octokit);
    return octokit;
  }

  private createOctokit(token: string, baseUrl: string): Octokit {
    const logger = this.logger;
    const maxWait = this.maxRateLimitWaitSeconds;
    return new RetryingOctokit({
      auth: token,
      baseUrl,
      log: {
        debug: () => {},
        info: () => {},
        warn: m => logger.warn(m),
        error: m => logger.error(m),
      },
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
