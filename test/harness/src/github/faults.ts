import { GithubApiError } from './http/GithubApiError';

/** Faults a test asks for; each counts down per request until exhausted. */
export interface GithubFaults {
  /** The next N requests fail with a 502, as GitHub does under load. */
  status5xx?: number;
  /** The next `count` requests hit GitHub's secondary rate limit (403 with `Retry-After`). */
  secondaryRateLimit?: { count: number; retryAfterSeconds: number };
}

const SECONDARY_RATE_LIMIT_MESSAGE =
  'You have exceeded a secondary rate limit. Please wait a few minutes before you try again. ' +
  'If you reach out to GitHub Support for help, please include the request ID.';

/** Pending faults, consumed one request at a time in the order server errors, then rate limits. */
export class FaultInjector {
  private serverErrors = 0;
  private rateLimited = 0;
  private retryAfterSeconds = 60;

  inject(faults: GithubFaults): void {
    this.serverErrors += faults.status5xx ?? 0;
    if (faults.secondaryRateLimit) {
      this.rateLimited += faults.secondaryRateLimit.count;
      this.retryAfterSeconds = faults.secondaryRateLimit.retryAfterSeconds;
    }
  }

  clear(): void {
    this.serverErrors = 0;
    this.rateLimited = 0;
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
