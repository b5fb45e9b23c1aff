import { throttling } from '@octokit/plugin-throttling';
import { setTimeout as sleep } from 'node:timers/promises';
import {
  GithubEmulator,
  GithubEmulatorOptions,
  startGithubEmulator,
} from './index';
import { Octokit, octokitFor } from './testing/octokit';

const TOKEN = 'ghp_limits';
const SAME_USER = 'ghp_limits_second';
const OWNER = 'acme';
const REPO = 'svc';

type RequestError = Error & {
  status: number;
  response: { data: any; headers: Record<string, string> };
};

async function failure(promise: Promise<unknown>): Promise<RequestError> {
  try {
    await promise;
  } catch (error) {
    return error as RequestError;
  }
  throw new Error('expected the request to fail');
}

describe('GitHub emulator: primary rate limits', () => {
  const emulators: GithubEmulator[] = [];

  async function start(options: Partial<GithubEmulatorOptions> = {}) {
    const emulator = await startGithubEmulator({
      tokens: [TOKEN, SAME_USER],
      ...options,
    });
    emulators.push(emulator);
    const { headSha } = await emulator.createRepository(OWNER, REPO, {
      files: { 'a.txt': 'a\n', 'dir/b.txt': 'b\n' },
    });
    return { emulator, headSha, octokit: octokitFor(emulator, TOKEN) };
  }

  afterAll(() => Promise.all(emulators.map(e => e.stop())));

  it('reports a personal token budget of 5,000 an hour in x-ratelimit-* headers', async () => {
    const { octokit } = await start();
    const first = await octokit.repos.get({ owner: OWNER, repo: REPO });
    const second = await octokit.repos.get({ owner: OWNER, repo: REPO });
    expect(first.headers).toMatchObject({
      'x-ratelimit-limit': '5000',
      'x-ratelimit-remaining': '4999',
      'x-ratelimit-used': '1',
      'x-ratelimit-resource': 'core',
    });
    expect(second.headers).toMatchObject({
      'x-ratelimit-remaining': '4998',
      'x-ratelimit-used': '2',
    });
    const reset = Number(first.headers['x-ratelimit-reset']);
    const inAnHour = Date.now() / 1000 + 3600;
    expect(Math.abs(reset - inAnHour)).toBeLessThan(5);
  });

  it('counts errors too, and shares one budget between the tokens of one user', async () => {
    const { emulator, octokit } = await start();
    await failure(octokit.repos.get({ owner: OWNER, repo: 'missing' }));
    await octokitFor(emulator, SAME_USER).repos.get({
      owner: OWNER,
      repo: REPO,
    });
    expect(emulator.rateLimit(TOKEN)).toMatchObject({
      used: 2,
      remaining: 4998,
    });
  });

  it.each([403, 429] as const)(
    'answers %s with GitHub message once the budget is spent, until the window resets',
    async status => {
      const { emulator, octokit } = await start({
        rateLimit: { core: 2, windowSeconds: 1, exceededStatus: status },
      });
      await octokit.repos.get({ owner: OWNER, repo: REPO });
      await octokit.repos.get({ owner: OWNER, repo: REPO });
      const spent = await failure(
        octokit.repos.get({ owner: OWNER, repo: REPO }),
      );
      expect(spent.status).toBe(status);
      expect(spent.response.data.message).toMatch(
        /^API rate limit exceeded for user ID \d+\./,
      );
      expect(spent.response.headers).toMatchObject({
        'x-ratelimit-remaining': '0',
        'x-ratelimit-used': '2',
      });
      const resetAt =
        Number(spent.response.headers['x-ratelimit-reset']) * 1000;
      expect(resetAt).toBeGreaterThan(Date.now() - 1000);
      expect(emulator.requestLog.at(-1)).toMatchObject({ status, cost: 0 });
      await sleep(Math.max(0, resetAt - Date.now()) + 50);
      await expect(
        octokit.repos.get({ owner: OWNER, repo: REPO }),
      ).resolves.toMatchObject({ status: 200 });
    },
  );

  it('lets Octokit’s throttling plugin see the reset time', async () => {
    const { emulator } = await start({ rateLimit: { core: 1 } });
    const seen: number[] = [];
    const Throttled = Octokit.plugin(
      throttling as unknown as Parameters<typeof Octokit.plugin>[0],
    );
    const octokit = new Throttled({
      baseUrl: emulator.apiBaseUrl,
      auth: TOKEN,
      throttle: {
        onRateLimit: (retryAfter: number) => {
          seen.push(retryAfter);
          return false;
        },
        onSecondaryRateLimit: () => false,
      },
    });
    await octokit.repos.get({ owner: OWNER, repo: REPO });
    await expect(
      octokit.repos.get({ owner: OWNER, repo: REPO }),
    ).rejects.toMatchObject({ status: 403 });
    expect(seen).toHaveLength(1);
    expect(seen[0]).toBeGreaterThan(3500);
  });

  describe('conditional requests', () => {
    it.each([
      ['a ref', (_sha: string) => `/repos/${OWNER}/${REPO}/git/ref/heads/main`],
      [
        'a tree',
        (sha: string) => `/repos/${OWNER}/${REPO}/git/trees/${sha}?recursive=1`,
      ],
      [
        'a commit',
        (sha: string) => `/repos/${OWNER}/${REPO}/git/commits/${sha}`,
      ],
    ])('answers %s 304 for its ETag, without counting it', async (_, path) => {
      const { emulator, headSha } = await start();
      const get = (etag?: string) =>
        fetch(`${emulator.apiBaseUrl}${path(headSha)}`, {
          headers: {
            authorization: `token ${TOKEN}`,
            ...(etag ? { 'if-none-match': etag } : {}),
          },
        });
      const first = await get();
      const etag = first.headers.get('etag')!;
      expect(first.status).toBe(200);
      expect(etag).toMatch(/^W\/"[0-9a-f]+"$/);
      const again = await get(etag);
      expect(again.status).toBe(304);
      expect(await again.text()).toBe('');
      expect(again.headers.get('etag')).toBe(etag);
      expect(again.headers.get('x-ratelimit-remaining')).toBe('4999');
      expect(emulator.rateLimit(TOKEN).used).toBe(1);
      expect(emulator.requestLog.at(-1)).toMatchObject({
        status: 304,
        cost: 0,
      });
      const stale = await get('W/"0123456789abcdef"');
      expect(stale.status).toBe(200);
      expect(emulator.rateLimit(TOKEN).used).toBe(2);
    });

    it('answers 200 with a new ETag once the ref has moved, and counts it', async () => {
      const { emulator } = await start();
      const url = `${emulator.apiBaseUrl}/repos/${OWNER}/${REPO}/git/ref/heads/main`;
      const headers = { authorization: `token ${TOKEN}` };
      const etag = (await fetch(url, { headers })).headers.get('etag')!;
      await emulator.commitFiles(
        OWNER,
        REPO,
        'main',
        { 'a.txt': 'a2\n' },
        {
          message: 'move main',
        },
      );
      const moved = await fetch(url, {
        headers: { ...headers, 'if-none-match': etag },
      });
      expect(moved.status).toBe(200);
      expect(moved.headers.get('etag')).not.toBe(etag);
      expect(emulator.rateLimit(TOKEN).used).toBe(2);
    });
  });

  describe('GraphQL points', () => {
    it('are a budget of their own, reported with resource graphql', async () => {
      const { emulator, octokit } = await start();
      const response = await octokit.request('POST /graphql', {
        query: '{ viewer { login } rateLimit { cost remaining used limit } }',
      });
      expect(response.data.data.rateLimit).toEqual({
        cost: 1,
        remaining: 4999,
        used: 1,
        limit: 5000,
      });
      expect(response.headers).toMatchObject({
        'x-ratelimit-resource': 'graphql',
        'x-ratelimit-remaining': '4999',
      });
      expect(emulator.rateLimit(TOKEN, 'core').used).toBe(0);
    });

    it('answer 200 with a RATE_LIMITED error once spent, which the throttling plugin recognises', async () => {
      const { emulator } = await start({ rateLimit: { graphql: 1 } });
      const seen: number[] = [];
      const Throttled = Octokit.plugin(
        throttling as unknown as Parameters<typeof Octokit.plugin>[0],
      );
      const octokit = new Throttled({
        baseUrl: emulator.apiBaseUrl,
        auth: TOKEN,
        throttle: {
          onRateLimit: (retryAfter: number) => {
            seen.push(retryAfter);
            return false;
          },
          onSecondaryRateLimit: () => false,
        },
      });
      await octokit.graphql('{ viewer { login } }');
      const raw = await fetch(`${emulator.apiBaseUrl}/graphql`, {
        method: 'POST',
        headers: { authorization: `bearer ${TOKEN}` },
        body: JSON.stringify({ query: '{ viewer { login } }' }),
      });
      expect(raw.status).toBe(200);
      expect(await raw.json()).toEqual({
        errors: [
          {
            type: 'RATE_LIMITED',
            message: expect.stringMatching(
              /^API rate limit exceeded for user ID \d+\.$/,
            ),
          },
        ],
      });
      expect(raw.headers.get('x-ratelimit-remaining')).toBe('0');
      await expect(octokit.graphql('{ viewer { login } }')).rejects.toThrow();
      expect(seen).toHaveLength(1);
    });
  });

  it('does not count GET /rate_limit', async () => {
    const { emulator, octokit } = await start();
    await octokit.repos.get({ owner: OWNER, repo: REPO });
    const { data } = await octokit.rateLimit.get();
    expect(data.resources.core).toMatchObject({ used: 1, remaining: 4999 });
    expect(emulator.rateLimit(TOKEN).used).toBe(1);
  });
});
