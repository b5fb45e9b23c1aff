// The write-back's client stack (Backstage's GitHub credentials, Octokit retry and throttling
// plugins) resolves from the root node_modules through the backend plugin; the harness package does
// not declare it yet (see the report to the package.json owner).
/* eslint-disable @backstage/no-undeclared-imports */
import { SingleInstanceGithubCredentialsProvider } from '@backstage/integration';
import { retry } from '@octokit/plugin-retry';
import { throttling } from '@octokit/plugin-throttling';
/* eslint-enable @backstage/no-undeclared-imports */
import { Octokit } from './octokit';

export { SingleInstanceGithubCredentialsProvider };

type OctokitPlugin = Parameters<typeof Octokit.plugin>[0];
// The plugins' typings name the hoisted @octokit/core 4 while @octokit/rest 20 carries core 5; the
// runtime contract is the same, so only the type is bridged.
const ResilientOctokit = Octokit.plugin(
  retry as unknown as OctokitPlugin,
  throttling as unknown as OctokitPlugin,
);

/** Octokit as the write-back configures it: retries server errors, waits out rate limits. */
export function resilientOctokit(
  baseUrl: string,
  token: string,
): { octokit: Octokit; waits: number[] } {
  const waits: number[] = [];
  const octokit = new ResilientOctokit({
    baseUrl,
    auth: token,
    log: { debug() {}, info() {}, warn() {}, error() {} },
    retry: { retryAfterBaseValue: 50 },
    throttle: {
      onRateLimit: () => false,
      onSecondaryRateLimit: (
        retryAfter: number,
        _options: unknown,
        _octokit: unknown,
        retryCount: number,
      ) => {
        waits.push(retryAfter);
        return retryCount < 2;
      },
    },
  });
  return { octokit, waits };
}
