import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GithubEmulator, startGithubEmulator } from './index';

const TOKEN = 'ghp_archive';

describe('GitHub emulator: tarball archives', () => {
  let emulator: GithubEmulator;
  let headSha: string;

  beforeAll(async () => {
    emulator = await startGithubEmulator({ tokens: [TOKEN] });
    ({ headSha } = await emulator.createRepository('acme', 'deploy', {
      files: { 'apps/a.yaml': 'image: a:1\n', 'README.md': '# deploy\n' },
    }));
  });
  afterAll(() => emulator.stop());

  const get = (path: string, token?: string) =>
    fetch(`${emulator.apiBaseUrl}${path}`, {
      redirect: 'manual',
      headers: token ? { authorization: `token ${token}` } : {},
    });

  it('redirects to a codeload link, whose download is the commit as git archive writes it and costs no API request', async () => {
    const redirect = await get('/repos/acme/deploy/tarball/main', TOKEN);
    expect(redirect.status).toBe(302);
    const location = redirect.headers.get('location')!;
    expect(location).toMatch(
      new RegExp(`/_codeload/acme/deploy/legacy.tar.gz/${headSha}\\?token=`),
    );
    const used = emulator.rateLimit(TOKEN).used;
    const download = await fetch(location);
    expect(download.status).toBe(200);
    expect(emulator.rateLimit(TOKEN).used).toBe(used);
    const dir = mkdtempSync(join(tmpdir(), 'archive-test-'));
    try {
      writeFileSync(
        join(dir, 'a.tar.gz'),
        Buffer.from(await download.arrayBuffer()),
      );
      execFileSync('tar', ['-xzf', 'a.tar.gz'], { cwd: dir });
      const root = join(dir, `acme-deploy-${headSha.slice(0, 7)}`);
      expect(readFileSync(join(root, 'apps/a.yaml'), 'utf8')).toBe(
        'image: a:1\n',
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('serves the default branch without a ref, and 404 for an unknown ref or a link without its token', async () => {
    const redirect = await get('/repos/acme/deploy/tarball', TOKEN);
    expect(redirect.headers.get('location')).toContain(headSha);
    expect((await get('/repos/acme/deploy/tarball/nope', TOKEN)).status).toBe(
      404,
    );
    expect(
      (await get(`/_codeload/acme/deploy/legacy.tar.gz/${headSha}?token=guess`))
        .status,
    ).toBe(404);
    expect((await get('/repos/acme/deploy/tarball/main')).status).toBe(401);
  });
});
