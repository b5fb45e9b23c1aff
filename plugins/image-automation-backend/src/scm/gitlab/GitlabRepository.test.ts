import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { parseRepositoryUrl } from '@image-automation/plugin-image-automation-common';
import {
  GitlabEmulator,
  startGitlabEmulator,
} from '@internal/image-automation-test-harness';
import { execFileSync } from 'node:child_process';
import { GitError } from '../GitError';
import { GitRepository } from '../port';
import { GitlabHostAdapter } from './GitlabHostAdapter';

const TOKEN = 'glpat-adapter-secret';
const READER = 'glpat-reader-secret';
const PROJECT = 'acme/platform/deploy';

const git = (gitDir: string, ...args: string[]) =>
  execFileSync('git', [`--git-dir=${gitDir}`, ...args], {
    env: {
      PATH: process.env.PATH,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
    },
  })
    .toString()
    .trim();

/** `null`: an integration without a token. */
function adapterFor(gitlab: GitlabEmulator, token: string | null = TOKEN) {
  const config = new ConfigReader({
    integrations: {
      gitlab: [
        {
          host: gitlab.host,
          baseUrl: gitlab.baseUrl,
          apiBaseUrl: gitlab.apiBaseUrl,
          ...(token ? { token } : {}),
        },
      ],
    },
  });
  return GitlabHostAdapter.fromConfig(config, {
    logger: mockServices.logger.mock(),
  });
}

async function caught(work: Promise<unknown>): Promise<GitError> {
  try {
    await work;
  } catch (error) {
    if (error instanceof GitError) return error;
    throw error;
  }
  throw new Error('expected a GitError');
}

// Every write runs real git processes on a machine shared with other test suites.
jest.setTimeout(60_000);

