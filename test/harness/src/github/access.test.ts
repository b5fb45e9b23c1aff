import { createSign, generateKeyPairSync } from 'node:crypto';
import { GithubEmulator, startGithubEmulator } from './index';
import { Octokit, octokitFor } from './testing/octokit';

const TOKEN = 'ghp_access';
const READ_ONLY = 'github_pat_readonly';
const OWNER = 'acme';
const REPO = 'svc';
const APP_ID = 4242;
const INSTALLATION_ID = 77;

const { privateKey, publicKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
});

/** A GitHub App JWT as @octokit/auth-app signs it: RS256, iss = app id, at most ten minutes. */
function appJwt(claims: Record<string, unknown> = {}) {
  const now = Math.floor(Date.now() / 1000);
  const encode = (value: object) =>
    Buffer.from(JSON.stringify(value)).toString('base64url');
  const unsigned = `${encode({ alg: 'RS256', typ: 'JWT' })}.${encode({
    iat: now - 30,
    exp: now + 540,
    iss: APP_ID,
    ...claims,
  })}`;
  const signature = createSign('RSA-SHA256')
    .update(unsigned)
    .sign(privateKey)
    .toString('base64url');
  return `${unsigned}.${signature}`;
}

describe('GitHub emulator: authentication, permissions and faults', () => {
  let emulator: GithubEmulator;
  let octokit: Octokit;

  beforeAll(async () => {
    emulator = await startGithubEmulator({
      tokens: [TOKEN, READ_ONLY],
      app: {
        appId: APP_ID,
        publicKeyPem: publicKey
          .export({ type: 'spki', format: 'pem' })
          .toString(),
        installations: [
          { id: INSTALLATION_ID, account: OWNER, repositories: [REPO] },
        ],
      },
    });
    octokit = octokitFor(emulator, TOKEN);
    await emulator.createRepository(OWNER, REPO, { files: { 'a.txt': 'a\n' } });
    await emulator.createRepository(OWNER, 'other', {
      files: { 'b.txt': 'b\n' },
    });
    emulator.setTokenPermissions(READ_ONLY, {
      contents: 'read',
      pull_requests: 'read',
    });
  });

  afterEach(() => emulator.clearFaults());
  afterAll(() => emulator.stop());

  it.each([
    ['no token', undefined],
    ['an unknown token', 'ghp_wrong'],
  ])('answers 401 Bad credentials with %s', async (_, token) => {
    await expect(
      octokitFor(emulator, token).repos.get({ owner: OWNER, repo: REPO }),
    ).rejects.toMatchObject({
      status: 401,
      response: { data: { message: 'Bad credentials' } },
    });
  });

  it('accepts the token as "token X" and as "Bearer X"', async () => {
    for (const authorization of [`token ${TOKEN}`, `Bearer ${TOKEN}`]) {
      const { status } = await octokitFor(emulator).request(
        'GET /repos/{owner}/{repo}',
        {
          owner: OWNER,
          repo: REPO,
          headers: { authorization },
        },
      );
      expect(status).toBe(200);
    }
  });

  it('denies a write the token has no permission for and names the permission', async () => {
    const readOnly = octokitFor(emulator, READ_ONLY);
    const { data } = await readOnly.repos.get({ owner: OWNER, repo: REPO });
    expect(data.permissions).toMatchObject({ push: false, pull: true });
    await expect(
      readOnly.git.createBlob({ owner: OWNER, repo: REPO, content: 'x' }),
    ).rejects.toMatchObject({
      status: 403,
      message: expect.stringContaining(
        'Resource not accessible by integration',
      ),
      response: {
        headers: { 'x-accepted-github-permissions': 'contents=write' },
      },
    });
    await expect(
      readOnly.issues.addLabels({
        owner: OWNER,
        repo: REPO,
        issue_number: 1,
        labels: ['x'],
      }),
    ).rejects.toMatchObject({
      status: 403,
      response: {
        headers: {
          'x-accepted-github-permissions': 'issues=write; pull_requests=write',
        },
      },
    });
  });

  it('answers the secondary rate limit with 403 and Retry-After, then recovers', async () => {
    emulator.injectFaults({
      secondaryRateLimit: { count: 2, retryAfterSeconds: 7 },
    });
    for (let i = 0; i < 2; i++) {
      await expect(
        octokit.repos.get({ owner: OWNER, repo: REPO }),
      ).rejects.toMatchObject({
        status: 403,
        message: expect.stringMatching(/secondary rate limit/),
        response: { headers: { 'retry-after': '7' } },
      });
    }
    await expect(
      octokit.repos.get({ owner: OWNER, repo: REPO }),
    ).resolves.toMatchObject({ status: 200 });
  });

  it('fails the next N requests with a server error and logs every request', async () => {
    emulator.requestLog.length = 0;
    emulator.injectFaults({ status5xx: 1 });
    await expect(
      octokit.repos.get({ owner: OWNER, repo: REPO }),
    ).rejects.toMatchObject({ status: 502 });
    await octokit.git.createBlob({ owner: OWNER, repo: REPO, content: 'y' });
    expect(emulator.requestLog).toEqual([
      // A fault answers before the request reaches the rate limit: it costs nothing.
      {
        method: 'GET',
        path: '/repos/acme/svc',
        query: '',
        status: 502,
        cost: 0,
        bytes: expect.any(Number),
      },
      {
        method: 'POST',
        path: '/repos/acme/svc/git/blobs',
        query: '',
        status: 201,
        resource: 'core',
        cost: 1,
        bytes: expect.any(Number),
      },
    ]);
  });

  it('serves the GitHub Enterprise /api/v3 layout too', async () => {
    const enterprise = new Octokit({
      baseUrl: `${emulator.apiBaseUrl}/api/v3`,
      auth: TOKEN,
    });
    const { data } = await enterprise.repos.get({ owner: OWNER, repo: REPO });
    expect(data.default_branch).toBe('main');
  });

  it('issues installation tokens to a GitHub App with a valid JWT, scoped to its repositories', async () => {
    const app = octokitFor(emulator);
    const auth = { headers: { authorization: `bearer ${appJwt()}` } };
    const { data: installations } = await app.apps.listInstallations(auth);
    expect(
      installations.map(i => [
        i.id,
        i.account && 'login' in i.account ? i.account.login : undefined,
      ]),
    ).toEqual([[INSTALLATION_ID, OWNER]]);
    const { data: installation } = await app.apps.getRepoInstallation({
      owner: OWNER,
      repo: REPO,
      ...auth,
    });
    expect(installation.id).toBe(INSTALLATION_ID);
    const { data: token } = await app.apps.createInstallationAccessToken({
      installation_id: INSTALLATION_ID,
      ...auth,
    });
    expect(token).toMatchObject({
      token: expect.stringMatching(/^ghs_/),
      repository_selection: 'selected',
    });

    const installationClient = octokitFor(emulator, token.token);
    const { data: repos } =
      await installationClient.apps.listReposAccessibleToInstallation();
    expect(repos.repositories.map(r => r.full_name)).toEqual(['acme/svc']);
    await expect(
      installationClient.repos.get({ owner: OWNER, repo: REPO }),
    ).resolves.toMatchObject({ status: 200 });
    await expect(
      installationClient.repos.get({ owner: OWNER, repo: 'other' }),
    ).rejects.toMatchObject({ status: 404 });
    // An installation spends its own budget, not the budget of the user tokens.
    const userUsed = emulator.rateLimit(TOKEN).used;
    expect(emulator.rateLimit(token.token)).toMatchObject({ used: 3 });
    await installationClient.repos.get({ owner: OWNER, repo: REPO });
    expect(emulator.rateLimit(token.token)).toMatchObject({ used: 4 });
    expect(emulator.rateLimit(TOKEN).used).toBe(userUsed);
  });

  it.each([
    [
      'a JWT signed by another key',
      () => appJwt().replace(/\.[^.]+$/, '.c2lnbmF0dXJl'),
    ],
    ['an expired JWT', () => appJwt({ iat: 1000, exp: 1500 })],
    ['a JWT for another app', () => appJwt({ iss: 1 })],
    ['a personal token', () => TOKEN],
  ])('refuses app endpoints with %s', async (_, credential) => {
    await expect(
      octokitFor(emulator).apps.listInstallations({
        headers: { authorization: `bearer ${credential()}` },
      }),
    ).rejects.toMatchObject({ status: 401 });
  });
});
