import { GithubEmulator, startGithubEmulator } from './index';
import { Octokit, octokitFor } from './testing/octokit';

const TOKEN = 'ghp_contents';
const OWNER = 'acme';
const REPO = 'infra';

describe('GitHub emulator: contents API', () => {
  let emulator: GithubEmulator;
  let octokit: Octokit;

  beforeAll(async () => {
    emulator = await startGithubEmulator({ tokens: [TOKEN] });
    octokit = octokitFor(emulator, TOKEN);
    await emulator.createRepository(OWNER, REPO, {
      defaultBranch: 'trunk',
      files: {
        'apps/web/kustomization.yaml': 'images:\n- name: web\n  newTag: v1\n',
      },
    });
  });

  afterAll(() => emulator.stop());

  const fileAt = async (path: string, ref?: string) => {
    const { data } = await octokit.repos.getContent({
      owner: OWNER,
      repo: REPO,
      path,
      ref,
    });
    if (Array.isArray(data) || data.type !== 'file')
      throw new Error('expected a file');
    return data;
  };

  it('returns a file as base64 with its blob sha and size', async () => {
    const file = await fileAt('apps/web/kustomization.yaml');
    expect(file).toMatchObject({
      type: 'file',
      encoding: 'base64',
      path: 'apps/web/kustomization.yaml',
      name: 'kustomization.yaml',
    });
    expect(Buffer.from(file.content, 'base64').toString()).toBe(
      'images:\n- name: web\n  newTag: v1\n',
    );
    expect(file.size).toBe(33);
    const { data: blob } = await octokit.git.getBlob({
      owner: OWNER,
      repo: REPO,
      file_sha: file.sha,
    });
    expect(blob.size).toBe(33);
  });

  it('lists a directory', async () => {
    const { data } = await octokit.repos.getContent({
      owner: OWNER,
      repo: REPO,
      path: 'apps',
    });
    expect(Array.isArray(data) && data.map(e => [e.type, e.path])).toEqual([
      ['dir', 'apps/web'],
    ]);
  });

  it.each([
    ['an unknown path', { path: 'apps/missing.yaml' }],
    [
      'an unknown ref',
      { path: 'apps/web/kustomization.yaml', ref: 'no-such-branch' },
    ],
  ])('answers 404 for %s', async (_, params) => {
    await expect(
      octokit.repos.getContent({ owner: OWNER, repo: REPO, ...params }),
    ).rejects.toMatchObject({ status: 404 });
  });

  it('updates with the current sha and refuses a stale one with 409', async () => {
    const before = await fileAt('apps/web/kustomization.yaml');
    const content = Buffer.from(
      'images:\n- name: web\n  newTag: v2\n',
    ).toString('base64');
    const { data, status } = await octokit.repos.createOrUpdateFileContents({
      owner: OWNER,
      repo: REPO,
      path: 'apps/web/kustomization.yaml',
      message: 'web to v2',
      content,
      sha: before.sha,
      branch: 'trunk',
    });
    expect(status).toBe(200);
    expect(data.commit.parents).toHaveLength(1);
    expect(data.content?.sha).not.toBe(before.sha);

    await expect(
      octokit.repos.createOrUpdateFileContents({
        owner: OWNER,
        repo: REPO,
        path: 'apps/web/kustomization.yaml',
        message: 'stale',
        content,
        sha: before.sha,
      }),
    ).rejects.toMatchObject({
      status: 409,
      message: expect.stringContaining(`does not match ${before.sha}`),
    });
    await expect(
      octokit.repos.createOrUpdateFileContents({
        owner: OWNER,
        repo: REPO,
        path: 'apps/web/kustomization.yaml',
        message: 'no sha',
        content,
      }),
    ).rejects.toMatchObject({ status: 422 });
    await expect(
      emulator.readFile(OWNER, REPO, 'trunk', 'apps/web/kustomization.yaml'),
    ).resolves.toContain('newTag: v2');
  });

  it('creates a new file with 201 and refuses a sha for it', async () => {
    const content = Buffer.from('new\n').toString('base64');
    await expect(
      octokit.repos.createOrUpdateFileContents({
        owner: OWNER,
        repo: REPO,
        path: 'apps/api/a.yaml',
        message: 'm',
        content,
        sha: 'a'.repeat(40),
      }),
    ).rejects.toMatchObject({ status: 422 });
    const { status } = await octokit.repos.createOrUpdateFileContents({
      owner: OWNER,
      repo: REPO,
      path: 'apps/api/a.yaml',
      message: 'm',
      content,
    });
    expect(status).toBe(201);
    await expect(
      emulator.readFile(OWNER, REPO, 'trunk', 'apps/api/a.yaml'),
    ).resolves.toBe('new\n');
  });

  it('refuses contents writes on a protected branch', async () => {
    emulator.setProtectedBranch(OWNER, REPO, 'trunk', true);
    try {
      await expect(
        octokit.repos.createOrUpdateFileContents({
          owner: OWNER,
          repo: REPO,
          path: 'p.txt',
          message: 'm',
          content: 'cA==',
        }),
      ).rejects.toMatchObject({
        status: 409,
        message: expect.stringContaining(
          'Changes must be made through a pull request.',
        ),
      });
    } finally {
      emulator.setProtectedBranch(OWNER, REPO, 'trunk', false);
    }
  });
});
