import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { GithubHostAdapter } from './github/GithubHostAdapter';
import { GitHostAdapter, GitHosts } from './port';

/**
 * The Git hosts the plugin can reach, from config: one adapter per kind of
 * host, tried in this order (first that serves a URL's host wins). Other
 * hosts (GitLab, plain Git) are added to this list.
 *
 * @throws Error for config that would send credentials to the wrong place.
 */
export function createGitHosts(options: {
  config: Config;
  logger: LoggerService;
}): GitHosts {
  const { config, logger } = options;
  const adapters: GitHostAdapter[] = [
    GithubHostAdapter.fromConfig(config, { logger }),
  ];
  return new GitHosts(adapters);
}
