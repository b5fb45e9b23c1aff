/** Read access to an answer's headers (fetch's `Headers`). */
export interface HeaderSource {
  get(name: string): string | null;
}

/** What to do before sending a request with the token. */
export type Admission =
  | { go: true }
  /** Wait this long first: a block short enough to sit out. */
  | { go: false; waitMs: number; until: number }
  /** Do not send: the token is refused until `until` (epoch ms). */
  | { go: false; waitMs?: undefined; until: number };

/**
 * What one GitLab token may do, from GitLab's rate limit headers: an answer that reports
 * `RateLimit-Remaining: 0` means the next request would be refused until `RateLimit-Reset`, and a
 * 429 names its `Retry-After`. Until then requests are held back (a short wait) or refused at
 * once without reaching GitLab (a long one), and the token is free again by itself once the time
 * has passed. Pure: no timers or requests, the clock is given.
 */
export class GitlabRateLimitGate {
  private until = 0;

  constructor(
    readonly now: () => number = Date.now,
    /** The longest block sat out before a request; a longer one refuses it. */
    readonly maxWaitMs = 10_000,
  ) {}

  /** When the token may be used again (epoch ms), or undefined when it may be used now. */
  blockedUntil(): number | undefined {
    return this.until > this.now() ? this.until : undefined;
  }

  admit(): Admission {
    const until = this.blockedUntil();
    if (until === undefined) return { go: true };
    const waitMs = until - this.now();
    return waitMs <= this.maxWaitMs
      ? { go: false, waitMs, until }
      : { go: false, until };
  }

  /** Whether a block ending at `until` is too long to wait out. */
  isLong(until: number): boolean {
    return until - this.now() > this.maxWaitMs;
  }

  /**
   * Learns from an answer. Returns, for a 429, when GitLab takes requests again (undefined when it
   * said nothing about it: no `Retry-After` nor `RateLimit-Reset`).
   */
  observe(status: number, headers: HeaderSource): number | undefined {
    const reset = seconds(headers.get('ratelimit-reset'));
    if (status === 429) {
      // Retry-After counts from now, so it holds even when the clocks of GitLab and Backstage differ.
      const retryAfter = seconds(headers.get('retry-after'));
      let until: number | undefined;
      if (retryAfter !== undefined) until = this.now() + retryAfter * 1000;
      else if (reset !== undefined) until = reset * 1000;
      if (until !== undefined) this.block(until);
      return until;
    }
    // No Retry-After here: RateLimit-Reset is GitLab's clock, off by the clocks' difference at most.
    if (headers.get('ratelimit-remaining')?.trim() === '0' && reset) {
      this.block(reset * 1000);
    }
    return undefined;
  }

  private block(until: number): void {
    this.until = Math.max(this.until, until);
  }
}

function seconds(value: string | null): number | undefined {
  if (value === null || value.trim() === '') return undefined;
  const n = Number(value);
  return Number.isFinite(n) && n >= 0 ? n : undefined;
}
