import { setTimeout as sleep } from 'node:timers/promises';
import {
  GithubRateLimitError,
  GithubRateLimitKind,
} from './GithubRateLimitError';

/** The budgets GitHub keeps apart for one token. */
export type GithubResource = 'core' | 'graphql';

type Headers = Record<string, string | number | undefined>;

interface ErrorLike {
  status?: number;
  message?: string;
  headers?: Headers;
  errors?: Array<{ type?: string }>;
  data?: { errors?: Array<{ type?: string }> };
  response?: { headers?: Headers; data?: any };
}

/** A minute, when GitHub names no time: what its docs ask after a secondary limit. */
const SECONDARY_FALLBACK_MS = 60_000;
/** Waits a request sits out before it fails: a secondary limit's retry-after, mostly. */
export const DEFAULT_MAX_WAIT_MS = 60_000;
/** Times one request waits out a limit before it gives up. */
const MAX_WAITS = 2;

/**
 * Remembers, per token, until when GitHub refuses it: once a budget is
 * spent (or a response says none is left), further reads fail at once with
 * the reset time instead of spending requests GitHub would refuse, and they
 * resume by themselves when the window ends.
 */
export class RateLimitGate {
  private readonly blocked = new Map<
    GithubResource,
    { until: number; limit: GithubRateLimitKind }
  >();

  constructor(
    private readonly now: () => number = Date.now,
    private readonly maxWaitMs = DEFAULT_MAX_WAIT_MS,
  ) {}

  /**
   * Runs `request` once the budget allows: a short block (a secondary
   * limit's retry-after) is waited out, up to twice; a long one (the
   * primary limit, until its hourly reset) fails at once with the time.
   */
  async run<T>(
    resource: GithubResource,
    repository: string,
    doing: string,
    request: () => Promise<T>,
  ): Promise<T> {
    for (let waits = 0; ; waits++) {
      const until = this.blocked.get(resource)?.until ?? 0;
      const wait = until - this.now();
      if (wait > 0 && wait <= this.maxWaitMs && waits < MAX_WAITS) {
        await sleep(wait);
        continue;
      }
      this.check(resource, repository, doing);
      try {
        return await request();
      } catch (error) {
        const limited = this.fromError(error, resource, repository, doing);
        if (!limited) throw error;
        const short =
          limited.resumesAt.getTime() - this.now() <= this.maxWaitMs;
        if (!short || waits + 1 >= MAX_WAITS) throw limited;
      }
    }
  }

  /** Throws while `resource` is blocked. */
  check(resource: GithubResource, repository: string, doing: string): void {
    const blocked = this.blocked.get(resource);
    if (blocked === undefined) return;
    if (this.now() >= blocked.until) {
      this.blocked.delete(resource);
      return;
    }
    throw new GithubRateLimitError(new Date(blocked.until), repository, doing, {
      now: new Date(this.now()),
      limit: blocked.limit,
    });
  }

  /** Learns from a successful answer's `x-ratelimit-*` headers. */
  observeHeaders(resource: GithubResource, headers: Headers | undefined): void {
    if (!headers) return;
    if (String(headers['x-ratelimit-remaining']) === '0') {
      const reset = Number(headers['x-ratelimit-reset']);
      if (reset > 0) this.block(resource, reset * 1000, 'primary');
    }
  }

  /** Learns from a GraphQL `rateLimit { remaining resetAt }` selection. */
  observeGraphqlBudget(
    budget: { remaining?: number; resetAt?: string } | undefined,
  ): void {
    if (budget?.remaining === 0 && budget.resetAt) {
      const at = Date.parse(budget.resetAt);
      if (!Number.isNaN(at)) this.block('graphql', at, 'primary');
    }
  }

  /**
   * A GithubRateLimitError when `error` is GitHub refusing for a rate limit
   * (primary: 403/429 with nothing remaining, or a GraphQL RATE_LIMITED
   * error; secondary: a `retry-after`), after blocking the resource; else
   * undefined.
   */
  fromError(
    error: unknown,
    resource: GithubResource,
    repository: string,
    doing: string,
  ): GithubRateLimitError | undefined {
    const e = (error ?? {}) as ErrorLike;
    const headers = e.response?.headers ?? e.headers ?? {};
    const errors: Array<{ type?: string }> =
      e.errors ?? e.data?.errors ?? e.response?.data?.errors ?? [];
    const graphqlLimited = errors.some(x => x?.type === 'RATE_LIMITED');
    const refused = e.status === 403 || e.status === 429;
    const message = e.response?.data?.message ?? e.message ?? '';
    const retryAfter = Number(headers['retry-after']);
    const spent = String(headers['x-ratelimit-remaining']) === '0';
    let until: number | undefined;
    let limit: GithubRateLimitKind = 'primary';
    if ((refused || graphqlLimited) && retryAfter > 0) {
      until = this.now() + retryAfter * 1000;
      // GitHub sends retry-after for secondary limits; a spent budget says so in its headers.
      if (!spent) limit = 'secondary';
    } else if (
      graphqlLimited ||
      (refused && (spent || /rate limit/i.test(message)))
    ) {
      const reset = Number(headers['x-ratelimit-reset']);
      until = reset > 0 ? reset * 1000 : this.now() + SECONDARY_FALLBACK_MS;
      if (!spent && !graphqlLimited && /secondary/i.test(message)) {
        // A pause GitHub names no time for: its docs ask for a minute, not the hourly reset.
        limit = 'secondary';
        until = this.now() + SECONDARY_FALLBACK_MS;
      }
    }
    if (until === undefined) return undefined;
    this.block(resource, until, limit);
    return new GithubRateLimitError(new Date(until), repository, doing, {
      cause: error,
      now: new Date(this.now()),
      limit,
    });
  }

  private block(
    resource: GithubResource,
    until: number,
    limit: GithubRateLimitKind,
  ) {
    const known = this.blocked.get(resource);
    if (!known || until > known.until)
      this.blocked.set(resource, { until, limit });
  }
}
