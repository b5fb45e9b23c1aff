import { GitHttpResponse } from './gitHttp';
import { GitlabApiError } from './http/GitlabApiError';

/** Faults a test asks for; each counts down per request until exhausted. */
export interface GitlabFaults {
  /** The next N requests fail with a 502, as GitLab's load balancer answers under load. */
  status5xx?: number;
  /**
   * The next `count` requests hit a rate limit: 429 `Retry later` with `Retry-After`, as
   * Rack::Attack answers, but counted against no budget (see `rateLimit` for the real one).
   */
  rateLimited?: { count: number; retryAfterSeconds: number };
}

export class FaultInjector {
  private serverErrors = 0;
  private rateLimited = 0;
  private retryAfterSeconds = 60;

  inject(faults: GitlabFaults): void {
    this.serverErrors += faults.status5xx ?? 0;
    if (faults.rateLimited) {
      this.rateLimited += faults.rateLimited.count;
      this.retryAfterSeconds = faults.rateLimited.retryAfterSeconds;
    }
  }

  clear(): void {
    this.serverErrors = 0;
    this.rateLimited = 0;
  }

  next(): GitlabApiError | GitHttpResponse | undefined {
    if (this.serverErrors > 0) {
      this.serverErrors -= 1;
      return new GitlabApiError(502, { message: '502 Bad Gateway' });
    }
    if (this.rateLimited > 0) {
      this.rateLimited -= 1;
      return {
        status: 429,
        headers: {
          'content-type': 'text/plain',
          'retry-after': String(this.retryAfterSeconds),
          'ratelimit-remaining': '0',
        },
        body: Buffer.from('Retry later\n'),
      };
    }
    return undefined;
  }
}
