import { parseRepositoryUrl } from '@image-automation/plugin-image-automation-common';
import { GitError } from '../GitError';
import { GitHostAdapter, GitRepository } from './GitRepository';

/**
 * Picks the adapter for a repository URL by its host: a GitHub integration →
 * the GitHub API, a GitLab integration → the GitLab API, a `git.hosts` entry →
 * plain Git. The first adapter that serves the host wins, in that order.
 */
export class GitHosts {
  constructor(private readonly adapters: GitHostAdapter[]) {}

  /** A cycle begins: every adapter reads branch heads anew. */
  beginCycle(): void {
    for (const adapter of this.adapters) adapter.beginCycle?.();
  }

  async open(repositoryUrl: string): Promise<GitRepository> {
    const location = parseRepositoryUrl(repositoryUrl);
    if (!location) {
      throw new GitError(
        'git-bad-repository',
        `"${repositoryUrl}" is not a repository URL; set image-automation/repo to e.g. https://github.com/acme/deploy or ssh://git@git.internal:2222/team/app.git`,
      );
    }
    const adapter = this.adapters.find(a => a.serves(location));
    if (!adapter) {
      throw new GitError(
        'git-no-integration',
        `no Git host is configured for ${location.host}: add integrations.github or integrations.gitlab for ${location.host}, or an entry with host ${location.host} under imageAutomation.git.hosts`,
      );
    }
    return adapter.open(location);
  }
}
