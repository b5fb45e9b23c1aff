/**
 * Real Git servers for plain Git tests: Debian's OpenSSH (git-shell, deploy
 * keys) and `git http-backend` behind basic auth, over one directory of bare
 * repositories.
 *
 *     const ssh = await startSshGitServer();
 *     const repo = await ssh.root.createRepository('team/app.git', { files });
 *     // ssh.url('team/app.git'), ssh.deployKey.privateKey, ssh.knownHosts
 */
export { startSshGitServer } from './startSshGitServer';
export type {
  StartSshGitServerOptions,
  StartedSshGitServer,
} from './startSshGitServer';
export { startHttpGitServer } from './startHttpGitServer';
export type {
  GitHttpRequest,
  StartHttpGitServerOptions,
  StartedHttpGitServer,
} from './startHttpGitServer';
export { GitServerRoot, ServedRepository } from './GitServerRoot';
export type {
  CommitAuthor,
  CreateRepositoryOptions,
  ServedCommit,
} from './GitServerRoot';
export { generateDeployKey } from './deployKeys';
export type { DeployKey } from './deployKeys';
