/**
 * Delay before retry number `attempt` (0-based): exponential with full
 * jitter, so replicas that failed together do not retry together.
 */
export function backoffDelayMs(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** attempt);
  return Math.round(ceiling / 2 + (random() * ceiling) / 2);
}

/**
 * `Retry-After` as milliseconds from `now`: either delta-seconds or an HTTP
 * date. Undefined when absent or unreadable.
 */
export function parseRetryAfterMs(
  value: string | undefined,
  now: number = Date.now(),
): number | undefined {
  if (!value) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed) * 1000;
  const at = Date.parse(trimmed);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - now);
}

/**
 * Docker Hub's `ratelimit-remaining: 76;w=21600` as `{ remaining, windowMs }`.
 */
export function parseRateLimitHeader(
  value: string | undefined,
): { remaining: number; windowMs?: number } | undefined {
  if (!value) return undefined;
  const match = /^\s*(\d+)\s*(?:;\s*w=(\d+))?/.exec(value);
  if (!match) return undefined;
  return {
    remaining: Number(match[1]),
    windowMs: match[2] ? Number(match[2]) * 1000 : undefined,
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, ms));
}
