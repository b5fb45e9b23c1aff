import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { tmpdir } from 'node:os';
import { PlainGitHostAdapter } from './git';
import { GithubHostAdapter } from './github/GithubHostAdapter';
import { GitlabHostAdapter } from './gitlab';
import { GitHostAdapter, GitHosts } from './port';

/**
 * The Git hosts the plugin can reach, from config: one adapter per kind of
 * host, tried in this order (first that serves a URL's host wins): GitHub,
 * GitLab, then plain Git for the hosts of `imageAutomation.git.hosts`.
 *
 * @throws Error for config that would send credentials to the wrong place.
 */
export function createGitHosts(options: {
  config: Config;
  logger: LoggerService;
  /** The engine's clock: when a host's rate limit resets (default `Date.now`). */
  now?: () => number;
}): GitHosts {
  const { config, logger, now } = options;
  const adapters: GitHostAdapter[] = [
    GithubHostAdapter.fromConfig(config, { logger }),
    GitlabHostAdapter.fromConfig(config, { logger, now }),
    // Plain Git keeps its clones under the backend's working directory.
    PlainGitHostAdapter.fromConfig(config, {
      logger,
      workingDirectory:
        config.getOptionalString('backend.workingDirectory') ?? tmpdir(),
    }),
  ];
  return new GitHosts(adapters);
}
