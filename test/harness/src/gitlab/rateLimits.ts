import { TokenGrant } from './auth';
import { GitHttpResponse } from './gitHttp';

export interface GitlabRateLimitOptions {
  /**
   * Authenticated API requests (REST and GraphQL) a user may make per period: default 2,000,
   * GitLab.com's limit per minute. 0 refuses every request, a budget already spent.
   */
  limit?: number;
  /** Length of a window in seconds (default 60, GitLab.com's); windows start on multiples of it. */
  periodSeconds?: number;
}

/** One user's budget at one moment, as the `RateLimit-*` headers report it. */
export interface GitlabRateLimitState {
  limit: number;
  periodSeconds: number;
  /** Requests counted in the current window, refused ones included (Rack::Attack counts them). */
  observed: number;
  remaining: number;
  /** When the window ends, epoch milliseconds (a whole second). */
  resetAt: number;
}

/** Whose budget a request spends: its user's, shared by all of the user's tokens. */
export const budgetOf = (grant: TokenGrant) => `user:${grant.user.id}`;

/** What GitLab calls the throttle in `RateLimit-Name`. */
const THROTTLE_NAME = 'throttle_authenticated_api';
const DEFAULT_LIMIT = 2000;
const DEFAULT_PERIOD_SECONDS = 60;

/**
 * GitLab's authenticated API rate limit as Rack::Attack applies it: a fixed window aligned on
 * multiples of the period (epoch seconds), per user (every token of a user shares it), where
 * every request counts, and the request that takes the count past the limit and all after it are
 * refused until the window ends. Git over HTTP is not API traffic on GitLab and is not counted.
 */
export class GitlabRateLimits {
  private readonly windows = new Map<
    string,
    { index: number; count: number }
  >();
  private limit: number;
  private periodSeconds: number;

  constructor(
    options: GitlabRateLimitOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.limit = options.limit ?? DEFAULT_LIMIT;
    this.periodSeconds = options.periodSeconds ?? DEFAULT_PERIOD_SECONDS;
  }

  /** Changes the limit (and period) from now on; a new period starts new windows. */
  set(limit: number, periodSeconds = this.periodSeconds): void {
    this.limit = limit;
    this.periodSeconds = periodSeconds;
  }

  /** Forgets all usage, as if every window had just ended. */
  reset(): void {
    this.windows.clear();
  }

  /** The user's budget now, without counting anything. */
  state(user: string): GitlabRateLimitState {
    return this.stateOf(this.windows.get(user)?.count ?? 0, user);
  }

  /** Counts one request of `user`; `throttled` when it is over the limit. */
  count(user: string): { state: GitlabRateLimitState; throttled: boolean } {
    const index = this.index();
    let window = this.windows.get(user);
    if (!window || window.index !== index) {
      window = { index, count: 0 };
      this.windows.set(user, window);
    }
    window.count += 1;
    return {
      state: this.stateOf(window.count, user),
      throttled: window.count > this.limit,
    };
  }

  private index(): number {
    return Math.floor(Math.floor(this.now() / 1000) / this.periodSeconds);
  }

  private stateOf(count: number, user: string): GitlabRateLimitState {
    const index = this.index();
    const observed = this.windows.get(user)?.index === index ? count : 0;
    return {
      limit: this.limit,
      periodSeconds: this.periodSeconds,
      observed,
      remaining: Math.max(0, this.limit - observed),
      resetAt: (index + 1) * this.periodSeconds * 1000,
    };
  }
}

/**
 * The headers of an API answer. GitLab states `RateLimit-Limit` per 60 seconds whatever the
 * period (its HAProxy and client libraries assume a minute), so it is the limit scaled to a
 * minute and rounded up; `RateLimit-Remaining` is against the real limit.
 */
export function rateLimitHeaders(
  state: GitlabRateLimitState,
): Record<string, string> {
  return {
    'ratelimit-limit': String(
      Math.ceil((state.limit * 60) / state.periodSeconds),
    ),
    'ratelimit-observed': String(state.observed),
    'ratelimit-remaining': String(state.remaining),
    'ratelimit-reset': String(state.resetAt / 1000),
    'ratelimit-resettime': new Date(state.resetAt).toUTCString(),
  };
}

/**
 * Rack::Attack's answer once the limit is spent, as GitLab configures it: 429, a plain-text
 * `Retry later`, the throttle's name and `Retry-After` in whole seconds to the window's end.
 */
export function retryLater(
  state: GitlabRateLimitState,
  now: number,
): GitHttpResponse {
  const nowSeconds = Math.floor(now / 1000);
  return {
    status: 429,
    headers: {
      'content-type': 'text/plain',
      'ratelimit-name': THROTTLE_NAME,
      ...rateLimitHeaders(state),
      'retry-after': String(state.resetAt / 1000 - nowSeconds),
    },
    body: Buffer.from('Retry later\n'),
  };
}
