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
