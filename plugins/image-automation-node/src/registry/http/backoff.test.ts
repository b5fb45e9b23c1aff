import {
  backoffDelayMs,
  parseRateLimitHeader,
  parseRetryAfterMs,
} from './backoff';

describe('backoffDelayMs', () => {
  it('doubles per attempt between half and all of the ceiling', () => {
    expect(backoffDelayMs(0, 100, 10_000, () => 0)).toBe(50);
    expect(backoffDelayMs(0, 100, 10_000, () => 1)).toBe(100);
    expect(backoffDelayMs(3, 100, 10_000, () => 1)).toBe(800);
    expect(backoffDelayMs(10, 100, 1_000, () => 1)).toBe(1_000);
  });
});

describe('parseRetryAfterMs', () => {
  const now = Date.parse('2026-01-01T00:00:00Z');
  it.each([
    ['120', 120_000],
    ['0', 0],
    ['Thu, 01 Jan 2026 00:00:30 GMT', 30_000],
    ['Wed, 31 Dec 2025 23:00:00 GMT', 0],
    [undefined, undefined],
    ['soon', undefined],
  ])('reads %p', (value, expected) =>
    expect(parseRetryAfterMs(value, now)).toBe(expected),
  );
});

describe('parseRateLimitHeader', () => {
  it('reads Docker Hub ratelimit headers', () => {
    expect(parseRateLimitHeader('76;w=21600')).toEqual({
      remaining: 76,
      windowMs: 21_600_000,
    });
    expect(parseRateLimitHeader('0')).toEqual({
      remaining: 0,
      windowMs: undefined,
    });
    expect(parseRateLimitHeader(undefined)).toBeUndefined();
  });
});
