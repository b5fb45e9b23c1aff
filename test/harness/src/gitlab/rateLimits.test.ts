import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { runGit } from '../git/runGit';
import {
  GitlabEmulator,
  GitlabEmulatorOptions,
  startGitlabEmulator,
} from './index';
import { graphqlRequest, restClient } from './testing/client';

const TOKEN = 'glpat-limits';
/** A second token of the same user: GitLab counts users, not tokens. */
const SAME_USER = 'glpat-limits-same-user';
const OTHER_USER = 'glpat-limits-other-user';
const PROJECT = 'acme/deploy';
const ID = encodeURIComponent(PROJECT);
/** 20:00:15 UTC: 15 s into a one-minute window, so 45 s are left in it. */
const T0 = Date.parse('2026-12-01T20:00:15Z');

describe('GitLab emulator: authenticated API rate limit', () => {
  const emulators: GitlabEmulator[] = [];
  let now = T0;

  async function start(options: Partial<GitlabEmulatorOptions> = {}) {
    const gitlab = await startGitlabEmulator({
      tokens: [
        TOKEN,
        { token: SAME_USER, user: { id: 1 } },
        { token: OTHER_USER, user: { id: 2, username: 'someone-else' } },
      ],
      now: () => now,
      ...options,
    });
    emulators.push(gitlab);
    await gitlab.createProject(PROJECT, { files: { 'a.yaml': 'a: 1\n' } });
    return gitlab;
  }

  beforeEach(() => {
    now = T0;
  });
  afterAll(() => Promise.all(emulators.map(e => e.stop())));

  it('reports GitLab.com’s 2,000 requests a minute per user in RateLimit-* headers, counting down', async () => {
    const gitlab = await start();
    const api = restClient(gitlab, TOKEN);
    const first = await api('GET', `/projects/${ID}`);
    const second = await api('GET', `/projects/${ID}/repository/branches/main`);
    const reset = Date.parse('2026-12-01T20:01:00Z') / 1000;
    expect(Object.fromEntries(first.headers)).toMatchObject({
      'ratelimit-limit': '2000',
      'ratelimit-observed': '1',
      'ratelimit-remaining': '1999',
      'ratelimit-reset': String(reset),
      'ratelimit-resettime': 'Tue, 01 Dec 2026 20:01:00 GMT',
    });
    expect(Object.fromEntries(second.headers)).toMatchObject({
      'ratelimit-observed': '2',
      'ratelimit-remaining': '1998',
      'ratelimit-reset': String(reset),
    });
    // Not refused, so no Rack::Attack headers.
    expect(first.headers.get('retry-after')).toBeNull();
    expect(first.headers.get('ratelimit-name')).toBeNull();
    expect(gitlab.rateLimit(TOKEN)).toEqual({
      limit: 2000,
      periodSeconds: 60,
      observed: 2,
      remaining: 1998,
      resetAt: reset * 1000,
    });
  });

  it('counts GraphQL and errors too, not Git over HTTP nor requests without a known token', async () => {
    const gitlab = await start();
    const graphql = await graphqlRequest(
      gitlab,
      TOKEN,
      'query { project(fullPath: "acme/deploy") { fullPath } }',
      {},
    );
    expect(graphql.status).toBe(200);
    expect(graphql.headers.get('ratelimit-remaining')).toBe('1999');
    const missing = await restClient(gitlab, TOKEN)('GET', '/projects/nope');
    expect(missing.status).toBe(404);
    expect(missing.headers.get('ratelimit-remaining')).toBe('1998');
    const anonymous = await restClient(gitlab, 'glpat-unknown')(
      'GET',
      `/projects/${ID}`,
    );
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('ratelimit-remaining')).toBeNull();

    const work = await mkdtemp(join(tmpdir(), 'gitlab-limits-'));
    try {
      await runGit(undefined, ['init', '--quiet', '--bare', work]);
      const fetched = await runGit(
        work,
        ['fetch', '--quiet', `${gitlab.baseUrl}/${PROJECT}.git`, 'main'],
        {
          env: {
            GIT_CONFIG_COUNT: '1',
            GIT_CONFIG_KEY_0: 'http.extraHeader',
            GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from(
              `oauth2:${TOKEN}`,
            ).toString('base64')}`,
          },
        },
      );
      expect(fetched.exitCode).toBe(0);
    } finally {
      await rm(work, { recursive: true, force: true });
    }
    expect(gitlab.rateLimit(TOKEN).observed).toBe(2);
  });

  it('answers 429 Retry later once spent, with Retry-After to the end of the window, then serves again', async () => {
    const gitlab = await start({ rateLimit: { limit: 2 } });
    const api = restClient(gitlab, TOKEN);
    expect((await api('GET', `/projects/${ID}`)).status).toBe(200);
    const last = await api('GET', `/projects/${ID}`);
    expect(last.status).toBe(200);
    expect(last.headers.get('ratelimit-remaining')).toBe('0');

    now += 5_000;
    const refused = await api('GET', `/projects/${ID}`);
    expect(refused.status).toBe(429);
    expect(refused.body).toBe('Retry later\n');
    expect(Object.fromEntries(refused.headers)).toMatchObject({
      'content-type': 'text/plain',
      'ratelimit-name': 'throttle_authenticated_api',
      'ratelimit-limit': '2',
      // Rack::Attack counts the refused request too.
      'ratelimit-observed': '3',
      'ratelimit-remaining': '0',
      'ratelimit-reset': String(Date.parse('2026-12-01T20:01:00Z') / 1000),
      'retry-after': '40',
    });
    // GraphQL and writes share the budget.
    const graphql = await graphqlRequest(
      gitlab,
      TOKEN,
      'query { project(fullPath: "acme/deploy") { fullPath } }',
      {},
    );
    expect(graphql).toMatchObject({ status: 429, body: 'Retry later\n' });
    expect(
      (
        await api('POST', `/projects/${ID}/repository/branches`, {
          branch: 'x',
          ref: 'main',
        })
      ).status,
    ).toBe(429);
    expect(gitlab.requestLog.at(-1)).toMatchObject({ status: 429 });
    expect(await gitlab.branchSha(PROJECT, 'x')).toBeUndefined();

    now = Date.parse('2026-12-01T20:00:59.999Z');
    expect((await api('GET', `/projects/${ID}`)).status).toBe(429);
    now = Date.parse('2026-12-01T20:01:00Z');
    const again = await api('GET', `/projects/${ID}`);
    expect(again.status).toBe(200);
    expect(again.headers.get('ratelimit-observed')).toBe('1');
  });

  it('keeps users apart and lets the tokens of one user share a budget', async () => {
    const gitlab = await start({ rateLimit: { limit: 1 } });
    expect(
      (await restClient(gitlab, TOKEN)('GET', `/projects/${ID}`)).status,
    ).toBe(200);
    expect(
      (await restClient(gitlab, SAME_USER)('GET', `/projects/${ID}`)).status,
    ).toBe(429);
    const other = await restClient(gitlab, OTHER_USER)(
      'GET',
      `/projects/${ID}`,
    );
    expect(other.status).toBe(200);
    expect(other.headers.get('ratelimit-remaining')).toBe('0');
    expect(gitlab.rateLimit(TOKEN).observed).toBe(2);
    expect(gitlab.rateLimit(OTHER_USER).observed).toBe(1);
  });

  it('states RateLimit-Limit per minute whatever the period, as GitLab does, and counts against the real limit', async () => {
    const gitlab = await start({ rateLimit: { limit: 3, periodSeconds: 10 } });
    const res = await restClient(gitlab, TOKEN)('GET', `/projects/${ID}`);
    expect(Object.fromEntries(res.headers)).toMatchObject({
      'ratelimit-limit': '18',
      'ratelimit-remaining': '2',
      // Windows start on multiples of the period: 20:00:10 + 10 s.
      'ratelimit-reset': String(Date.parse('2026-12-01T20:00:20Z') / 1000),
    });
  });

  it('lets tests change the limit, forget usage, and inject faults outside the budget', async () => {
    const gitlab = await start();
    const api = restClient(gitlab, TOKEN);
    gitlab.setRateLimit(1, 3600);
    expect((await api('GET', `/projects/${ID}`)).status).toBe(200);
    const spent = await api('GET', `/projects/${ID}`);
    expect(spent.status).toBe(429);
    // An hour's window aligned on the hour: 20:00:15 + 3,585 s is 21:00.
    expect(spent.headers.get('retry-after')).toBe('3585');
    gitlab.resetRateLimits();
    expect(gitlab.rateLimit(TOKEN).observed).toBe(0);
    gitlab.setRateLimit(5);
    gitlab.injectFaults({
      status5xx: 1,
      rateLimited: { count: 1, retryAfterSeconds: 7 },
    });
    expect((await api('GET', `/projects/${ID}`)).status).toBe(502);
    const injected = await api('GET', `/projects/${ID}`);
    expect(injected).toMatchObject({ status: 429, body: 'Retry later\n' });
    expect(injected.headers.get('retry-after')).toBe('7');
    expect(gitlab.rateLimit(TOKEN).observed).toBe(0);
  });

  it('keeps its windows on the real clock by default', async () => {
    const gitlab = await start({
      rateLimit: { limit: 1, periodSeconds: 1 },
      now: undefined,
    });
    const api = restClient(gitlab, TOKEN);
    // Just after a second starts, so both requests fall in one window.
    await sleep(1000 - (Date.now() % 1000) + 10);
    const first = await api('GET', `/projects/${ID}`);
    expect(first.status).toBe(200);
    const resetAt = Number(first.headers.get('ratelimit-reset')) * 1000;
    expect(resetAt - Date.now()).toBeGreaterThan(0);
    expect(resetAt - Date.now()).toBeLessThanOrEqual(1000);
    expect((await api('GET', `/projects/${ID}`)).status).toBe(429);
    await sleep(Math.max(0, resetAt - Date.now()) + 10);
    expect((await api('GET', `/projects/${ID}`)).status).toBe(200);
  });
});