describe('GitlabRepository against the GitLab emulator', () => {
  let gitlab: GitlabEmulator;
  let repo: GitRepository;
  let gitDir: string;

  const files: Record<string, string> = {
    'apps/api/deploy.yaml': 'image: registry.example/api:1.0.0\n',
    'apps/web/deploy.yaml': 'image: registry.example/web:1.0.0\n',
    'README.md': '# deploy\n',
  };
  for (let i = 0; i < 130; i++)
    files[`fleet/svc-${i}.yaml`] = `image: svc:${i}\n`;

  beforeAll(async () => {
    gitlab = await startGitlabEmulator({
      tokens: [TOKEN, { token: READER, scopes: ['read_api'] }],
    });
    await gitlab.createProject(PROJECT, { files });
    gitDir = gitlab.gitDir(PROJECT);
    repo = await adapterFor(gitlab).open(
      parseRepositoryUrl(`${gitlab.baseUrl}/${PROJECT}`)!,
    );
  });
  afterEach(() => {
    gitlab.clearFaults();
    gitlab.onRequest(undefined);
  });
  afterAll(() => gitlab.stop());

  describe('the adapter', () => {
    it('serves only hosts under integrations.gitlab and names its repositories', async () => {
      const adapter = adapterFor(gitlab);
      expect(
        adapter.serves(parseRepositoryUrl(`${gitlab.baseUrl}/${PROJECT}`)!),
      ).toBe(true);
      expect(
        adapter.serves(parseRepositoryUrl('https://github.com/acme/deploy')!),
      ).toBe(false);
      expect(repo.identity).toEqual(
        expect.objectContaining({
          kind: 'gitlab',
          displayName: PROJECT,
          webUrl: `${gitlab.baseUrl}/${PROJECT}`,
        }),
      );
      expect(repo.changeRequestNoun).toBe('merge request');
    });

    it('refuses an integration without a token in plain words', async () => {
      const error = await caught(
        adapterFor(gitlab, null).open(
          parseRepositoryUrl(`${gitlab.baseUrl}/${PROJECT}`)!,
        ),
      );
      expect(error.kind).toBe('git-auth');
      expect(error.message).toContain('has no token');
      expect(error.message).toContain('api scope');
    });
  });

  describe('reads', () => {
    it('finds the default branch and branch heads; a missing branch is undefined, a missing project an error', async () => {
      expect(await repo.defaultBranch()).toBe('main');
      expect(await repo.branchSha('main')).toBe(
        git(gitDir, 'rev-parse', 'main'),
      );
      expect(await repo.branchSha('nope')).toBeUndefined();
      expect(await repo.openBranch('nope')).toBeUndefined();
      const missing = await adapterFor(gitlab).open(
        parseRepositoryUrl(`${gitlab.baseUrl}/acme/nope`)!,
      );
      const error = await caught(missing.branchSha('main'));
      expect(error.kind).toBe('git-not-found');
      expect(error.message).toContain('404 Project Not Found');
      expect(error.message).toContain('acme/nope');
    });

    it("lists the tree with keyset pages and computes git's own root tree id", async () => {
      gitlab.requestLog.length = 0;
      const head = (await repo.openBranch('main'))!;
      expect(head.headSha).toBe(git(gitDir, 'rev-parse', 'main'));
      expect(head.treeSha).toBe(git(gitDir, 'rev-parse', 'main^{tree}'));
      expect(head.entries.size).toBe(133);
      expect(head.entries.get('apps/api/deploy.yaml')).toEqual(
        expect.objectContaining({
          sha: git(gitDir, 'rev-parse', 'main:apps/api/deploy.yaml'),
          mode: '100644',
        }),
      );
      const treeCalls = gitlab.requestLog.filter(r =>
        r.path.endsWith('/repository/tree'),
      );
      expect(treeCalls.length).toBeGreaterThan(1);
      expect(treeCalls.every(r => r.query.includes('pagination=keyset'))).toBe(
        true,
      );
    });

    it('reads 132 files in four GraphQL requests, none per file, and later from memory', async () => {
      const head = (await repo.openBranch('main'))!;
      const paths = [...head.entries.keys()].filter(p => p.endsWith('.yaml'));
      gitlab.requestLog.length = 0;
      const snapshot = await repo.readFiles(head, [...paths, 'apps/gone.yaml']);
      expect(snapshot.files.size).toBe(132);
      expect(snapshot.missing).toEqual(['apps/gone.yaml']);
      expect(snapshot.files.get('apps/web/deploy.yaml')).toEqual({
        path: 'apps/web/deploy.yaml',
        content: 'image: registry.example/web:1.0.0\n',
        blobSha: head.entries.get('apps/web/deploy.yaml')!.sha,
      });
      // Sizes, then contents, in batches of 100 paths.
      expect(gitlab.requestLog.map(r => `${r.method} ${r.path}`)).toEqual(
        Array(4).fill('POST /api/graphql'),
      );
      gitlab.requestLog.length = 0;
      await repo.readFiles(head, paths);
      expect(gitlab.requestLog).toHaveLength(0);
    });

    it('refuses links, oversized and binary files before reading their contents', async () => {
      await gitlab.commitFiles(
        PROJECT,
        'odd',
        { 'big.yaml': 'x'.repeat(2 * 1024 * 1024), 'bin.yaml': 'a\u0000b' },
        { message: 'odd files' },
      );
      const head = (await repo.openBranch('odd'))!;
      gitlab.requestLog.length = 0;
      const big = await caught(repo.readFiles(head, ['big.yaml']));
      expect(big.kind).toBe('git-bad-repository');
      expect(big.message).toContain('big.yaml');
      expect(gitlab.requestLog).toHaveLength(1);
      expect(
        (await caught(repo.readFiles(head, ['bin.yaml']))).message,
      ).toContain('binary');
      const linked = { ...head, entries: new Map(head.entries) };
      linked.entries.set('link.yaml', {
        sha: head.entries.get('bin.yaml')!.sha,
        size: 0,
        mode: '120000',
      });
      expect(
        (await caught(repo.readFiles(linked, ['link.yaml']))).message,
      ).toContain('symbolic link');
    });

    it("reads a commit's parents, message and git tree id", async () => {
      const sha = git(gitDir, 'rev-parse', 'odd');
      expect(await repo.getCommit(sha)).toEqual({
        sha,
        treeSha: git(gitDir, 'rev-parse', 'odd^{tree}'),
        parents: [git(gitDir, 'rev-parse', 'odd~1')],
        message: 'odd files',
      });
    });
  });

  describe('writes', () => {
    it('creates one commit with every change on the exact parent, moving no branch anyone uses', async () => {
      const head = (await repo.openBranch('main'))!;
      const branchesBefore = git(
        gitDir,
        'for-each-ref',
        '--format=%(refname) %(objectname)',
        'refs/heads',
      );
      gitlab.requestLog.length = 0;
      const commit = await repo.createCommit({
        parent: head,
        message:
          'Update images\n\nImage-Automation-Entity: component:default/api\n',
        author: { name: 'Image Automation', email: 'bot@example.com' },
        changes: [
          {
            path: 'apps/api/deploy.yaml',
            content: 'image: registry.example/api:1.1.0\n',
            mode: '100644',
          },
          {
            path: 'apps/web/deploy.yaml',
            content: 'image: registry.example/web:1.1.0\n',
            mode: '100755',
          },
        ],
      });
      expect(
        gitlab.requestLog.filter(
          r => r.method === 'POST' && r.path.endsWith('/repository/commits'),
        ),
      ).toHaveLength(1);
      expect(commit.parents).toEqual([head.headSha]);
      expect(commit.treeSha).toBe(
        git(gitDir, 'rev-parse', `${commit.sha}^{tree}`),
      );
      expect(commit.message).toBe(
        'Update images\n\nImage-Automation-Entity: component:default/api\n',
      );
      expect(git(gitDir, 'show', `${commit.sha}:apps/api/deploy.yaml`)).toBe(
        'image: registry.example/api:1.1.0',
      );
      expect(
        git(gitDir, 'ls-tree', commit.sha, 'apps/web/deploy.yaml'),
      ).toMatch(/^100755 /);
      expect(git(gitDir, 'log', '-1', '--format=%an <%ae>', commit.sha)).toBe(
        'Image Automation <bot@example.com>',
      );
      const after = git(
        gitDir,
        'for-each-ref',
        '--format=%(refname) %(objectname)',
        'refs/heads',
      )
        .split('\n')
        .filter(l => !l.startsWith('refs/heads/image-automation/scratch/'));
      expect(after.join('\n')).toBe(branchesBefore);
    });

    it('creates a new branch at the commit, and reports an existing one instead of moving it', async () => {
      const head = (await repo.openBranch('main'))!;
      const change = (tag: string) => ({
        parent: head,
        message: `api ${tag}`,
        changes: [
          {
            path: 'apps/api/deploy.yaml',
            content: `image: registry.example/api:${tag}\n`,
            mode: '100644' as const,
          },
        ],
      });
      const first = await repo.createCommit(change('2.0.0'));
      expect(
        await repo.moveBranch('image-automation/api', undefined, first.sha),
      ).toEqual({ moved: true });
      expect(await gitlab.branchSha(PROJECT, 'image-automation/api')).toBe(
        first.sha,
      );
      const second = await repo.createCommit(change('2.0.1'));
      expect(
        await repo.moveBranch('image-automation/api', undefined, second.sha),
      ).toEqual({
        moved: false,
        actualSha: first.sha,
      });
      expect(await gitlab.branchSha(PROJECT, 'image-automation/api')).toBe(
        first.sha,
      );
      // Scratch branches go once their commit is placed or refused.
      const scratch = git(
        gitDir,
        'for-each-ref',
        '--format=%(objectname)',
        'refs/heads/image-automation/scratch/',
      );
      expect(scratch).not.toContain(first.sha);
      expect(scratch).not.toContain(second.sha);
    });

    it('sweeps scratch branches a stopped writer left behind an hour ago, and keeps fresh ones', async () => {
      const old = 'image-automation/scratch/left-by-a-crash';
      const fresh = 'image-automation/scratch/another-writer';
      const twoHoursAgo = new Date(Date.now() - 2 * 3600_000).toISOString();
      await gitlab.commitFiles(
        PROJECT,
        old,
        { 'x.txt': 'x\n' },
        {
          message: 'scratch',
          author: {
            name: 'Image Automation',
            email: 'bot@example.com',
            date: twoHoursAgo,
          },
        },
      );
      await gitlab.commitFiles(
        PROJECT,
        fresh,
        { 'y.txt': 'y\n' },
        { message: 'scratch' },
      );
      const head = (await repo.openBranch('main'))!;
      await repo.createCommit({
        parent: head,
        message: 'sweep',
        changes: [{ path: 'README.md', content: '# swept\n', mode: '100644' }],
      });
      expect(await gitlab.branchSha(PROJECT, old)).toBeUndefined();
      expect(await gitlab.branchSha(PROJECT, fresh)).toBeDefined();
    });

    it('moves an existing branch to a rebuilt commit (not a fast-forward) while it holds the expected commit', async () => {
      const base = (await repo.openBranch('main'))!;
      const ours = await repo.createCommit({
        parent: base,
        message: 'web 3',
        changes: [
          {
            path: 'apps/web/deploy.yaml',
            content: 'image: registry.example/web:3.0.0\n',
            mode: '100644',
          },
        ],
      });
      await repo.moveBranch('image-automation/web', undefined, ours.sha);
      await gitlab.commitFiles(
        PROJECT,
        'main',
        { 'README.md': '# moved on\n' },
        { message: 'base moves' },
      );
      const newBase = (await repo.openBranch('main'))!;
      const rebuilt = await repo.createCommit({
        parent: newBase,
        message: 'web 3.0.1',
        changes: [
          {
            path: 'apps/web/deploy.yaml',
            content: 'image: registry.example/web:3.0.1\n',
            mode: '100644',
          },
        ],
      });
      expect(
        await repo.moveBranch('image-automation/web', ours.sha, rebuilt.sha),
      ).toEqual({ moved: true });
      expect(await gitlab.branchSha(PROJECT, 'image-automation/web')).toBe(
        rebuilt.sha,
      );
      expect(git(gitDir, 'rev-parse', 'image-automation/web~1')).toBe(
        newBase.headSha,
      );
    });

    it('keeps a commit someone pushed between the read and the move: moved:false, theirs stays', async () => {
      const base = (await repo.openBranch('main'))!;
      const ours = await repo.createCommit({
        parent: base,
        message: 'api 4',
        changes: [
          {
            path: 'apps/api/deploy.yaml',
            content: 'image: registry.example/api:4.0.0\n',
            mode: '100644',
          },
        ],
      });
      await repo.moveBranch('image-automation/race', undefined, ours.sha);
      const seen = await repo.branchSha('image-automation/race');
      const next = await repo.createCommit({
        parent: base,
        message: 'api 4.0.1',
        changes: [
          {
            path: 'apps/api/deploy.yaml',
            content: 'image: registry.example/api:4.0.1\n',
            mode: '100644',
          },
        ],
      });
      const theirs = await gitlab.commitFiles(
        PROJECT,
        'image-automation/race',
        { 'apps/api/deploy.yaml': 'image: registry.example/api:9.9.9\n' },
        { message: 'pin api by hand' },
      );
      expect(
        await repo.moveBranch('image-automation/race', seen, next.sha),
      ).toEqual({ moved: false, actualSha: theirs });
      expect(await gitlab.branchSha(PROJECT, 'image-automation/race')).toBe(
        theirs,
      );
    });

    it.each([
      // Between the adapter's compare and git's ref advertisement: the lease sees another sha.
      ['before git reads the refs', 'GET', '/info/refs'],
      // After the advertisement: receive-pack's own compare under the ref lock refuses.
      ['while receive-pack runs', 'POST', '/git-receive-pack'],
    ])(
      'keeps a commit pushed at the very moment of the move (%s)',
      async (_, method, suffix) => {
        const base = (await repo.openBranch('main'))!;
        const ours = await repo.createCommit({
          parent: base,
          message: 'web 5',
          changes: [
            {
              path: 'apps/web/deploy.yaml',
              content: 'image: registry.example/web:5.0.0\n',
              mode: '100644',
            },
          ],
        });
        await repo.moveBranch(
          `image-automation/moment-${method}`,
          undefined,
          ours.sha,
        );
        const next = await repo.createCommit({
          parent: base,
          message: 'web 5.0.1',
          changes: [
            {
              path: 'apps/web/deploy.yaml',
              content: 'image: registry.example/web:5.0.1\n',
              mode: '100644',
            },
          ],
        });
        let theirs: string | undefined;
        gitlab.onRequest(async entry => {
          if (
            entry.method === method &&
            entry.path.endsWith(suffix) &&
            !theirs
          ) {
            theirs = await gitlab.commitFiles(
              PROJECT,
              `image-automation/moment-${method}`,
              { 'notes.txt': 'mine\n' },
              { message: 'a person pushes' },
            );
          }
        });
        expect(
          await repo.moveBranch(
            `image-automation/moment-${method}`,
            ours.sha,
            next.sha,
          ),
        ).toEqual({ moved: false, actualSha: theirs });
        expect(
          await gitlab.branchSha(PROJECT, `image-automation/moment-${method}`),
        ).toBe(theirs);
        expect(git(gitDir, 'rev-parse', `${theirs}~1`)).toBe(ours.sha);
      },
    );

    it('says a protected branch is protected, through the API and through Git', async () => {
      const base = (await repo.openBranch('main'))!;
      const ours = await repo.createCommit({
        parent: base,
        message: 'push mode',
        changes: [{ path: 'README.md', content: '# pushed\n', mode: '100644' }],
      });
      await gitlab.setProtectedBranch(PROJECT, 'main', true);
      try {
        const error = await caught(
          repo.moveBranch('main', base.headSha, ours.sha),
        );
        expect(error.kind).toBe('git-protected-branch');
        expect(error.message).toContain('protected');
        expect(await gitlab.branchSha(PROJECT, 'main')).toBe(base.headSha);
      } finally {
        await gitlab.setProtectedBranch(PROJECT, 'main', false);
      }
      // Unprotected, the same move is a fast-forward of the base (push mode).
      const again = await repo.createCommit({
        parent: base,
        message: 'push mode',
        changes: [{ path: 'README.md', content: '# pushed\n', mode: '100644' }],
      });
      expect(await repo.moveBranch('main', base.headSha, again.sha)).toEqual({
        moved: true,
      });
    });
  });

  describe('merge requests', () => {
    it('opens one with labels, finds it by branch, updates it in place and closes it with a note', async () => {
      const mr = await repo.openChangeRequest({
        branch: 'image-automation/api',
        base: 'main',
        title: 'Update api',
        body: 'first',
        labels: ['image-automation', 'dependencies'],
      });
      expect(mr).toEqual({
        number: mr.number,
        url: `${gitlab.baseUrl}/${PROJECT}/-/merge_requests/${mr.number}`,
        state: 'open',
        title: 'Update api',
        body: 'first',
        branch: 'image-automation/api',
      });
      expect(await repo.findChangeRequest('image-automation/api')).toEqual(mr);
      // A second writer asking again converges on the same merge request.
      expect(
        (
          await repo.openChangeRequest({
            branch: 'image-automation/api',
            base: 'main',
            title: 'x',
            body: 'y',
            labels: [],
          })
        ).number,
      ).toBe(mr.number);
      await repo.updateChangeRequest(mr.number, {
        title: 'Update api to 2.0.0',
        body: 'second',
      });
      await repo.closeChangeRequest(
        mr.number,
        'The base branch already holds the newest allowed tags.',
      );
      expect(
        await repo.findChangeRequest('image-automation/api'),
      ).toBeUndefined();
      expect(
        await repo.findChangeRequest('image-automation/api', mr.number),
      ).toEqual(
        expect.objectContaining({
          state: 'closed',
          title: 'Update api to 2.0.0',
          body: 'second',
        }),
      );
      const [emulated] = (await gitlab.listMergeRequests(PROJECT)).filter(
        m => m.iid === mr.number,
      );
      expect(emulated).toMatchObject({
        state: 'closed',
        labels: ['image-automation', 'dependencies'],
        notes: ['The base branch already holds the newest allowed tags.'],
      });
    });

    it('reports a merged one as merged and ignores a known number from another branch', async () => {
      const mr = await repo.openChangeRequest({
        branch: 'image-automation/web',
        base: 'main',
        title: 'web',
        body: '',
        labels: [],
      });
      await gitlab.mergeMergeRequest(PROJECT, mr.number);
      expect(
        await repo.findChangeRequest('image-automation/web', mr.number),
      ).toEqual(expect.objectContaining({ state: 'merged' }));
      expect(
        await repo.findChangeRequest('image-automation/other', mr.number),
      ).toBeUndefined();
    });
  });

  describe('errors in plain words', () => {
    it('names the api scope when the token may only read', async () => {
      const reader = await adapterFor(gitlab, READER).open(
        parseRepositoryUrl(`${gitlab.baseUrl}/${PROJECT}`)!,
      );
      const head = (await reader.openBranch('main'))!;
      const error = await caught(
        reader.createCommit({
          parent: head,
          message: 'x',
          changes: [{ path: 'README.md', content: 'x', mode: '100644' }],
        }),
      );
      expect(error.kind).toBe('git-permission');
      expect(error.message).toContain('insufficient_scope');
      expect(error.message).toContain('api scope');
    });

    it('says the token was rejected, without ever showing it', async () => {
      const stranger = await adapterFor(gitlab, 'glpat-revoked').open(
        parseRepositoryUrl(`${gitlab.baseUrl}/${PROJECT}`)!,
      );
      const error = await caught(stranger.defaultBranch());
      expect(error.kind).toBe('git-auth');
      expect(error.message).toContain('integrations.gitlab[].token');
      expect(error.message).not.toContain('glpat-revoked');
    });

    it("quotes GitLab's 400 and 409 messages", async () => {
      const head = (await repo.openBranch('main'))!;
      const gone = {
        ...head,
        headSha: '0123456789abcdef0123456789abcdef01234567',
      };
      const error = await caught(
        repo.createCommit({
          parent: gone,
          message: 'x',
          changes: [{ path: 'README.md', content: 'x', mode: '100644' }],
        }),
      );
      expect(error.kind).toBe('git-conflict');
      expect(error.message).toContain(
        "Cannot find start_sha '0123456789abcdef0123456789abcdef01234567'",
      );
      const missing = await caught(
        repo.openChangeRequest({
          branch: 'image-automation/none',
          base: 'main',
          title: 't',
          body: '',
          labels: [],
        }),
      );
      expect(missing.message).toContain('does not exist');
    });

    it('retries reads through 502s and rate limits, and reports a write that failed', async () => {
      gitlab.injectFaults({
        status5xx: 1,
        rateLimited: { count: 1, retryAfterSeconds: 0 },
      });
      expect(await repo.branchSha('main')).toBeDefined();
      const head = (await repo.openBranch('main'))!;
      gitlab.injectFaults({ status5xx: 1 });
      const error = await caught(
        repo.createCommit({
          parent: head,
          message: 'x',
          changes: [{ path: 'README.md', content: 'x', mode: '100644' }],
        }),
      );
      expect(error.kind).toBe('git-unreachable');
      expect(error.message).toContain('502');
    });
  });
});
