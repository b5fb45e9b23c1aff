import { generateKeyPairSync } from 'node:crypto';
import { GithubEmulator, startGithubEmulator } from './index';
import {
  resilientOctokit,
  SingleInstanceGithubCredentialsProvider,
} from './testing/clients';

const OWNER = 'acme';
const REPO = 'svc';
const APP_ID = 31337;

const { privateKey, publicKey } = generateKeyPairSync('rsa', {
  modulusLength: 2048,
});

describe('GitHub emulator with the write-back client stack', () => {
  let emulator: GithubEmulator;

  beforeAll(async () => {
    emulator = await startGithubEmulator({
      tokens: ['ghp_unused'],
      app: {
        appId: APP_ID,
        publicKeyPem: publicKey
          .export({ type: 'spki', format: 'pem' })
          .toString(),
        installations: [{ id: 9, account: OWNER, repositories: [REPO] }],
      },
    });
    await emulator.createRepository(OWNER, REPO, { files: { 'a.txt': 'a\n' } });
  });

  afterAll(() => emulator.stop());

  it('gives Backstage GitHub App credentials that work, then survives a server error and a secondary rate limit', async () => {
    const credentials = SingleInstanceGithubCredentialsProvider.create({
      host: 'github.com',
      apiBaseUrl: emulator.apiBaseUrl,
      apps: [
        {
          appId: APP_ID,
          privateKey: privateKey
            .export({ type: 'pkcs1', format: 'pem' })
            .toString(),
          webhookSecret: 'unused',
          clientId: 'unused',
          clientSecret: 'unused',
        },
      ],
    });
    const { token, type } = await credentials.getCredentials({
      url: `https://github.com/${OWNER}/${REPO}`,
    });
    expect(type).toBe('app');
    expect(token).toMatch(/^ghs_/);

    const { octokit, waits } = resilientOctokit(emulator.apiBaseUrl, token!);
    emulator.injectFaults({
      status5xx: 1,
      secondaryRateLimit: { count: 1, retryAfterSeconds: 1 },
    });
    const { data } = await octokit.rest.repos.get({ owner: OWNER, repo: REPO });
    expect(data.full_name).toBe('acme/svc');
    expect(waits).toEqual([1]);
    const served = emulator.requestLog
      .filter(e => e.path === '/repos/acme/svc')
      .map(e => e.status);
    expect(served).toEqual([502, 403, 200]);
  });
});
