import { GithubApiError } from '../http/GithubApiError';

/** The budgets GitHub keeps apart: REST requests and GraphQL points. */
export type RateLimitResource = 'core' | 'graphql';

export interface RateLimitOptions {
  /** REST requests per window (default 5,000, a personal access token's hourly budget). */
  core?: number;
  /** GraphQL points per window (default 5,000). */
  graphql?: number;
  /** Length of a window (default one hour); tests shorten it to see a reset. */
  windowSeconds?: number;
  /** GitHub answers a spent primary limit with 403 or 429 (default 403, what it mostly sends). */
  exceededStatus?: 403 | 429;
}

/** Whose budget a request spends: a user's (all their tokens share it) or an installation's. */
export interface Quota {
  key: string;
  /** How GitHub names the owner in its message: `user ID 123`, `installation ID 7`. */
  subject: string;
}

/** One budget at one moment, as the `x-ratelimit-*` headers and the `rateLimit` field report it. */
export interface RateLimitState {
  resource: RateLimitResource;
  limit: number;
  used: number;
  remaining: number;
  /** When the window ends, epoch milliseconds. */
  resetAt: number;
}

interface Window {
  startedAt: number;
  used: number;
}

const DEFAULT_LIMIT = 5000;
const HOUR_SECONDS = 3600;

/**
 * GitHub's primary rate limit: a fixed window that starts with the first request counted after
 * the previous one ended, per quota and per resource. What is counted is the caller's business
 * (`charge`): a 304 answer to a conditional request is not, a GraphQL query costs its points.
 */
export class PrimaryRateLimits {
  private readonly windows = new Map<string, Window>();
  private readonly limits: Record<RateLimitResource, number>;
  private readonly windowMs: number;
  readonly exceededStatus: 403 | 429;

  constructor(
    options: RateLimitOptions = {},
    private readonly now: () => number = Date.now,
  ) {
    this.limits = {
      core: options.core ?? DEFAULT_LIMIT,
      graphql: options.graphql ?? DEFAULT_LIMIT,
    };
    this.windowMs = (options.windowSeconds ?? HOUR_SECONDS) * 1000;
    this.exceededStatus = options.exceededStatus ?? 403;
  }

  /** Changes a budget from now on (usage in the current window is kept). */
  setLimit(resource: RateLimitResource, limit: number): void {
    this.limits[resource] = limit;
  }

  /** Forgets all usage, as if every window had just ended. */
  reset(): void {
    this.windows.clear();
  }

  state(quota: Quota, resource: RateLimitResource): RateLimitState {
    const window = this.window(quota, resource);
    const limit = this.limits[resource];
    return {
      resource,
      limit,
      used: window.used,
      remaining: Math.max(0, limit - window.used),
      resetAt: window.startedAt + this.windowMs,
    };
  }

  /** Spends `cost` if the budget holds it; returns the state after, or undefined when it does not. */
  charge(
    quota: Quota,
    resource: RateLimitResource,
    cost: number,
  ): RateLimitState | undefined {
    const window = this.window(quota, resource);
    if (window.used + cost > this.limits[resource]) {
      return undefined;
    }
    window.used += cost;
    return this.state(quota, resource);
  }

  /**
   * Gives back what `charge` took (a conditional request answered 304), unless the window it was
   * charged to has ended since.
   */
  refund(
    quota: Quota,
    resource: RateLimitResource,
    cost: number,
    charged: RateLimitState,
  ): RateLimitState {
    const window = this.window(quota, resource);
    if (window.startedAt + this.windowMs === charged.resetAt) {
      window.used = Math.max(0, window.used - cost);
    }
    return this.state(quota, resource);
  }

  private window(quota: Quota, resource: RateLimitResource): Window {
    const key = `${resource}\u0000${quota.key}`;
    const now = this.now();
    let window = this.windows.get(key);
    if (!window || now >= window.startedAt + this.windowMs) {
      window = { startedAt: now, used: 0 };
      this.windows.set(key, window);
    }
    return window;
  }
}

/** The `x-ratelimit-*` headers GitHub sends with every authenticated answer. */
export function rateLimitHeaders(
  state: RateLimitState,
): Record<string, string> {
  return {
    'x-ratelimit-limit': String(state.limit),
    'x-ratelimit-remaining': String(state.remaining),
    'x-ratelimit-used': String(state.used),
    'x-ratelimit-reset': String(Math.ceil(state.resetAt / 1000)),
    'x-ratelimit-resource': state.resource,
  };
}

/** GitHub's answer to a REST request once the primary budget is spent. */
export function restRateLimitExceeded(
  quota: Quota,
  state: RateLimitState,
  status: 403 | 429,
  requestId: string,
): GithubApiError {
  return new GithubApiError(
    status,
    `API rate limit exceeded for ${quota.subject}. If you reach out to GitHub Support for help, please include the request ID ${requestId}.`,
    {
      documentationUrl:
        'https://docs.github.com/rest/overview/rate-limits-for-the-rest-api#about-the-primary-rate-limit',
      headers: rateLimitHeaders(state),
    },
  );
}
