import type { Octokit } from '@octokit/rest';
import { toGitError } from '../toGitError';
import { GithubRateLimitError } from './GithubRateLimitError';
import { RateLimitGate } from './RateLimitGate';
import { Semaphore } from './Semaphore';

type Headers = Record<string, string | number | undefined>;

/**
 * REST reads: bounded in concurrency, refused at once while the token's
 * core budget is spent, each answer's `x-ratelimit-*` headers heeded, rate
 * limits turned into GithubRateLimitError and other failures into GitError.
 */
export class GithubRest {
  constructor(
    private readonly concurrency: Semaphore,
    private readonly gateFor: (octokit: Octokit) => RateLimitGate,
  ) {}

  async call<T>(
    octokit: Octokit,
    context: { repository: string; doing: string },
    request: (observe: (headers: Headers | undefined) => void) => Promise<T>,
    /** Failures the caller handles itself (a 404 that means "absent"), passed through as they are. */
    passThrough: (error: unknown) => boolean = () => false,
  ): Promise<T> {
    const { repository, doing } = context;
    const gate = this.gateFor(octokit);
    gate.check('core', repository, doing);
    return this.concurrency.run(async () => {
      try {
        return await gate.run('core', repository, doing, () =>
          request(headers => gate.observeHeaders('core', headers)),
        );
      } catch (error) {
        if (error instanceof GithubRateLimitError || passThrough(error)) {
          throw error;
        }
        throw toGitError(error, repository, doing);
      }
    });
  }
}
