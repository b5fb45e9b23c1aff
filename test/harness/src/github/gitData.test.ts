import { execFileSync } from 'node:child_process';
import { GithubEmulator, startGithubEmulator } from './index';
import { Octokit, octokitFor } from './testing/octokit';

const TOKEN = 'ghp_gitdata';
const OWNER = 'acme';
const REPO = 'payments';

const DEPLOYMENT = [
  'apiVersion: apps/v1',
  'kind: Deployment',
  'spec:',
  '  template:',
  '    spec:',
  '      containers:',
  '        - name: api',
  '          image: ghcr.io/acme/payments-api:1.4.0 # {"$imagepolicy": "api"}',
  '          ports: [{ containerPort: 8080 }]',
  '',
].join('\n');

describe('GitHub emulator: Git Data API', () => {
  let emulator: GithubEmulator;
  let octokit: Octokit;

  beforeAll(async () => {
    emulator = await startGithubEmulator({ tokens: [TOKEN] });
    octokit = octokitFor(emulator, TOKEN);
    await emulator.createRepository(OWNER, REPO, {
      files: {
        'deploy/prod/deployment.yaml': DEPLOYMENT,
        'deploy/prod/values.yaml': 'replicas: 3\n',
        'README.md': '# payments\n',
      },
    });
  });

  afterAll(() => emulator.stop());

  /** Commits a change with blob → tree (base_tree) → commit, as the write-back does. */
  async function commitOnMain(
    files: Record<string, string | null>,
    message: string,
  ) {
    const { data: ref } = await octokit.git.getRef({
      owner: OWNER,
      repo: REPO,
      ref: 'heads/main',
    });
    const { data: base } = await octokit.git.getCommit({
      owner: OWNER,
      repo: REPO,
      commit_sha: ref.object.sha,
    });
    const tree = [];
    for (const [path, content] of Object.entries(files)) {
      if (content === null) {
        tree.push({
          path,
          mode: '100644' as const,
          type: 'blob' as const,
          sha: null,
        });
      } else {
        const { data: blob } = await octokit.git.createBlob({
          owner: OWNER,
          repo: REPO,
          content: Buffer.from(content).toString('base64'),
          encoding: 'base64',
        });
        tree.push({
          path,
          mode: '100644' as const,
          type: 'blob' as const,
          sha: blob.sha,
        });
      }
    }
    const { data: newTree } = await octokit.git.createTree({
      owner: OWNER,
      repo: REPO,
      base_tree: base.tree.sha,
      tree,
    });
    const { data: commit } = await octokit.git.createCommit({
      owner: OWNER,
      repo: REPO,
      message,
      tree: newTree.sha,
      parents: [base.sha],
    });
    return { base: base.sha, commit };
  }

  it('reads the repository with its default branch and permissions', async () => {
    const { data } = await octokit.repos.get({ owner: OWNER, repo: REPO });
    expect(data).toMatchObject({
      full_name: 'acme/payments',
      default_branch: 'main',
      html_url: 'https://github.com/acme/payments',
      permissions: { push: true, pull: true },
    });
  });

  it('creates blob, nested tree and commit, and the branch diff holds only the intended line', async () => {
    const updated = DEPLOYMENT.replace(
      'payments-api:1.4.0',
      'payments-api:1.5.0',
    );
    const { base, commit } = await commitOnMain(
      { 'deploy/prod/deployment.yaml': updated },
      'chore: update api to 1.5.0',
    );
    expect(commit.parents.map(p => p.sha)).toEqual([base]);
    expect(commit.message).toBe('chore: update api to 1.5.0');
    expect(commit.author.name).toBe('image-automation-bot');

    const { data: created } = await octokit.git.createRef({
      owner: OWNER,
      repo: REPO,
      ref: 'refs/heads/image-automation/component-default-payments',
      sha: commit.sha,
    });
    expect(created.object.sha).toBe(commit.sha);

    // Octokit sends the slashes of the branch name as %2F; the emulator must still find it.
    const { data: read } = await octokit.git.getRef({
      owner: OWNER,
      repo: REPO,
      ref: 'heads/image-automation/component-default-payments',
    });
    expect(read.object.sha).toBe(commit.sha);

    const diff = execFileSync(
      'git',
      [
        `--git-dir=${emulator.gitDir(OWNER, REPO)}`,
        'diff',
        '--unified=0',
        `main..image-automation/component-default-payments`,
      ],
      { encoding: 'utf8' },
    );
    const changed = diff.split('\n').filter(l => /^[+-](?![+-])/.test(l));
    expect(changed).toEqual([
      '-          image: ghcr.io/acme/payments-api:1.4.0 # {"$imagepolicy": "api"}',
      '+          image: ghcr.io/acme/payments-api:1.5.0 # {"$imagepolicy": "api"}',
    ]);
    await expect(
      emulator.readFile(
        OWNER,
        REPO,
        'image-automation/component-default-payments',
        'deploy/prod/values.yaml',
      ),
    ).resolves.toBe('replicas: 3\n');
  });

  it('lists the recursive tree, keeps untouched subtrees and deletes with sha null', async () => {
    const { commit } = await commitOnMain(
      { 'README.md': null, 'deploy/staging/values.yaml': 'replicas: 1\n' },
      'tidy',
    );
    const { data } = await octokit.git.getTree({
      owner: OWNER,
      repo: REPO,
      tree_sha: commit.tree.sha,
      recursive: 'true',
    });
    expect(data.tree.map(e => `${e.type} ${e.path}`)).toEqual([
      'tree deploy',
      'tree deploy/prod',
      'blob deploy/prod/deployment.yaml',
      'blob deploy/prod/values.yaml',
      'tree deploy/staging',
      'blob deploy/staging/values.yaml',
    ]);
    const { data: blob } = await octokit.git.getBlob({
      owner: OWNER,
      repo: REPO,
      file_sha: data.tree.find(e => e.path === 'deploy/staging/values.yaml')!
        .sha!,
    });
    expect(blob.encoding).toBe('base64');
    expect(Buffer.from(blob.content, 'base64').toString()).toBe(
      'replicas: 1\n',
    );
    const raw = await octokit.git.getBlob({
      owner: OWNER,
      repo: REPO,
      file_sha: blob.sha,
      mediaType: { format: 'raw' },
    });
    expect(Buffer.from(raw.data as unknown as ArrayBuffer).toString()).toBe(
      'replicas: 1\n',
    );
  });

  it('moves a branch only by fast-forward unless forced', async () => {
    const branch = 'heads/ff-test';
    const { data: main } = await octokit.git.getRef({
      owner: OWNER,
      repo: REPO,
      ref: 'heads/main',
    });
    await octokit.git.createRef({
      owner: OWNER,
      repo: REPO,
      ref: `refs/${branch}`,
      sha: main.object.sha,
    });
    const ahead = await emulator.commitFiles(
      OWNER,
      REPO,
      'ff-test',
      { 'x.txt': 'x\n' },
      { message: 'person' },
    );

    await expect(
      octokit.git.updateRef({
        owner: OWNER,
        repo: REPO,
        ref: branch,
        sha: main.object.sha,
      }),
    ).rejects.toMatchObject({
      status: 422,
      message: expect.stringContaining('Update is not a fast forward'),
    });

    const { commit } = await commitOnMain({ 'y.txt': 'y\n' }, 'diverging');
    await expect(
      octokit.git.updateRef({
        owner: OWNER,
        repo: REPO,
        ref: branch,
        sha: commit.sha,
      }),
    ).rejects.toMatchObject({ status: 422 });

    const forced = await octokit.git.updateRef({
      owner: OWNER,
      repo: REPO,
      ref: branch,
      sha: commit.sha,
      force: true,
    });
    expect(forced.data.object.sha).toBe(commit.sha);
    expect(ahead).not.toBe(commit.sha);

    const next = await emulator.commitFiles(
      OWNER,
      REPO,
      'ff-test',
      { 'z.txt': 'z\n' },
      { message: 'later' },
    );
    await octokit.git.updateRef({
      owner: OWNER,
      repo: REPO,
      ref: branch,
      sha: commit.sha,
      force: true,
    });
    const ff = await octokit.git.updateRef({
      owner: OWNER,
      repo: REPO,
      ref: branch,
      sha: next,
    });
    expect(ff.data.object.sha).toBe(next);
  });

  it.each([
    [
      'an existing ref',
      { ref: 'refs/heads/main', sha: 'main' },
      422,
      'Reference already exists',
    ],
    [
      'a missing object',
      { ref: 'refs/heads/nothing', sha: 'f'.repeat(40) },
      422,
      'Object does not exist',
    ],
    [
      'a malformed name',
      { ref: 'heads/no-refs-prefix', sha: 'main' },
      422,
      'not a valid ref name',
    ],
  ])('refuses to create %s', async (_, body, status, message) => {
    const { data: main } = await octokit.git.getRef({
      owner: OWNER,
      repo: REPO,
      ref: 'heads/main',
    });
    const sha = body.sha === 'main' ? main.object.sha : body.sha;
    await expect(
      octokit.git.createRef({ owner: OWNER, repo: REPO, ref: body.ref, sha }),
    ).rejects.toMatchObject({
      status,
      message: expect.stringContaining(message),
    });
  });

  it('answers 404 Not Found for unknown refs, objects, repositories and routes', async () => {
    const notFound = {
      status: 404,
      response: { data: { message: 'Not Found' } },
    };
    await expect(
      octokit.git.getRef({ owner: OWNER, repo: REPO, ref: 'heads/nope' }),
    ).rejects.toMatchObject(notFound);
    await expect(
      octokit.git.getRef({ owner: OWNER, repo: REPO, ref: 'heads/main~1' }),
    ).rejects.toMatchObject(notFound);
    await expect(
      octokit.git.getCommit({
        owner: OWNER,
        repo: REPO,
        commit_sha: 'a'.repeat(40),
      }),
    ).rejects.toMatchObject(notFound);
    await expect(
      octokit.repos.get({ owner: OWNER, repo: 'missing' }),
    ).rejects.toMatchObject(notFound);
    await expect(
      octokit.request('GET /repos/{owner}/{repo}/no-such-endpoint', {
        owner: OWNER,
        repo: REPO,
      }),
    ).rejects.toMatchObject(notFound);
  });

  it('lists refs by string prefix and deletes them', async () => {
    await emulator.commitFiles(
      OWNER,
      REPO,
      'feature-a',
      { 'a.txt': 'a\n' },
      { message: 'a' },
    );
    await emulator.commitFiles(
      OWNER,
      REPO,
      'feature-b',
      { 'b.txt': 'b\n' },
      { message: 'b' },
    );
    const { data } = await octokit.git.listMatchingRefs({
      owner: OWNER,
      repo: REPO,
      ref: 'heads/feat',
    });
    expect(data.map(r => r.ref)).toEqual([
      'refs/heads/feature-a',
      'refs/heads/feature-b',
    ]);
    await octokit.git.deleteRef({
      owner: OWNER,
      repo: REPO,
      ref: 'heads/feature-a',
    });
    await expect(
      octokit.git.deleteRef({
        owner: OWNER,
        repo: REPO,
        ref: 'heads/feature-a',
      }),
    ).rejects.toMatchObject({
      status: 422,
      message: expect.stringContaining('Reference does not exist'),
    });
  });

  it('rejects ref updates on a protected branch and reports the branch as protected', async () => {
    const { commit } = await commitOnMain({ 'p.txt': 'p\n' }, 'protected');
    emulator.setProtectedBranch(OWNER, REPO, 'main', true);
    try {
      const { data: branch } = await octokit.repos.getBranch({
        owner: OWNER,
        repo: REPO,
        branch: 'main',
      });
      expect(branch.protected).toBe(true);
      await expect(
        octokit.git.updateRef({
          owner: OWNER,
          repo: REPO,
          ref: 'heads/main',
          sha: commit.sha,
        }),
      ).rejects.toMatchObject({
        status: 422,
        message: expect.stringContaining(
          'Protected branch update failed for refs/heads/main.',
        ),
      });
    } finally {
      emulator.setProtectedBranch(OWNER, REPO, 'main', false);
    }
    const { data } = await octokit.git.updateRef({
      owner: OWNER,
      repo: REPO,
      ref: 'heads/main',
      sha: commit.sha,
    });
    expect(data.object.sha).toBe(commit.sha);
  });

  it('validates tree entries as GitHub does', async () => {
    const { data: main } = await octokit.git.getCommit({
      owner: OWNER,
      repo: REPO,
      commit_sha: (
        await octokit.git.getRef({
          owner: OWNER,
          repo: REPO,
          ref: 'heads/main',
        })
      ).data.object.sha,
    });
    const create = (entry: any) =>
      octokit.git.createTree({
        owner: OWNER,
        repo: REPO,
        base_tree: main.tree.sha,
        tree: [entry],
      });
    await expect(
      create({ path: '../escape', mode: '100644', type: 'blob', content: 'x' }),
    ).rejects.toMatchObject({ status: 422 });
    await expect(
      create({ path: 'x', mode: '100644', type: 'blob', sha: 'b'.repeat(40) }),
    ).rejects.toMatchObject({ status: 422 });
    await expect(
      create({ path: 'x', mode: '100600', type: 'blob', content: 'x' }),
    ).rejects.toMatchObject({ status: 422 });
    await expect(
      octokit.git.createCommit({
        owner: OWNER,
        repo: REPO,
        message: 'm',
        tree: main.tree.sha,
        parents: ['c'.repeat(40)],
      }),
    ).rejects.toMatchObject({ status: 422 });
  });
});
