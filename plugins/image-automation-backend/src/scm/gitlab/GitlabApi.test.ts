import { GitlabApi, GitlabRequestError } from './GitlabApi';
import { GitlabRateLimitGate } from './GitlabRateLimitGate';

const T0 = Date.parse('2026-12-01T20:00:15Z');
const RESET_SECONDS = Date.parse('2026-12-01T20:01:00Z') / 1000;

/** GitLab's answers in turn, and the URLs asked, on a clock the test moves. */
function scripted(answers: Array<() => Response>) {
  const clock = { now: T0 };
  const asked: string[] = [];
  const slept: number[] = [];
  const fetch = async (url: string) => {
    asked.push(url);
    const next = answers.shift();
    if (!next) throw new Error(`unexpected request ${url}`);
    return next();
  };
  const gate = new GitlabRateLimitGate(() => clock.now, 10_000);
  const api = (rateLimit = gate) =>
    new GitlabApi({
      apiBaseUrl: 'https://gitlab.example.com/api/v4',
      token: 'glpat-x',
      fetch,
      rateLimit,
      sleep: async ms => {
        slept.push(ms);
        clock.now += ms;
      },
    });
  return { clock, asked, slept, gate, api, answers };
}

const ok =
  (headers: Record<string, string> = {}) =>
  () =>
    new Response(JSON.stringify({ id: 1 }), {
      status: 200,
      headers: { 'content-type': 'application/json', ...headers },
    });

/** Rack::Attack's refusal. */
const retryLater = (retryAfter: number) => () =>
  new Response('Retry later\n', {
    status: 429,
    headers: {
      'content-type': 'text/plain',
      'ratelimit-remaining': '0',
      'ratelimit-reset': String(RESET_SECONDS),
      'retry-after': String(retryAfter),
    },
  });

async function failure(work: Promise<unknown>): Promise<GitlabRequestError> {
  try {
    await work;
  } catch (error) {
    if (error instanceof GitlabRequestError) return error;
    throw error;
  }
  throw new Error('expected a GitlabRequestError');
}

describe('GitlabApi and GitLab’s rate limit', () => {
  it('gives up at once on a 429 longer than it waits, and asks nothing more until the reset', async () => {
    const { api, asked, slept, clock, answers } = scripted([retryLater(45)]);
    const client = api();
    const refused = await failure(client.get('/projects/1'));
    expect(refused.status).toBe(429);
    expect(refused.extras.rateLimit).toEqual({
      resumesAt: new Date(T0 + 45_000),
      observedAt: new Date(T0),
      sent: true,
    });
    // No retries: they would only be refused again.
    expect(asked).toHaveLength(1);
    expect(slept).toEqual([]);

    clock.now += 30_000;
    const held = await failure(client.get('/projects/2'));
    expect(held.extras.rateLimit).toMatchObject({
      resumesAt: new Date(T0 + 45_000),
      sent: false,
    });
    await failure(client.send('POST', '/projects/2/merge_requests', {}));
    expect(asked).toHaveLength(1);

    clock.now = T0 + 45_000;
    answers.push(ok());
    await expect(client.get('/projects/2')).resolves.toEqual({ id: 1 });
    expect(asked).toHaveLength(2);
  });

  it('waits out a short Retry-After and retries, as before', async () => {
    const { api, asked, slept } = scripted([retryLater(2), ok()]);
    await expect(api().get('/projects/1')).resolves.toEqual({ id: 1 });
    expect(slept).toEqual([2000]);
    expect(asked).toHaveLength(2);
  });

  it('holds back every client of the token once an answer says nothing remains', async () => {
    const { api, asked, gate, clock, answers } = scripted([
      ok({
        'ratelimit-remaining': '0',
        'ratelimit-reset': String(RESET_SECONDS),
      }),
    ]);
    await api().get('/projects/1');
    // Another repository's client, same token: refused without a request.
    const held = await failure(api(gate).get('/projects/2'));
    expect(held.extras.rateLimit).toMatchObject({
      resumesAt: new Date(RESET_SECONDS * 1000),
      sent: false,
    });
    expect(asked).toHaveLength(1);
    // Another token's budget is its own.
    answers.push(ok());
    await api(new GitlabRateLimitGate(() => clock.now)).get('/projects/3');
    expect(asked).toHaveLength(2);
  });

  it('sits out a spent budget whose reset is near', async () => {
    const { api, slept, clock } = scripted([
      ok({
        'ratelimit-remaining': '0',
        'ratelimit-reset': String(RESET_SECONDS),
      }),
      ok(),
    ]);
    const client = api();
    await client.get('/projects/1');
    clock.now = RESET_SECONDS * 1000 - 4000;
    await expect(client.get('/projects/2')).resolves.toEqual({ id: 1 });
    expect(slept).toEqual([4000]);
  });

  it('does not resend a write GitLab refused, and says until when', async () => {
    const { api, asked } = scripted([retryLater(3)]);
    const refused = await failure(
      api().send('POST', '/projects/1/merge_requests', {}),
    );
    expect(refused.extras.rateLimit?.resumesAt).toEqual(new Date(T0 + 3000));
    expect(asked).toHaveLength(1);
  });

  it('backs off as before on a 429 that names no time', async () => {
    const { api, slept } = scripted([
      () => new Response('Retry later\n', { status: 429 }),
      ok(),
    ]);
    await expect(api().get('/projects/1')).resolves.toEqual({ id: 1 });
    expect(slept).toEqual([200]);
  });
});
