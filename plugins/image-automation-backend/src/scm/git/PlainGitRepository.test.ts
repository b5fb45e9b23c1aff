import { ConfigReader } from '@backstage/config';
import { parseRepositoryUrl } from '@image-automation/plugin-image-automation-common';
import {
  generateDeployKey,
  GitServerRoot,
  ServedRepository,
  startHttpGitServer,
  startSshGitServer,
  StartedHttpGitServer,
  StartedSshGitServer,
} from '@internal/image-automation-test-harness';
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { GitError } from '../GitError';
import type { GitRepository } from '../port';
import { PlainGitHostAdapter } from './PlainGitHostAdapter';
import { capturingLogger } from './testing';

const APP_YAML = [
  'apiVersion: apps/v1',
  'kind: Deployment',
  'spec:',
  '  template:',
  '    spec:',
  '      containers:',
  '        - name: app',
  '          image: registry.internal/team/app:1.0.0',
  '          ports: [{ containerPort: 8080 }]',
  '',
].join('\n');

const FILES = {
  'deploy/app.yaml': APP_YAML,
  'deploy/worker.yaml': 'image: registry.internal/team/worker:2.0.0\n',
  'docs/big.md': 'x'.repeat(50_000),
  'src/one.txt': 'one\n',
  'src/two.txt': 'two\n',
};

function bumped(content: string) {
  return content.replace('app:1.0.0', 'app:1.1.0');
}

jest.setTimeout(120_000);

