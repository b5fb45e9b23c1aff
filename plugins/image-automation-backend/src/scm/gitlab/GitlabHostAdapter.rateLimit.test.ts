import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { parseRepositoryUrl } from '@image-automation/plugin-image-automation-common';
import {
  GitlabEmulator,
  startGitlabEmulator,
} from '@internal/image-automation-test-harness';
import { GitError } from '../GitError';
import { GitlabHostAdapter } from './GitlabHostAdapter';

const TOKEN = 'glpat-budget';
const OTHER = 'glpat-budget-other-user';
/** 15 s into GitLab's one-minute window: 45 s left, longer than the adapter waits. */
const T0 = Date.parse('2026-12-01T20:00:15Z');

async function caught(work: Promise<unknown>): Promise<GitError> {
  try {
    await work;
  } catch (error) {
    if (error instanceof GitError) return error;
    throw error;
  }
  throw new Error('expected a GitError');
}

describe('GitlabHostAdapter on a spent GitLab rate limit', () => {
  let gitlab: GitlabEmulator;
  let now = T0;

  const adapter = (token: string) =>
    GitlabHostAdapter.fromConfig(
      new ConfigReader({
        integrations: {
          gitlab: [
            {
              host: gitlab.host,
              baseUrl: gitlab.baseUrl,
              apiBaseUrl: gitlab.apiBaseUrl,
              token,
            },
          ],
        },
      }),
      { logger: mockServices.logger.mock(), now: () => now },
    );
  const location = (path: string) =>
    parseRepositoryUrl(`${gitlab.baseUrl}/${path}`)!;

  beforeAll(async () => {
    gitlab = await startGitlabEmulator({
      tokens: [TOKEN, { token: OTHER, user: { id: 2 } }],
      rateLimit: { limit: 2 },
      now: () => now,
    });
    for (const path of ['acme/a', 'acme/b']) {
      await gitlab.createProject(path, { files: { 'app.yaml': 'a: 1\n' } });
    }
  });
  beforeEach(() => {
    now = T0;
    gitlab.resetRateLimits();
    gitlab.requestLog.length = 0;
  });
  afterAll(() => gitlab.stop());

  it('stops asking with the token once an answer says nothing remains, for every repository, until the reset', async () => {
    const hosts = adapter(TOKEN);
    const a = await hosts.open(location('acme/a'));
    const b = await hosts.open(location('acme/b'));
    await a.defaultBranch();
    // The second request spends the budget: GitLab says RateLimit-Remaining: 0.
    expect(await a.branchSha('main')).toBeDefined();
    const error = await caught(b.branchSha('main'));
    expect(error.kind).toBe('git-rate-limited');
    expect(error.message).toMatch(
      /^GitLab rate limit reached, resumes at 20:01 UTC: could not find branch main in acme\/b; /,
    );
    expect(gitlab.requestLog).toHaveLength(2);

    // Another user's token has a budget of its own.
    const other = await adapter(OTHER).open(location('acme/b'));
    expect(await other.branchSha('main')).toBeDefined();

    now = Date.parse('2026-12-01T20:01:00Z');
    expect(await b.branchSha('main')).toBeDefined();
  });

  it('gives up after one 429 when the budget was spent elsewhere, without retrying', async () => {
    // Someone else with the same token spent it.
    for (let i = 0; i < 2; i++) {
      await fetch(`${gitlab.apiBaseUrl}/projects/acme%2Fa`, {
        headers: { 'private-token': TOKEN },
      });
    }
    gitlab.requestLog.length = 0;
    const hosts = adapter(TOKEN);
    const error = await caught(
      (await hosts.open(location('acme/a'))).defaultBranch(),
    );
    expect(error.kind).toBe('git-rate-limited');
    expect(error.message).toMatch(
      /^GitLab rate limit reached, resumes at 20:01 UTC: could not read the project in acme\/a; /,
    );
    expect(gitlab.requestLog.map(e => e.status)).toEqual([429]);
    await caught((await hosts.open(location('acme/b'))).defaultBranch());
    expect(gitlab.requestLog).toHaveLength(1);
  });
});
