// @octokit/rest v20 is what the write-back uses and resolves from the root node_modules (the backend
// plugin depends on it); it is not yet declared by this package, see the harness package.json owner.
// eslint-disable-next-line @backstage/no-undeclared-imports
import { Octokit } from '@octokit/rest';
import { GithubEmulator } from '../GithubEmulator';

export { Octokit };

/** An Octokit client as the write-back builds one: REST endpoints against the emulator, no retries. */
export function octokitFor(emulator: GithubEmulator, token?: string): Octokit {
  return new Octokit({
    baseUrl: emulator.apiBaseUrl,
    ...(token ? { auth: token } : {}),
    log: { debug() {}, info() {}, warn() {}, error() {} },
  });
}