describe('PlainGitRepository', () => {
  let root: GitServerRoot;
  let ssh: StartedSshGitServer;
  let http: StartedHttpGitServer;
  let workDir: string;
  const logger = capturingLogger();
  let counter = 0;

  beforeAll(async () => {
    root = GitServerRoot.create();
    ssh = await startSshGitServer({ root });
    http = await startHttpGitServer({
      root,
      users: { bot: 'bot-token-1234567890', reader: 'reader-token-0987654321' },
      readOnlyUsers: ['reader'],
    });
  });
  afterAll(async () => {
    await ssh?.stop();
    await http?.stop();
    root?.remove();
  });
  beforeEach(() => {
    workDir = mkdtempSync(join(tmpdir(), 'ia-plain-git-test-'));
  });
  afterEach(() => rmSync(workDir, { recursive: true, force: true }));

  const newRepository = (allowFilter = true) =>
    root.createRepository(`team/app-${++counter}.git`, {
      files: FILES,
      allowFilter,
    });

  const sshAdapter = (
    overrides: { privateKey?: string; knownHosts?: string } = {},
  ) =>
    PlainGitHostAdapter.fromConfig(
      new ConfigReader({
        imageAutomation: {
          git: {
            hosts: [
              {
                host: ssh.host,
                ssh: {
                  privateKey: overrides.privateKey ?? ssh.deployKey.privateKey,
                  knownHosts: overrides.knownHosts ?? ssh.knownHosts,
                },
              },
            ],
          },
        },
      }),
      { logger, workingDirectory: workDir },
    );

  const httpAdapter = (user = 'bot') =>
    PlainGitHostAdapter.fromConfig(
      new ConfigReader({
        imageAutomation: {
          git: {
            hosts: [
              {
                host: http.host,
                https: { username: user, token: http.users[user] },
              },
            ],
          },
        },
      }),
      { logger, workingDirectory: workDir },
    );

  const open = (adapter: PlainGitHostAdapter, url: string) =>
    adapter.open(parseRepositoryUrl(url)!);

  const openSsh = (served: ServedRepository, adapter = sshAdapter()) =>
    open(adapter, ssh.url(served.path));

  /** The write-back in push-branch mode, as the coordinator drives the port. */
  async function bumpOnBranch(
    repository: GitRepository,
    branch: string,
    expected: string | undefined,
  ) {
    const base = (await repository.openBranch(
      await repository.defaultBranch(),
    ))!;
    const snapshot = await repository.readFiles(base, ['deploy/app.yaml']);
    const commit = await repository.createCommit({
      parent: base,
      message: 'Update registry.internal/team/app to 1.1.0',
      author: { name: 'Image Bot', email: 'bot@example.com' },
      changes: [
        {
          path: 'deploy/app.yaml',
          content: bumped(snapshot.files.get('deploy/app.yaml')!.content),
          mode: '100644',
        },
      ],
    });
    return {
      commit,
      move: await repository.moveBranch(branch, expected, commit.sha),
    };
  }

  /** Blobs present and absent in the adapter's clone, for the server's head commit. */
  function cloneObjects(headSha: string) {
    const git = join(workDir, 'image-automation', 'git');
    const dir = readdirSync(git).find(d => d.endsWith('.git'))!;
    const out = execFileSync(
      'git',
      [
        `--git-dir=${join(git, dir)}`,
        'rev-list',
        '--objects',
        '--missing=print',
        headSha,
      ],
      { env: { PATH: process.env.PATH, GIT_CONFIG_NOSYSTEM: '1' } },
    ).toString();
    const lines = out.split('\n').filter(Boolean);
    return {
      missing: lines.filter(l => l.startsWith('?')).length,
      // commits, trees and present blobs
      present: lines.filter(l => !l.startsWith('?')).length,
    };
  }

  it('reads files at the default branch over SSH, reporting missing paths', async () => {
    const served = await newRepository();
    const repository = await openSsh(served);
    expect(repository.identity).toEqual(
      expect.objectContaining({
        kind: 'git',
        displayName: `${ssh.host}/team/app-${counter}`,
      }),
    );
    expect(await repository.defaultBranch()).toBe('main');
    const head = (await repository.openBranch('main'))!;
    expect(head.headSha).toBe(await served.branchSha('main'));
    expect([...head.entries.keys()].sort()).toEqual(Object.keys(FILES).sort());
    const snapshot = await repository.readFiles(head, [
      'deploy/app.yaml',
      'deploy/worker.yaml',
      'deploy/absent.yaml',
    ]);
    expect(snapshot.files.get('deploy/app.yaml')?.content).toBe(APP_YAML);
    expect(snapshot.files.get('deploy/worker.yaml')?.content).toBe(
      FILES['deploy/worker.yaml'],
    );
    expect(snapshot.missing).toEqual(['deploy/absent.yaml']);
    expect(await repository.openBranch('no-such-branch')).toBeUndefined();
    expect(await repository.branchSha('no-such-branch')).toBeUndefined();
  });

  it('refuses a manifest over the size limit before reading it, and names a repository that is not there', async () => {
    const served = await newRepository();
    await served.commit('main', {
      'deploy/huge.yaml': 'x'.repeat(1024 * 1024 + 1),
    });
    const repository = await openSsh(served);
    const head = (await repository.openBranch('main'))!;
    const error = await repository
      .readFiles(head, ['deploy/huge.yaml'])
      .catch(e => e);
    expect(error.kind).toBe('git-bad-repository');
    expect(error.message).toContain('deploy/huge.yaml in');
    expect(error.message).toContain(
      'is 1048577 bytes; manifests over 1048576 bytes are refused',
    );

    const absent = await open(sshAdapter(), ssh.url('team/nothing-here.git'))
      .then(r => r.defaultBranch())
      .catch(e => e);
    expect(absent.kind).toBe('git-not-found');
    expect(absent.message).toContain(
      `${ssh.host} has no repository ${ssh.host}/team/nothing-here`,
    );
  });

  it('fetches only the blobs it reads from a server that honours the filter', async () => {
    const served = await newRepository(true);
    const repository = await openSsh(served);
    const head = (await repository.openBranch('main'))!;
    expect(cloneObjects(head.headSha).missing).toBe(5);
    await repository.readFiles(head, ['deploy/app.yaml']);
    // one commit, three trees (root, deploy, docs, src → four) and one blob
    expect(cloneObjects(head.headSha)).toEqual({
      missing: 4,
      present: 1 + 4 + 1,
    });
  });

  it('works with a server that ignores the filter and sends everything', async () => {
    const served = await newRepository(false);
    const repository = await openSsh(served);
    const head = (await repository.openBranch('main'))!;
    expect(cloneObjects(head.headSha).missing).toBe(0);
    const snapshot = await repository.readFiles(head, ['deploy/app.yaml']);
    expect(snapshot.files.get('deploy/app.yaml')?.content).toBe(APP_YAML);
    const { move } = await bumpOnBranch(
      repository,
      'image-automation/app',
      undefined,
    );
    expect(move).toEqual({ moved: true });
  });

  it('reads from a filtering server that speaks only protocol v0 (no GIT_PROTOCOL over ssh)', async () => {
    const v0 = await startSshGitServer({ root, acceptProtocolEnv: false });
    try {
      const served = await newRepository(true);
      const adapter = PlainGitHostAdapter.fromConfig(
        new ConfigReader({
          imageAutomation: {
            git: {
              hosts: [
                {
                  host: v0.host,
                  ssh: {
                    privateKey: v0.deployKey.privateKey,
                    knownHosts: v0.knownHosts,
                  },
                },
              ],
            },
          },
        }),
        { logger, workingDirectory: workDir },
      );
      const repository = await open(adapter, v0.url(served.path));
      const head = (await repository.openBranch('main'))!;
      const snapshot = await repository.readFiles(head, ['deploy/app.yaml']);
      expect(snapshot.files.get('deploy/app.yaml')?.content).toBe(APP_YAML);
      expect(logger.text()).toContain('Add "AcceptEnv GIT_PROTOCOL"');
      // Files changed later come with the next fetch: no single-blob request.
      await served.commit('main', {
        'deploy/worker.yaml': 'image: worker:3\n',
      });
      const later = await open(
        PlainGitHostAdapter.fromConfig(
          new ConfigReader({
            imageAutomation: {
              git: {
                hosts: [
                  {
                    host: v0.host,
                    ssh: {
                      privateKey: v0.deployKey.privateKey,
                      knownHosts: v0.knownHosts,
                    },
                  },
                ],
              },
            },
          }),
          { logger, workingDirectory: workDir },
        ),
        v0.url(served.path),
      );
      const next = (await later.openBranch('main'))!;
      expect(
        (await later.readFiles(next, ['deploy/worker.yaml'])).files.get(
          'deploy/worker.yaml',
        )?.content,
      ).toBe('image: worker:3\n');
      const { move } = await bumpOnBranch(
        later,
        'image-automation/app',
        undefined,
      );
      expect(move).toEqual({ moved: true });
    } finally {
      await v0.stop();
    }
  });

  it('commits on the push branch changing only the image line, with the message and author given', async () => {
    const served = await newRepository();
    const repository = await openSsh(served);
    const baseSha = await served.branchSha('main');
    const { commit, move } = await bumpOnBranch(
      repository,
      'image-automation/app',
      undefined,
    );
    expect(move).toEqual({ moved: true });
    expect(await served.branchSha('image-automation/app')).toBe(commit.sha);
    expect(await served.branchSha('main')).toBe(baseSha);
    const [log] = await served.log('image-automation/app');
    expect(log).toEqual(
      expect.objectContaining({
        parents: [baseSha],
        authorName: 'Image Bot',
        authorEmail: 'bot@example.com',
        message: 'Update registry.internal/team/app to 1.1.0',
      }),
    );
    expect(await served.changedPaths(commit.sha)).toEqual(['deploy/app.yaml']);
    const changed = (await served.diff(commit.sha))
      .split('\n')
      .filter(l => /^[-+][^-+]/.test(l));
    expect(changed).toEqual([
      '-          image: registry.internal/team/app:1.0.0',
      '+          image: registry.internal/team/app:1.1.0',
    ]);
    expect(commit).toEqual(
      expect.objectContaining({ parents: [baseSha], message: log.message }),
    );
    expect(await repository.getCommit(commit.sha)).toEqual(commit);
    // the branch reads back without another push
    expect(await repository.branchSha('image-automation/app')).toBe(commit.sha);
  });

  it('creates a branch only when it is absent', async () => {
    const served = await newRepository();
    const repository = await openSsh(served);
    const personal = await served.commit(
      'image-automation/app',
      { 'notes.txt': 'mine\n' },
      'A person made this branch',
    );
    const { move } = await bumpOnBranch(
      repository,
      'image-automation/app',
      undefined,
    );
    expect(move).toEqual({ moved: false, actualSha: personal });
    expect(await served.branchSha('image-automation/app')).toBe(personal);
  });

  it('refuses to move the base when it moved, then succeeds on the new head without force', async () => {
    const served = await newRepository();
    const repository = await openSsh(served);
    const base = (await repository.openBranch('main'))!;
    const snapshot = await repository.readFiles(base, ['deploy/app.yaml']);
    const change = {
      path: 'deploy/app.yaml',
      content: bumped(snapshot.files.get('deploy/app.yaml')!.content),
      mode: '100644' as const,
    };
    const first = await repository.createCommit({
      parent: base,
      message: 'Update app to 1.1.0',
      changes: [change],
    });
    const person = await served.commit('main', { 'src/one.txt': 'person\n' });

    expect(
      await repository.moveBranch('main', base.headSha, first.sha),
    ).toEqual({
      moved: false,
      actualSha: person,
    });
    expect(await served.branchSha('main')).toBe(person);

    // Retry: re-read at the new head, re-apply, push again (a fast-forward).
    const again = (await repository.openBranch('main'))!;
    expect(again.headSha).toBe(person);
    const second = await repository.createCommit({
      parent: again,
      message: 'Update app to 1.1.0',
      changes: [change],
    });
    expect(await repository.moveBranch('main', person, second.sha)).toEqual({
      moved: true,
    });
    const log = await served.log('main');
    expect(log.map(c => c.sha).slice(0, 2)).toEqual([second.sha, person]);
    expect(await served.readFile('main', 'src/one.txt')).toBe('person\n');
  });

  it('refuses a move from a sha the branch no longer has, even when it would be a fast-forward', async () => {
    const served = await newRepository();
    const repository = await openSsh(served);
    const start = (await served.branchSha('main'))!;
    const person = await served.commit('main', { 'src/one.txt': 'person\n' });
    const base = (await repository.openBranch('main'))!;
    const ours = await repository.createCommit({
      parent: base,
      message: 'ours',
      changes: [{ path: 'src/two.txt', content: 'ours\n', mode: '100644' }],
    });
    // A person rewinds main: our commit would fast-forward from there,
    // but it would bring back the commit they removed.
    await served.resetBranch('main', start);
    expect(await repository.moveBranch('main', person, ours.sha)).toEqual({
      moved: false,
      actualSha: start,
    });
    expect(await served.branchSha('main')).toBe(start);
  });

  it('moves the default branch only by fast-forward, even when the lease would allow more', async () => {
    const served = await newRepository();
    const repository = await openSsh(served);
    const base = (await repository.openBranch('main'))!;
    const ours = await repository.createCommit({
      parent: base,
      message: 'ours',
      changes: [{ path: 'src/two.txt', content: 'ours\n', mode: '100644' }],
    });
    const person = await served.commit('main', { 'src/one.txt': 'person\n' });
    const next = await openSsh(served);
    await next.openBranch('main');
    // The lease names the person's commit, but ours does not contain it.
    const error = await next.moveBranch('main', person, ours.sha).catch(e => e);
    expect(error.kind).toBe('git-conflict');
    expect(error.message).toContain(
      'the base branch only moves by fast-forward',
    );
    expect(await served.branchSha('main')).toBe(person);
  });

  it("rebuilds its own push branch on a new base, but never over a person's commit", async () => {
    const served = await newRepository();
    const repository = await openSsh(served);
    const { commit: ours } = await bumpOnBranch(
      repository,
      'image-automation/app',
      undefined,
    );
    const newBase = await served.commit('main', {
      'src/one.txt': 'base moved\n',
    });

    // Next cycle: our branch, rebuilt on the new base: not a fast-forward, moved by lease.
    const next = await openSsh(served);
    const rebuilt = await bumpOnBranch(next, 'image-automation/app', ours.sha);
    expect(rebuilt.move).toEqual({ moved: true });
    expect(rebuilt.commit.parents).toEqual([newBase]);
    expect(await served.branchSha('image-automation/app')).toBe(
      rebuilt.commit.sha,
    );

    // A person commits on the push branch: our stale expectation is refused.
    const person = await served.commit('image-automation/app', {
      'notes.txt': 'mine\n',
    });
    const stale = await bumpOnBranch(
      next,
      'image-automation/app',
      rebuilt.commit.sha,
    );
    expect(stale.move).toEqual({ moved: false, actualSha: person });
    expect(await served.branchSha('image-automation/app')).toBe(person);
  });

  it('refuses a server whose host key is not the configured one, saying what to fix', async () => {
    const served = await newRepository();
    // Another server's key, filed under this server's address.
    const otherKey = generateDeployKey()
      .publicKey.split(' ')
      .slice(0, 2)
      .join(' ');
    const wrong = `[127.0.0.1]:${ssh.port} ${otherKey}`;
    const repository = await openSsh(served, sshAdapter({ knownHosts: wrong }));
    const error = await repository.defaultBranch().catch(e => e);
    expect(error).toBeInstanceOf(GitError);
    expect(error.kind).toBe('git-auth');
    expect(error.message).toContain(
      `the SSH host key of ${ssh.host} does not match ssh.knownHosts`,
    );
    expect(error.message).toContain(`ssh-keyscan -p ${ssh.port} 127.0.0.1`);
  });

  it('a missing knownHosts is a config problem on open', async () => {
    const served = await newRepository();
    const adapter = PlainGitHostAdapter.fromConfig(
      new ConfigReader({
        imageAutomation: {
          git: {
            hosts: [
              { host: ssh.host, ssh: { privateKey: ssh.deployKey.privateKey } },
            ],
          },
        },
      }),
      { logger, workingDirectory: workDir },
    );
    const error = await openSsh(served, adapter).catch(e => e);
    expect(error).toBeInstanceOf(GitError);
    expect(error.kind).toBe('git-no-integration');
    expect(error.message).toContain(
      `imageAutomation.git.hosts[0] (${ssh.host}) has no ssh.knownHosts`,
    );
  });

  it('a read-only deploy key reads, and a push says so naming the repository', async () => {
    const served = await newRepository();
    const reader = ssh.addDeployKey({ readOnly: true });
    const repository = await openSsh(
      served,
      sshAdapter({ privateKey: reader.privateKey }),
    );
    const error = await bumpOnBranch(
      repository,
      'image-automation/app',
      undefined,
    ).catch(e => e);
    expect(error).toBeInstanceOf(GitError);
    expect(error.kind).toBe('git-permission');
    expect(error.message).toContain(`${ssh.host}/team/app-${counter}`);
    expect(error.message).toContain('this deploy key has read access only');
    expect(error.message).toContain('give it write access');
    expect(await served.branchSha('image-automation/app')).toBeUndefined();
  });

  it('a key the server does not know is refused with a clear error', async () => {
    const served = await newRepository();
    const stranger = generateDeployKey();
    const repository = await openSsh(
      served,
      sshAdapter({ privateKey: stranger.privateKey }),
    );
    const error = await repository.defaultBranch().catch(e => e);
    expect(error.kind).toBe('git-auth');
    expect(error.message).toContain(
      `${ssh.host} refused the deploy key for ${ssh.host}/team/app-${counter}`,
    );
  });

  it('keeps the key 0600 in a 0700 directory while ssh runs, and removes it after', async () => {
    const served = await newRepository();
    const bin = join(workDir, 'bin');
    mkdirSync(bin);
    const record = join(workDir, 'modes');
    writeFileSync(
      join(bin, 'ssh'),
      `#!/bin/sh
key=""; prev=""
for a in "$@"; do [ "$prev" = "-i" ] && key="$a"; prev="$a"; done
echo "$(stat -c %a "$key") $(stat -c %a "$(dirname "$key")") $key \${SSH_AUTH_SOCK:-no-agent}" >> '${record}'
exec /usr/bin/ssh "$@"
`,
    );
    chmodSync(join(bin, 'ssh'), 0o755);
    const path = process.env.PATH;
    process.env.PATH = `${bin}:${path}`;
    process.env.SSH_AUTH_SOCK = '/tmp/agent.sock';
    try {
      const repository = await openSsh(served);
      await bumpOnBranch(repository, 'image-automation/app', undefined);
    } finally {
      process.env.PATH = path;
      delete process.env.SSH_AUTH_SOCK;
    }
    const runs = readFileSync(record, 'utf8').trim().split('\n');
    expect(runs.length).toBeGreaterThanOrEqual(3); // ls-remote, fetch, blob fetch, push
    for (const run of runs) {
      const [fileMode, dirMode, keyFile, agent] = run.split(' ');
      expect([fileMode, dirMode, agent]).toEqual(['600', '700', 'no-agent']);
      expect(existsSync(keyFile)).toBe(false);
      expect(
        keyFile.startsWith(join(workDir, 'image-automation', 'git', 'keys')),
      ).toBe(true);
    }
  });

  it('never lets the deploy key or the token into logs or errors', async () => {
    const served = await newRepository();
    const key = ssh.deployKey.privateKey;
    const keyBody = key.split('\n')[1];
    const messages: string[] = [];
    const good = await openSsh(served);
    await bumpOnBranch(good, 'image-automation/app', undefined);
    for (const attempt of [
      () =>
        openSsh(
          served,
          sshAdapter({
            knownHosts: `[127.0.0.1]:1 ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGX`,
          }),
        ).then(r => r.defaultBranch()),
      () =>
        openSsh(served, sshAdapter({ privateKey: 'not a key' })).then(r =>
          r.defaultBranch(),
        ),
      () =>
        open(httpAdapter('reader'), http.url(served.path)).then(r =>
          bumpOnBranch(r, 'x', undefined),
        ),
    ]) {
      messages.push(
        String(
          await attempt().catch(
            e => `${e.message} ${e.cause?.message} ${e.cause?.stderr}`,
          ),
        ),
      );
    }
    const everything = `${logger.text()}\n${messages.join('\n')}`;
    expect(everything).not.toContain(keyBody);
    expect(everything).not.toContain('bot-token-1234567890');
    expect(everything).not.toContain('reader-token-0987654321');
    expect(everything).not.toContain(
      Buffer.from('reader:reader-token-0987654321').toString('base64'),
    );
  });

  describe('over HTTPS with a token', () => {
    it('reads, commits and pushes with basic auth: one look at the server per handle, so per cycle', async () => {
      const served = await newRepository();
      const adapter = httpAdapter('bot');
      const before = http.requests.length;
      const connections = () =>
        http.requests.slice(before).filter(r => r.path.endsWith('/info/refs'))
          .length;
      // The engine opens a repository once per cycle and shares it among entities.
      const cycle = await open(adapter, http.url(served.path));
      const { move } = await bumpOnBranch(
        cycle,
        'image-automation/app',
        undefined,
      );
      expect(move).toEqual({ moved: true });
      // Another entity of the same repository in the same cycle: nothing new.
      const head = (await cycle.openBranch('main'))!;
      await cycle.readFiles(head, ['deploy/app.yaml', 'deploy/worker.yaml']);
      expect(await cycle.branchSha('image-automation/app')).toBe(
        await served.branchSha('image-automation/app'),
      );
      // ls-remote, fetch, one blob fetch (app.yaml), the push; then worker.yaml
      expect(connections()).toBe(5);
      expect(
        http.requests
          .slice(before)
          .every(r => r.authorized && r.status !== 401),
      ).toBe(true);
    });

    it('looks again in the next cycle, and fetches only when a branch moved', async () => {
      const served = await newRepository();
      const adapter = httpAdapter('bot');
      await (await open(adapter, http.url(served.path))).openBranch('main');
      let before = http.requests.length;
      const posts = () =>
        http.requests.slice(before).filter(r => r.method === 'POST').length;

      const unchanged = await open(adapter, http.url(served.path));
      expect(await unchanged.branchSha('main')).toBe(
        await served.branchSha('main'),
      );
      // ls-remote only: ls-refs in one POST, nothing to fetch
      expect(posts()).toBe(1);

      const moved = await served.commit('main', { 'src/one.txt': 'moved\n' });
      before = http.requests.length;
      const next = await open(adapter, http.url(served.path));
      expect((await next.openBranch('main'))?.headSha).toBe(moved);
      // ls-refs, then the fetch (its own ls-refs and fetch)
      expect(posts()).toBe(3);
    });

    it('rejects a wrong token with a clear error', async () => {
      const served = await newRepository();
      const adapter = PlainGitHostAdapter.fromConfig(
        new ConfigReader({
          imageAutomation: {
            git: {
              hosts: [
                {
                  host: http.host,
                  https: { username: 'bot', token: 'wrong-token-value' },
                },
              ],
            },
          },
        }),
        { logger, workingDirectory: workDir },
      );
      const error = await open(adapter, http.url(served.path))
        .then(r => r.defaultBranch())
        .catch(e => e);
      expect(error.kind).toBe('git-auth');
      expect(error.message).toContain(
        `${http.host} rejected https.username and https.token for ${http.host}/team/app-${counter}`,
      );
      expect(error.message).not.toContain('wrong-token-value');
    });

    it('a read-only token is refused pushes with a clear error', async () => {
      const served = await newRepository();
      const repository = await open(
        httpAdapter('reader'),
        http.url(served.path),
      );
      const error = await bumpOnBranch(
        repository,
        'image-automation/app',
        undefined,
      ).catch(e => e);
      expect(error.kind).toBe('git-permission');
      expect(error.message).toContain(
        `${http.host} denied the request to push branch image-automation/app to ${http.host}/team/app-${counter} (403)`,
      );
    });
  });

  it('has no change requests: pull-request mode is a config problem', async () => {
    const served = await newRepository();
    const repository = await openSsh(served);
    expect(repository.supportsChangeRequests).toBe(false);
    expect(
      await repository.findChangeRequest('image-automation/app'),
    ).toBeUndefined();
    const error = await repository
      .openChangeRequest({
        branch: 'b',
        base: 'main',
        title: 't',
        body: 'b',
        labels: [],
      })
      .catch(e => e);
    expect(error).toBeInstanceOf(GitError);
    expect(error.kind).toBe('git-no-integration');
    expect(error.message).toBe(
      'pull-request mode needs a host with an API (GitHub or GitLab integration); use push-branch for plain Git',
    );
    await expect(
      repository.updateChangeRequest(1, { title: 't', body: 'b' }),
    ).rejects.toThrow(GitError);
    await expect(repository.closeChangeRequest(1, 'c')).rejects.toThrow(
      GitError,
    );
  });
});
