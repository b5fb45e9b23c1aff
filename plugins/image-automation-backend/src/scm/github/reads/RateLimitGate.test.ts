import { formatResumeTime } from '../../formatResumeTime';
import { RateLimitGate } from './RateLimitGate';

const T0 = Date.parse('2026-12-01T20:00:00Z');

describe('RateLimitGate', () => {
  let now = T0;
  const gate = () => new RateLimitGate(() => now);
  beforeEach(() => {
    now = T0;
  });

  it('blocks a spent primary limit until x-ratelimit-reset, then lets requests through', () => {
    const g = gate();
    const reset = T0 / 1000 + 1800;
    const error = g.fromError(
      {
        status: 403,
        message: 'API rate limit exceeded for user ID 1.',
        response: {
          headers: {
            'x-ratelimit-remaining': '0',
            'x-ratelimit-reset': String(reset),
          },
        },
      },
      'core',
      'acme/deploy',
      'read a.yaml',
    );
    expect(error).toMatchObject({
      kind: 'git-rate-limited',
      message: expect.stringMatching(
        /^GitHub rate limit reached, resumes at 20:30 UTC: could not read a.yaml in acme\/deploy; the token's hourly budget is spent/,
      ),
    });
    expect(error!.resumesAt.getTime()).toBe(reset * 1000);
    expect(() => g.check('core', 'acme/other', 'list files')).toThrow(
      /resumes at 20:30 UTC: could not list files in acme\/other/,
    );
    // Budgets are apart: GraphQL still goes.
    expect(() => g.check('graphql', 'acme/other', 'read')).not.toThrow();
    now = reset * 1000;
    expect(() => g.check('core', 'acme/other', 'list files')).not.toThrow();
  });

  it('waits out a secondary limit for its retry-after', () => {
    const g = gate();
    const error = g.fromError(
      {
        status: 403,
        message: 'You have exceeded a secondary rate limit.',
        response: { headers: { 'retry-after': '120' } },
      },
      'core',
      'acme/deploy',
      'read',
    );
    expect(error!.resumesAt.getTime()).toBe(T0 + 120_000);
    // Not the hourly budget: the card must not tell people to wait for a reset that is not coming.
    expect(error!.message).toBe(
      'GitHub rate limit reached, resumes at 20:02 UTC: could not read in acme/deploy; GitHub asked for a pause after too many requests in a short time (its secondary rate limit), so nothing is asked of GitHub until then',
    );
    expect(() => g.check('core', 'acme/other', 'list files')).toThrow(
      /could not list files in acme\/other; GitHub asked for a pause/,
    );
  });

  it('pauses a minute for a secondary limit that names no time, not until the hourly reset', () => {
    const error = gate().fromError(
      {
        status: 403,
        message: 'You have exceeded a secondary rate limit.',
        response: {
          headers: {
            'x-ratelimit-remaining': '4000',
            'x-ratelimit-reset': String(T0 / 1000 + 3000),
          },
        },
      },
      'core',
      'acme/deploy',
      'read',
    );
    expect(error!.resumesAt.getTime()).toBe(T0 + 60_000);
    expect(error!.message).toMatch(/GitHub asked for a pause/);
  });

  it('calls a retry-after on a spent budget the hourly limit', () => {
    const error = gate().fromError(
      {
        status: 429,
        response: {
          headers: {
            'retry-after': '600',
            'x-ratelimit-remaining': '0',
            'x-ratelimit-reset': String(T0 / 1000 + 600),
          },
        },
      },
      'core',
      'acme/deploy',
      'read',
    );
    expect(error!.message).toMatch(/the token's hourly budget is spent/);
  });

  it('recognises GraphQL RATE_LIMITED errors, and leaves other 403s alone', () => {
    const g = gate();
    expect(
      g
        .fromError(
          {
            errors: [{ type: 'RATE_LIMITED' }],
            headers: { 'x-ratelimit-reset': String(T0 / 1000 + 60) },
          },
          'graphql',
          'acme/deploy',
          'read',
        )
        ?.resumesAt.getTime(),
    ).toBe(T0 + 60_000);
    expect(
      gate().fromError(
        { status: 403, message: 'Resource not accessible by integration' },
        'core',
        'acme/deploy',
        'read',
      ),
    ).toBeUndefined();
  });

  it('blocks once an answer says nothing is left', () => {
    const g = gate();
    g.observeHeaders('core', {
      'x-ratelimit-remaining': '1',
      'x-ratelimit-reset': '1',
    });
    expect(() => g.check('core', 'r', 'read')).not.toThrow();
    g.observeHeaders('core', {
      'x-ratelimit-remaining': '0',
      'x-ratelimit-reset': String(T0 / 1000 + 10),
    });
    expect(() => g.check('core', 'r', 'read')).toThrow(/rate limit reached/);
    g.observeGraphqlBudget({ remaining: 0, resetAt: '2026-12-01T21:00:00Z' });
    expect(() => g.check('graphql', 'r', 'read')).toThrow(
      /resumes at 21:00 UTC/,
    );
  });

  it('names the day when the reset is not today', () => {
    expect(
      formatResumeTime(new Date('2026-12-02T00:10:00Z'), new Date(T0)),
    ).toBe('2026-12-02 00:10 UTC');
  });
});
