/**
 * A GitLab emulator for write-back tests: REST API v4, the GraphQL `blobs` query and Git over
 * HTTP, each project a real bare git repository, so assertions can run real `git` against
 * `gitDir(path)`.
 *
 *     const gitlab = await startGitlabEmulator({ tokens: ['glpat-x'] });
 *     await gitlab.createProject('group/sub/app', { files: { 'deploy/app.yaml': '...' } });
 *     // integrations.gitlab: [{ host: gitlab.host, baseUrl: gitlab.baseUrl, apiBaseUrl: gitlab.apiBaseUrl, token: 'glpat-x' }]
 */
export { startGitlabEmulator } from './GitlabEmulator';
export type {
  EmulatedMergeRequest,
  GitlabEmulator,
  GitlabEmulatorOptions,
  GitlabTokenOptions,
} from './GitlabEmulator';
export type { RequestLogEntry as GitlabRequestLogEntry } from './dispatch';
export type { GitlabFaults } from './faults';
export type {
  GitlabRateLimitOptions,
  GitlabRateLimitState,
} from './rateLimits';
export type { TokenScope as GitlabTokenScope } from './auth';
