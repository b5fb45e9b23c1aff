import { GithubApiError } from './http/GithubApiError';

/** Faults a test asks for; each counts down per request until exhausted. */
export interface GithubFaults {
  /** The next N requests fail with a 502, as GitHub does under load. */
  status5xx?: number;
  /** The next `count` requests hit GitHub's secondary rate limit (403 with `Retry-After`). */
  secondaryRateLimit?: { count: number; retryAfterSeconds: number };
  /**
   * GraphQL queries that touch these repositories (`owner/name`) time out
   * as a whole, as GitHub answers a query too slow to run: 200 with
   * `data: null` and one error of no path. Until cleared.
   */
  graphqlTimeoutOn?: string[];
}

/** GitHub's words for a query that timed out. */
export const GRAPHQL_TIMEOUT_MESSAGE =
  'Something went wrong while executing your query. This may be the result of a timeout, or it could be a GitHub bug. Please include `0000:0000:0000000:0000000:00000000` when reporting this issue.';

const SECONDARY_RATE_LIMIT_MESSAGE =
  'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. ' +
  'If you reach out to GitHub Support for help, please include the request ID.';

/** Pending faults, consumed one request at a time in the order server errors, then rate limits. */
export class FaultInjector {
  private serverErrors = 0;
  private rateLimited = 0;
  private retryAfterSeconds = 60;
  private readonly slowRepositories = new Set<string>();

  inject(faults: GithubFaults): void {
    this.serverErrors += faults.status5xx ?? 0;
    if (faults.secondaryRateLimit) {
      this.rateLimited += faults.secondaryRateLimit.count;
      this.retryAfterSeconds = faults.secondaryRateLimit.retryAfterSeconds;
    }
    for (const name of faults.graphqlTimeoutOn ?? []) {
      this.slowRepositories.add(name.toLowerCase());
    }
  }

  clear(): void {
    this.serverErrors = 0;
    this.rateLimited = 0;
    this.slowRepositories.clear();
  }

  /** Whether a GraphQL query touching `fullName` times out. */
  timesOut(fullName: string): boolean {
    return this.slowRepositories.has(fullName.toLowerCase());
  }

  /** The fault this request suffers, if any. */
  next(): GithubApiError | undefined {
    if (this.serverErrors > 0) {
      this.serverErrors -= 1;
      return new GithubApiError(502, 'Server Error');
    }
    if (this.rateLimited > 0) {
      this.rateLimited -= 1;
      return new GithubApiError(403, SECONDARY_RATE_LIMIT_MESSAGE, {
        documentationUrl:
          'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-secondary-rate-limits',
        headers: { 'retry-after': String(this.retryAfterSeconds) },
      });
    }
    return undefined;
  }
}
