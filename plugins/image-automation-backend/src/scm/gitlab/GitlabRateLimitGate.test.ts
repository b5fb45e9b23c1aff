import { GitlabRateLimitGate } from './GitlabRateLimitGate';

const T0 = Date.parse('2026-12-01T20:00:15Z');
const headers = (values: Record<string, string>) => new Headers(values);
const RESET = String(Date.parse('2026-12-01T20:01:00Z') / 1000);

describe('GitlabRateLimitGate', () => {
  let now = T0;
  const gate = () => new GitlabRateLimitGate(() => now, 10_000);
  beforeEach(() => {
    now = T0;
  });

  it('refuses the token until a long Retry-After has passed, then lets it go', () => {
    const g = gate();
    expect(g.admit()).toEqual({ go: true });
    const until = g.observe(
      429,
      headers({ 'retry-after': '45', 'ratelimit-reset': RESET }),
    );
    expect(until).toBe(T0 + 45_000);
    expect(g.isLong(until!)).toBe(true);
    expect(g.admit()).toEqual({ go: false, until: T0 + 45_000 });
    now = T0 + 44_999;
    // Within the wait it would sit out, the same block becomes a wait.
    expect(g.admit()).toEqual({ go: false, waitMs: 1, until: T0 + 45_000 });
    now = T0 + 45_000;
    expect(g.admit()).toEqual({ go: true });
    expect(g.blockedUntil()).toBeUndefined();
  });

  it('asks a short Retry-After to be waited out', () => {
    const g = gate();
    const until = g.observe(429, headers({ 'retry-after': '3' }));
    expect(g.isLong(until!)).toBe(false);
    expect(g.admit()).toEqual({ go: false, waitMs: 3000, until: T0 + 3000 });
  });

  it('takes RateLimit-Reset when a 429 names no Retry-After, and knows nothing when it names neither', () => {
    const g = gate();
    expect(g.observe(429, headers({ 'ratelimit-reset': RESET }))).toBe(
      Number(RESET) * 1000,
    );
    const other = gate();
    expect(other.observe(429, headers({}))).toBeUndefined();
    expect(other.admit()).toEqual({ go: true });
  });

  it('blocks once a successful answer says nothing remains, until its reset', () => {
    const g = gate();
    expect(
      g.observe(
        200,
        headers({ 'ratelimit-remaining': '1', 'ratelimit-reset': RESET }),
      ),
    ).toBeUndefined();
    expect(g.admit()).toEqual({ go: true });
    g.observe(
      200,
      headers({ 'ratelimit-remaining': '0', 'ratelimit-reset': RESET }),
    );
    expect(g.blockedUntil()).toBe(Number(RESET) * 1000);
    expect(g.admit()).toEqual({ go: false, until: Number(RESET) * 1000 });
  });

  it('only ever extends a block', () => {
    const g = gate();
    g.observe(429, headers({ 'retry-after': '45' }));
    g.observe(429, headers({ 'retry-after': '1' }));
    expect(g.blockedUntil()).toBe(T0 + 45_000);
  });
});
