import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runGit } from '../git/runGit';
import { GitlabEmulator, startGitlabEmulator } from './index';
import { restClient } from './testing/client';

const TOKEN = 'glpat-writer';
const READER = 'glpat-reader';
const PROJECT = 'acme/sub/deploy';

describe('GitLab emulator: Git over HTTP', () => {
  let gitlab: GitlabEmulator;
  let work: string;
  let initial: string;

  const git = (token: string | undefined, args: string[]) =>
    runGit(join(work, 'repo.git'), args, {
      acceptExitCodes: [1, 128],
      env: token
        ? {
            GIT_CONFIG_COUNT: '1',
            GIT_CONFIG_KEY_0: 'http.extraHeader',
            GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from(
              `oauth2:${token}`,
            ).toString('base64')}`,
          }
        : {},
    });
  const url = () => `${gitlab.baseUrl}/${PROJECT}.git`;

  beforeAll(async () => {
    gitlab = await startGitlabEmulator({
      tokens: [TOKEN, { token: READER, scopes: ['read_repository'] }],
    });
    ({ headSha: initial } = await gitlab.createProject(PROJECT, {
      files: { 'a.yaml': 'a: 1\n' },
    }));
    work = await mkdtemp(join(tmpdir(), 'gitlab-git-http-'));
    await runGit(undefined, [
      'init',
      '--quiet',
      '--bare',
      join(work, 'repo.git'),
    ]);
  });
  afterAll(async () => {
    await gitlab.stop();
    await rm(work, { recursive: true, force: true });
  });

  it('serves a partial fetch to a token with read_repository and refuses no token', async () => {
    expect(
      (await git(undefined, ['fetch', '--quiet', url(), 'main'])).exitCode,
    ).not.toBe(0);
    const fetched = await git(READER, [
      'fetch',
      '--quiet',
      '--depth=1',
      '--filter=blob:none',
      url(),
      'refs/heads/main:refs/heads/main',
    ]);
    expect(fetched.exitCode).toBe(0);
    expect(
      (await git(READER, ['rev-parse', 'refs/heads/main'])).stdout
        .toString()
        .trim(),
    ).toBe(initial);
  });

  it('refuses a push from a token without write_repository or api', async () => {
    const res = await git(READER, [
      'push',
      '--porcelain',
      url(),
      `${initial}:refs/heads/copy`,
    ]);
    expect(res.exitCode).not.toBe(0);
    expect(await gitlab.branchSha(PROJECT, 'copy')).toBeUndefined();
  });

  it('moves a branch with --force-with-lease only while it holds the expected commit', async () => {
    const api = restClient(gitlab, TOKEN);
    const id = encodeURIComponent(PROJECT);
    const scratch = await api('POST', `/projects/${id}/repository/commits`, {
      branch: 'scratch',
      start_sha: initial,
      commit_message: 'ours',
      actions: [{ action: 'update', file_path: 'a.yaml', content: 'a: 2\n' }],
    });
    const ours = scratch.body.id;
    await api('POST', `/projects/${id}/repository/branches`, {
      branch: 'target',
      ref: initial,
    });
    await git(TOKEN, [
      'fetch',
      '--quiet',
      '--depth=1',
      url(),
      'refs/heads/scratch:refs/heads/scratch',
    ]);

    // Someone pushes first: the lease names the commit we saw, so ours is refused.
    const theirs = await gitlab.commitFiles(
      PROJECT,
      'target',
      { 'a.yaml': 'a: 9\n' },
      { message: 'theirs' },
    );
    const refused = await git(TOKEN, [
      'push',
      '--porcelain',
      `--force-with-lease=refs/heads/target:${initial}`,
      url(),
      `${ours}:refs/heads/target`,
    ]);
    expect(refused.exitCode).not.toBe(0);
    expect(refused.stdout.toString()).toContain('stale info');
    expect(await gitlab.branchSha(PROJECT, 'target')).toBe(theirs);

    const moved = await git(TOKEN, [
      'push',
      '--porcelain',
      `--force-with-lease=refs/heads/target:${theirs}`,
      url(),
      `${ours}:refs/heads/target`,
    ]);
    expect(moved.exitCode).toBe(0);
    expect(await gitlab.branchSha(PROJECT, 'target')).toBe(ours);
  });

  it("refuses a push to a protected branch with GitLab's message", async () => {
    await gitlab.setProtectedBranch(PROJECT, 'main', true);
    const head = await gitlab.branchSha(PROJECT, 'scratch');
    const res = await runGit(
      join(work, 'repo.git'),
      [
        'push',
        '--porcelain',
        `--force-with-lease=refs/heads/main:${initial}`,
        url(),
        `${head}:refs/heads/main`,
      ],
      {
        acceptExitCodes: [1, 128],
        env: {
          GIT_CONFIG_COUNT: '1',
          GIT_CONFIG_KEY_0: 'http.extraHeader',
          GIT_CONFIG_VALUE_0: `Authorization: Basic ${Buffer.from(
            `oauth2:${TOKEN}`,
          ).toString('base64')}`,
        },
      },
    );
    expect(res.exitCode).not.toBe(0);
    expect(res.stdout.toString()).toContain('pre-receive hook declined');
    expect(await gitlab.branchSha(PROJECT, 'main')).toBe(initial);
  });
});
