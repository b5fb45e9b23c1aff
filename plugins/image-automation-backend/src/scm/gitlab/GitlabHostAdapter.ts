import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { GitLabIntegration, ScmIntegrations } from '@backstage/integration';
import type { RepositoryLocation } from '@image-automation/plugin-image-automation-common';
import { GitError } from '../GitError';
import { GitHostAdapter, GitRepository } from '../port';
import { BlobCache } from './BlobCache';
import { GitlabApi } from './GitlabApi';
import { GitlabRateLimitGate } from './GitlabRateLimitGate';
import { GitlabRepository } from './GitlabRepository';

/**
 * Serves repositories on hosts named under Backstage's `integrations.gitlab` (gitlab.com or a
 * self-managed instance with its `baseUrl`/`apiBaseUrl`), with the integration's token. Talks to
 * GitLab with plain fetch through the integration's own `fetch` (its retry settings apply): the
 * adapter needs GraphQL and Git over HTTP besides a dozen REST calls, and GitLab's error bodies
 * verbatim for its messages.
 */
export class GitlabHostAdapter implements GitHostAdapter {
  readonly kind = 'gitlab' as const;
  private readonly blobs = new BlobCache();
  /**
   * GitLab's rate limit per token, kept across repositories and cycles: a budget found spent
   * while reading one project holds back every project read with that token until the reset.
   */
  private readonly rateLimits = new Map<string, GitlabRateLimitGate>();

  static fromConfig(
    config: Config,
    options: { logger: LoggerService; now?: () => number },
  ) {
    return new GitlabHostAdapter(
      ScmIntegrations.fromConfig(config),
      options.logger,
      options.now,
    );
  }

  constructor(
    private readonly integrations: ScmIntegrations,
    private readonly logger: LoggerService,
    /** The clock rate limit resets are compared with. */
    private readonly now: () => number = Date.now,
  ) {}

  serves(location: RepositoryLocation): boolean {
    return this.integrationFor(location) !== undefined;
  }

  async open(location: RepositoryLocation): Promise<GitRepository> {
    const integration = this.integrationFor(location);
    if (!integration) {
      throw new GitError(
        'git-no-integration',
        `no GitLab integration is configured for ${location.host}: add it under integrations.gitlab with a token that has the api scope`,
      );
    }
    const { token, apiBaseUrl, baseUrl, host } = integration.config;
    if (!token) {
      throw new GitError(
        'git-auth',
        `integrations.gitlab for ${host} has no token; write-back reads and writes through the API: add a token with the api scope`,
      );
    }
    const api = apiBaseUrl.replace(/\/+$/, '');
    const gateKey = `${api}\u0000${token}`;
    let rateLimit = this.rateLimits.get(gateKey);
    if (!rateLimit) {
      rateLimit = new GitlabRateLimitGate(this.now);
      this.rateLimits.set(gateKey, rateLimit);
    }
    return new GitlabRepository({
      api: new GitlabApi({
        apiBaseUrl: api,
        token,
        fetch: (input, init) => integration.fetch(input, init),
        rateLimit,
      }),
      location,
      baseUrl: baseUrl.replace(/\/+$/, ''),
      host,
      token,
      blobs: this.blobs,
      logger: this.logger,
    });
  }

  private integrationFor(
    location: RepositoryLocation,
  ): GitLabIntegration | undefined {
    return this.integrations.gitlab.byHost(location.host);
  }
}
