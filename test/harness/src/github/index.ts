/**
 * A GitHub REST emulator for write-back tests: each emulated repository is a real bare git
 * repository (plumbing only), so assertions can run real `git` against `gitDir(owner, name)`.
 *
 *     const github = await startGithubEmulator({ tokens: ['t'] });
 *     await github.createRepository('acme', 'app', { files: { 'deploy/app.yaml': '...' } });
 *     const octokit = new Octokit({ baseUrl: github.apiBaseUrl, auth: 't' });
 */
export { startGithubEmulator } from './GithubEmulator';
export type {
  EmulatedPullRequest,
  GitAuthor,
  GithubEmulator,
  GithubEmulatorOptions,
} from './GithubEmulator';
export type { RequestLogEntry } from './dispatch';
export type { GithubFaults } from './faults';
export type {
  PermissionSet,
  PermissionName,
  PermissionLevel,
} from './http/routing';
export type { EmulatedInstallation } from './routes/apps';
export type {
  RateLimitOptions,
  RateLimitResource,
  RateLimitState,
} from './ratelimit/PrimaryRateLimits';
