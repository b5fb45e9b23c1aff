import {
  GithubEmulator,
  GithubEmulatorOptions,
  startGithubEmulator,
} from '@internal/image-automation-test-harness';
import { Octokit } from '@octokit/rest';
import { setTimeout as sleep } from 'node:timers/promises';
import { GithubReads, GithubReadsOptions } from './GithubReads';
import { GithubReadTarget } from './GithubReadTarget';

const TOKEN = 'ghp_reads';
const METADATA_ONLY = 'github_pat_reads_metadata';
const OWNER = 'acme';

const manifest = (i: number) =>
  `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-${i}\nspec:\n  image: ghcr.io/acme/app-${i}:1.0.${i}\n`;

/** `count` manifests under apps/, plus a README. */
function fleet(count: number): Record<string, string> {
  const files: Record<string, string> = { 'README.md': '# deploy\n' };
  for (let i = 0; i < count; i++) files[`apps/app-${i}.yaml`] = manifest(i);
  return files;
}

// Creating a repository of 150 files takes the emulator a few seconds of git plumbing.
jest.setTimeout(30_000);

describe('GithubReads', () => {
  const emulators: GithubEmulator[] = [];
  afterAll(() => Promise.all(emulators.map(e => e.stop())));

  async function setup(
    repositories: Record<string, Record<string, string>>,
    options: {
      emulator?: Partial<GithubEmulatorOptions>;
      reads?: GithubReadsOptions;
      token?: string;
    } = {},
  ) {
    const emulator = await startGithubEmulator({
      tokens: [TOKEN, METADATA_ONLY],
      ...options.emulator,
    });
    emulators.push(emulator);
    emulator.setTokenPermissions(METADATA_ONLY, { metadata: 'read' });
    const heads: Record<string, string> = {};
    for (const [name, files] of Object.entries(repositories)) {
      heads[name] = (
        await emulator.createRepository(OWNER, name, { files })
      ).headSha;
    }
    const octokit = new Octokit({
      baseUrl: emulator.apiBaseUrl,
      auth: options.token ?? TOKEN,
      log: { debug() {}, info() {}, warn() {}, error() {} },
    });
    const target = (repo: string): GithubReadTarget => ({
      octokit,
      owner: OWNER,
      repo,
      displayName: `${OWNER}/${repo}`,
    });
    emulator.requestLog.length = 0;
    return {
      emulator,
      heads,
      target,
      // The listing and blob batches unless a test asks for tarballs.
      reads: new GithubReads({ tarballMaxKb: 0, ...options.reads }),
      /** Requests since the last call, as `METHOD path`. */
      requests() {
        const seen = emulator.requestLog.map(r => `${r.method} ${r.path}`);
        emulator.requestLog.length = 0;
        return seen;
      },
    };
  }

  describe('branch heads and listings', () => {
    it('opens the heads of many repositories in one GraphQL call and lists each tree once', async () => {
      const { reads, target, heads, requests } = await setup({
        one: fleet(3),
        two: fleet(2),
        three: fleet(1),
      });
      const opened = await Promise.all(
        ['one', 'two', 'three'].map(repo => reads.openBranch(target(repo))),
      );
      expect(opened.map(o => o?.headSha)).toEqual([
        heads.one,
        heads.two,
        heads.three,
      ]);
      expect(opened[0]).toMatchObject({ branch: 'main' });
      expect(opened[0]!.entries.get('apps/app-0.yaml')).toEqual({
        sha: expect.stringMatching(/^[0-9a-f]{40}$/),
        size: Buffer.byteLength(manifest(0)),
        mode: '100644',
      });
      expect(requests().sort()).toEqual([
        `GET /repos/acme/one/git/trees/${opened[0]!.treeSha}`,
        `GET /repos/acme/three/git/trees/${opened[2]!.treeSha}`,
        `GET /repos/acme/two/git/trees/${opened[1]!.treeSha}`,
        'POST /graphql',
      ]);
    });

    it('shares one head and one listing between every entity of a repository in a cycle', async () => {
      const { reads, target, requests } = await setup({ one: fleet(2) });
      await Promise.all(
        Array.from({ length: 10 }, () => reads.openBranch(target('one'))),
      );
      await reads.openBranch(target('one'));
      expect(requests()).toHaveLength(2);
      reads.beginCycle();
      await reads.openBranch(target('one'));
      // A new cycle asks the head again; the tree has not changed, so it is not listed again.
      expect(requests()).toEqual(['POST /graphql']);
    });

    it('opens the default branch by its name afterwards without asking again', async () => {
      const { reads, target, requests } = await setup({ one: fleet(1) });
      const byDefault = await reads.openBranch(target('one'));
      const byName = await reads.openBranch(target('one'), byDefault!.branch);
      expect(byName).toBe(byDefault);
      expect(requests().filter(r => r === 'POST /graphql')).toHaveLength(1);
    });

    it('lists the new tree once the branch has moved', async () => {
      const { reads, target, emulator, requests } = await setup({
        one: fleet(2),
      });
      const before = await reads.openBranch(target('one'));
      const moved = await emulator.commitFiles(
        OWNER,
        'one',
        'main',
        { 'apps/app-0.yaml': manifest(100) },
        { message: 'bump' },
      );
      requests();
      reads.beginCycle();
      const after = await reads.openBranch(target('one'));
      expect(after!.headSha).toBe(moved);
      expect(after!.treeSha).not.toBe(before!.treeSha);
      expect(requests()).toEqual([
        'POST /graphql',
        `GET /repos/acme/one/git/trees/${after!.treeSha}`,
      ]);
    });

    it('opens a named branch, and answers undefined for one that does not exist', async () => {
      const { reads, target, emulator } = await setup({ one: fleet(1) });
      const release = await emulator.commitFiles(
        OWNER,
        'one',
        'release',
        { 'apps/app-0.yaml': manifest(7) },
        { message: 'release' },
      );
      const [named, absent] = await Promise.all([
        reads.openBranch(target('one'), 'release'),
        reads.openBranch(target('one'), 'nope'),
      ]);
      expect(named).toMatchObject({ branch: 'release', headSha: release });
      expect(absent).toBeUndefined();
    });

    it('says which repository GitHub does not know, and what a token may not read', async () => {
      const { reads, target } = await setup({ one: fleet(1) });
      const [missing, ok] = await Promise.allSettled([
        reads.openBranch(target('ghost')),
        reads.openBranch(target('one')),
      ]);
      expect(missing).toMatchObject({
        status: 'rejected',
        reason: {
          kind: 'git-not-found',
          message: expect.stringContaining('acme/ghost'),
        },
      });
      expect(ok.status).toBe('fulfilled');

      const restricted = await setup(
        { one: fleet(1) },
        { token: METADATA_ONLY },
      );
      await expect(
        restricted.reads.openBranch(restricted.target('one')),
      ).rejects.toMatchObject({
        kind: 'git-permission',
        message: expect.stringContaining('contents=read'),
      });
    });
  });

  /** One repository per name, the `slow` ones timing GraphQL out; all opened at once. */
  async function openWithSlow(names: string[], slow: string[]) {
    const { reads, target, emulator, requests } = await setup(
      Object.fromEntries(names.map(n => [n, fleet(1)])),
    );
    emulator.injectFaults({ graphqlTimeoutOn: slow.map(n => `${OWNER}/${n}`) });
    const opened = await Promise.allSettled(
      names.map(repo => reads.openBranch(target(repo))),
    );
    const graphqlCalls = requests().filter(r => r === 'POST /graphql');
    return { opened, graphqlCalls: graphqlCalls.length };
  }

  it('finds the one repository that makes a batched query time out, and reads the others', async () => {
    const { opened, graphqlCalls } = await openWithSlow(
      ['one', 'two', 'three', 'four', 'five'],
      ['four'],
    );
    expect(opened.map(o => o.status)).toEqual([
      'fulfilled',
      'fulfilled',
      'fulfilled',
      'rejected',
      'fulfilled',
    ]);
    expect(opened[3]).toMatchObject({
      reason: {
        kind: 'git-unreachable',
        message: expect.stringMatching(
          /^GitHub could not read the branch heads in acme\/four: Something went wrong/,
        ),
      },
    });
    // Only the failing half is split again: all 5, then 3 (answered) and 2, then 1 and 1.
    expect(graphqlCalls).toBe(5);
  });

  it('takes a batch whose halves both time out for GitHub struggling, and asks no further', async () => {
    const { opened, graphqlCalls } = await openWithSlow(
      ['one', 'two', 'three', 'four'],
      ['one', 'four'],
    );
    expect(opened.map(o => o.status)).toEqual([
      'rejected',
      'rejected',
      'rejected',
      'rejected',
    ]);
    // The whole batch, then its two halves: no third level.
    expect(graphqlCalls).toBe(3);
  });

  it('fails a whole batch at once when GitHub is down, without asking per repository', async () => {
    const names = ['one', 'two', 'three'];
    const { reads, target, emulator, requests } = await setup(
      Object.fromEntries(names.map(n => [n, fleet(1)])),
    );
    // Octokit's own retries are off here: each 502 reaches the reads.
    emulator.injectFaults({ status5xx: 1 });
    const opened = await Promise.allSettled(
      names.map(repo => reads.openBranch(target(repo))),
    );
    expect(opened.map(o => o.status)).toEqual([
      'rejected',
      'rejected',
      'rejected',
    ]);
    expect(requests()).toEqual(['POST /graphql']);
  });

  describe('files', () => {
    it('reads 150 files in two GraphQL calls and then from memory', async () => {
      const { reads, target, requests } = await setup({ one: fleet(150) });
      const head = (await reads.openBranch(target('one')))!;
      requests();
      const paths = Array.from({ length: 150 }, (_, i) => `apps/app-${i}.yaml`);
      const { files, missing } = await reads.readFiles(target('one'), head, [
        ...paths,
        'apps/none.yaml',
      ]);
      expect(missing).toEqual(['apps/none.yaml']);
      expect(files.get('apps/app-149.yaml')).toEqual({
        path: 'apps/app-149.yaml',
        content: manifest(149),
        blobSha: head.entries.get('apps/app-149.yaml')!.sha,
      });
      expect([...files.values()].map(f => f.content)).toEqual(
        paths.map((_, i) => manifest(i)),
      );
      expect(requests()).toEqual(['POST /graphql', 'POST /graphql']);
      reads.beginCycle();
      const again = (await reads.openBranch(target('one')))!;
      await reads.readFiles(target('one'), again, paths);
      expect(requests()).toEqual(['POST /graphql']);
    });

    it('gathers the files many entities ask for at once into one call per repository', async () => {
      const { reads, target, requests } = await setup({
        one: fleet(40),
        two: fleet(40),
      });
      const [one, two] = await Promise.all([
        reads.openBranch(target('one')),
        reads.openBranch(target('two')),
      ]);
      requests();
      await Promise.all(
        Array.from({ length: 20 }, (_, entity) =>
          reads.readFiles(
            target(entity % 2 ? 'two' : 'one'),
            entity % 2 ? two! : one!,
            [`apps/app-${entity}.yaml`, `apps/app-${entity + 20}.yaml`],
          ),
        ),
      );
      expect(requests()).toEqual(['POST /graphql', 'POST /graphql']);
    });

    it('keeps each call within its byte budget', async () => {
      const { reads, target, requests } = await setup(
        { one: fleet(10) },
        { reads: { maxBytesPerQuery: 3 * Buffer.byteLength(manifest(0)) } },
      );
      const head = (await reads.openBranch(target('one')))!;
      requests();
      await reads.readFiles(
        target('one'),
        head,
        Array.from({ length: 9 }, (_, i) => `apps/app-${i}.yaml`),
      );
      expect(
        requests().filter(r => r === 'POST /graphql').length,
      ).toBeGreaterThanOrEqual(3);
    });

    it('reads again what fell out of the byte budget', async () => {
      const size = Buffer.byteLength(manifest(0));
      const { reads, target, requests } = await setup(
        { one: fleet(3) },
        { reads: { blobCacheBytes: 2 * size } },
      );
      const head = (await reads.openBranch(target('one')))!;
      const all = ['apps/app-0.yaml', 'apps/app-1.yaml', 'apps/app-2.yaml'];
      await reads.readFiles(target('one'), head, all);
      requests();
      await reads.readFiles(target('one'), head, ['apps/app-2.yaml']);
      expect(requests()).toEqual([]);
      await reads.readFiles(target('one'), head, ['apps/app-0.yaml']);
      expect(requests()).toEqual(['POST /graphql']);
    });

    it('reads over REST what GraphQL truncates', async () => {
      const big = `# ${'x'.repeat(600 * 1024)}\nimage: a:1\n`;
      const { reads, target, requests } = await setup({
        one: { 'big.yaml': big, 'small.yaml': 'a: 1\n' },
      });
      const head = (await reads.openBranch(target('one')))!;
      requests();
      const { files } = await reads.readFiles(target('one'), head, [
        'big.yaml',
        'small.yaml',
      ]);
      expect(files.get('big.yaml')!.content).toBe(big);
      expect(files.get('small.yaml')!.content).toBe('a: 1\n');
      expect(requests()).toEqual([
        'POST /graphql',
        `GET /repos/acme/one/git/blobs/${head.entries.get('big.yaml')!.sha}`,
      ]);
    });

    it('refuses a link and an oversized file before anything is downloaded', async () => {
      const { reads, target, requests } = await setup({
        one: { 'big.yaml': 'x'.repeat(1024 * 1024 + 1), 'a.yaml': 'a: 1\n' },
      });
      const head = (await reads.openBranch(target('one')))!;
      requests();
      await expect(
        reads.readFiles(target('one'), head, ['a.yaml', 'big.yaml']),
      ).rejects.toMatchObject({
        kind: 'git-bad-repository',
        message: expect.stringContaining(
          'big.yaml in acme/one@main is 1048577 bytes',
        ),
      });
      const linked = {
        ...head,
        entries: new Map([
          ...head.entries,
          ['link.yaml', { sha: 'f'.repeat(40), size: 10, mode: '120000' }],
        ]),
      };
      await expect(
        reads.readFiles(target('one'), linked, ['a.yaml', 'link.yaml']),
      ).rejects.toMatchObject({
        kind: 'git-bad-repository',
        message: expect.stringContaining('symbolic link'),
      });
      expect(requests()).toEqual([]);
    });

    it('asks at most maxConcurrentQueries GraphQL calls at once', async () => {
      const repos = Object.fromEntries(
        ['a', 'b', 'c', 'd'].map(name => [name, fleet(5)]),
      );
      const { reads, target } = await setup(repos, {
        reads: { maxConcurrentQueries: 1 },
      });
      const heads = await Promise.all(
        Object.keys(repos).map(repo => reads.openBranch(target(repo))),
      );
      let inFlight = 0;
      let peak = 0;
      const octokit = target('a').octokit;
      octokit.hook.wrap('request', async (request, options) => {
        inFlight++;
        peak = Math.max(peak, inFlight);
        try {
          return await request(options);
        } finally {
          inFlight--;
        }
      });
      await Promise.all(
        Object.keys(repos).map((repo, i) =>
          reads.readFiles(target(repo), heads[i]!, ['apps/app-0.yaml']),
        ),
      );
      expect(peak).toBe(1);
    });
  });

  describe('tarballs of small repositories', () => {
    it('reads a small repository as one tarball: listing and manifests in one charged request', async () => {
      const files = { ...fleet(30), 'bin/run.sh': '#!/bin/sh\necho\n' };
      const { reads, target, emulator, requests } = await setup(
        { one: files },
        { reads: { tarballMaxKb: 4096 } },
      );
      const head = (await reads.openBranch(target('one')))!;
      const log = emulator.requestLog.map(e => [e.method, e.path, e.cost]);
      requests();
      expect(log).toEqual([
        ['POST', '/graphql', 1],
        ['GET', `/repos/acme/one/tarball/${head.headSha}`, 1],
        [
          'GET',
          expect.stringMatching(/^\/_codeload\/acme\/one\/legacy\.tar\.gz\//),
          0,
        ],
      ]);
      // The listing is GitHub's: same blob ids, sizes and modes as the Git Data API's.
      const { data: tree } = await target('one').octokit.git.getTree({
        owner: OWNER,
        repo: 'one',
        tree_sha: head.treeSha,
        recursive: 'true',
      });
      requests();
      const listed = new Map(
        tree.tree
          .filter(e => e.type === 'blob')
          .map(e => [e.path!, { sha: e.sha!, size: e.size!, mode: e.mode! }]),
      );
      expect(head.entries).toEqual(listed);
      const paths = Object.keys(files).filter(p => p.endsWith('.yaml'));
      const { files: read } = await reads.readFiles(target('one'), head, paths);
      expect(read.get('apps/app-7.yaml')!.content).toBe(manifest(7));
      expect(requests()).toEqual([]);
      // A file the archive did not keep in memory is read as usual.
      await reads.readFiles(target('one'), head, ['README.md']);
      expect(requests()).toEqual(['POST /graphql']);
    });

    it('falls back to the listing for a repository too large on GitHub, or an archive that unpacks too large', async () => {
      const big = await setup(
        { one: fleet(5) },
        { reads: { tarballMaxKb: 4096, tarballMaxUnpackedBytes: 1024 } },
      );
      const head = (await big.reads.openBranch(big.target('one')))!;
      expect(big.requests()).toEqual([
        'POST /graphql',
        `GET /repos/acme/one/tarball/${head.headSha}`,
        expect.stringMatching(/^GET \/_codeload\//),
        `GET /repos/acme/one/git/trees/${head.treeSha}`,
      ]);
      expect(head.entries.size).toBe(6);

      const small = await setup(
        { one: fleet(5) },
        { reads: { tarballMaxKb: 0 } },
      );
      const listed = (await small.reads.openBranch(small.target('one')))!;
      expect(small.requests()).toEqual([
        'POST /graphql',
        `GET /repos/acme/one/git/trees/${listed.treeSha}`,
      ]);
    });
  });

  describe('branchSha', () => {
    it('asks conditionally: GitHub answers 304 for free while the branch stays put', async () => {
      const { reads, target, emulator, heads } = await setup({ one: fleet(1) });
      expect(await reads.branchSha(target('one'), 'main')).toBe(heads.one);
      expect(await reads.branchSha(target('one'), 'main')).toBe(heads.one);
      expect(emulator.requestLog.map(r => [r.status, r.cost])).toEqual([
        [200, 1],
        [304, 0],
      ]);
      const moved = await emulator.commitFiles(
        OWNER,
        'one',
        'main',
        { 'a.txt': 'a\n' },
        { message: 'move' },
      );
      expect(await reads.branchSha(target('one'), 'main')).toBe(moved);
      expect(await reads.branchSha(target('one'), 'nope')).toBeUndefined();
    });
  });

  describe('rate limits', () => {
    it('stops at a spent GraphQL budget with the reset time, asks nothing until then, and resumes', async () => {
      const { reads, target, emulator, requests } = await setup(
        { one: fleet(2) },
        {
          emulator: { rateLimit: { graphql: 1, windowSeconds: 2 } },
          // A two-second window would be waited out; here it stands for an hour's.
          reads: { maxRateLimitWaitMs: 0 },
        },
      );
      const head = (await reads.openBranch(target('one')))!;
      requests();
      const error = await reads
        .readFiles(target('one'), head, ['apps/app-0.yaml'])
        .catch(e => e);
      expect(error).toMatchObject({
        kind: 'git-rate-limited',
        message: expect.stringMatching(
          /^GitHub rate limit reached, resumes at \d\d:\d\d UTC/,
        ),
      });
      const reset = emulator.rateLimit(TOKEN, 'graphql').resetAt;
      expect(Math.abs(error.resumesAt.getTime() - reset)).toBeLessThan(1000);
      expect(requests()).toEqual([]);
      // The head query said nothing was left: the blob call was never sent.
      await expect(
        reads.readFiles(target('one'), head, ['apps/app-1.yaml']),
      ).rejects.toMatchObject({ kind: 'git-rate-limited' });
      expect(requests()).toEqual([]);
      await sleep(Math.max(0, error.resumesAt.getTime() - Date.now()) + 100);
      const { files } = await reads.readFiles(target('one'), head, [
        'apps/app-0.yaml',
      ]);
      expect(files.get('apps/app-0.yaml')!.content).toBe(manifest(0));
    });

    it('turns GitHub’s RATE_LIMITED answer into the same error', async () => {
      const { reads, target, emulator } = await setup(
        { one: fleet(2) },
        { emulator: { rateLimit: { graphql: 2 } } },
      );
      // Someone else spends the budget meanwhile: the gate cannot know, GitHub says.
      const head = (await reads.openBranch(target('one')))!;
      emulator.setRateLimit('graphql', 1);
      await expect(
        reads.readFiles(target('one'), head, ['apps/app-0.yaml']),
      ).rejects.toMatchObject({ kind: 'git-rate-limited' });
      expect(emulator.requestLog.at(-1)).toMatchObject({
        path: '/graphql',
        status: 200,
      });
    });

    it('waits out a short secondary limit and reads on, as GitHub asks', async () => {
      const { reads, target, emulator } = await setup({ one: fleet(2) });
      emulator.injectFaults({
        secondaryRateLimit: { count: 1, retryAfterSeconds: 1 },
      });
      const started = Date.now();
      const head = await reads.openBranch(target('one'));
      expect(head?.entries.size).toBe(3);
      expect(Date.now() - started).toBeGreaterThanOrEqual(900);
      expect(emulator.requestLog[0]).toMatchObject({ status: 403 });
    });

    it('stops at a spent REST budget the same way', async () => {
      const { reads, target, requests } = await setup(
        { one: fleet(1), two: fleet(1) },
        { emulator: { rateLimit: { core: 1 } } },
      );
      const [one, two] = await Promise.allSettled([
        reads.openBranch(target('one')),
        reads.openBranch(target('two')),
      ]);
      expect([one.status, two.status].sort()).toEqual([
        'fulfilled',
        'rejected',
      ]);
      const failed = (
        one.status === 'rejected' ? one : two
      ) as PromiseRejectedResult;
      expect(failed.reason).toMatchObject({
        kind: 'git-rate-limited',
        message: expect.stringContaining(
          'GitHub rate limit reached, resumes at',
        ),
      });
      requests();
      await expect(
        reads.branchSha(target('one'), 'main'),
      ).rejects.toMatchObject({
        kind: 'git-rate-limited',
      });
      expect(requests()).toEqual([]);
    });
  });
});
