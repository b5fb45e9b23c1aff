import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { GitServerRoot, ServedRepository } from './GitServerRoot';
import { startHttpGitServer, StartedHttpGitServer } from './startHttpGitServer';
import { startSshGitServer, StartedSshGitServer } from './startSshGitServer';

const run = promisify(execFile);

describe('git servers', () => {
  let root: GitServerRoot;
  let ssh: StartedSshGitServer;
  let http: StartedHttpGitServer;
  let dir: string;
  let repo: ServedRepository;

  beforeAll(async () => {
    root = GitServerRoot.create();
    repo = await root.createRepository('team/app.git', {
      files: { 'deploy/app.yaml': 'image: app:1.0.0\n' },
    });
    ssh = await startSshGitServer({ root });
    http = await startHttpGitServer({
      root,
      readOnlyUsers: ['reader'],
      users: { bot: 't1', reader: 't2' },
    });
    dir = mkdtempSync(join(tmpdir(), 'ia-gitserver-test-'));
  });
  afterAll(async () => {
    await ssh?.stop();
    await http?.stop();
    root?.remove();
    rmSync(dir, { recursive: true, force: true });
  });

  const sshEnv = (key: string) => {
    const keyFile = join(dir, `key-${Math.random()}`);
    writeFileSync(keyFile, key, { mode: 0o600 });
    const known = join(dir, 'known_hosts');
    writeFileSync(known, `${ssh.knownHosts}\n`);
    return {
      PATH: process.env.PATH,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_SSH_COMMAND: `ssh -i ${keyFile} -o IdentitiesOnly=yes -o UserKnownHostsFile=${known} -o StrictHostKeyChecking=yes -o BatchMode=yes -F /dev/null`,
    };
  };

  it('serves clone and push over ssh to the deploy key, and refuses pushes with a read-only key', async () => {
    const env = sshEnv(ssh.deployKey.privateKey);
    const { stdout } = await run(
      'git',
      ['ls-remote', ssh.url('team/app.git')],
      { env },
    );
    expect(stdout).toMatch(/refs\/heads\/main/);
    const work = join(dir, 'clone');
    await run('git', ['clone', '-q', ssh.url('team/app.git'), work], { env });
    await run(
      'git',
      ['-C', work, 'push', '-q', 'origin', 'HEAD:refs/heads/copy'],
      { env },
    );
    expect(await repo.branchSha('copy')).toBe(await repo.branchSha('main'));

    const reader = ssh.addDeployKey({ readOnly: true });
    const readerEnv = sshEnv(reader.privateKey);
    await run('git', ['ls-remote', ssh.url('team/app.git')], {
      env: readerEnv,
    });
    await expect(
      run('git', ['-C', work, 'push', 'origin', 'HEAD:refs/heads/other'], {
        env: readerEnv,
      }),
    ).rejects.toThrow(/read access only/);
  });

  it('serves over http with basic auth only', async () => {
    const env = {
      PATH: process.env.PATH,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_TERMINAL_PROMPT: '0',
    };
    await expect(
      run('git', ['ls-remote', http.url('team/app.git')], { env }),
    ).rejects.toThrow();
    const auth = (u: string, p: string) => [
      '-c',
      `http.extraHeader=Authorization: Basic ${Buffer.from(
        `${u}:${p}`,
      ).toString('base64')}`,
    ];
    const { stdout } = await run(
      'git',
      [...auth('bot', 't1'), 'ls-remote', http.url('team/app.git')],
      { env },
    );
    expect(stdout).toMatch(/refs\/heads\/main/);
    const work = join(dir, 'http-clone');
    await run(
      'git',
      [...auth('bot', 't1'), 'clone', '-q', http.url('team/app.git'), work],
      { env },
    );
    await run(
      'git',
      [
        ...auth('bot', 't1'),
        '-C',
        work,
        'push',
        '-q',
        'origin',
        'HEAD:refs/heads/via-http',
      ],
      { env },
    );
    await expect(
      run(
        'git',
        [
          ...auth('reader', 't2'),
          '-C',
          work,
          'push',
          'origin',
          'HEAD:refs/heads/no',
        ],
        { env },
      ),
    ).rejects.toThrow(/403/);
    expect(
      http.requests.some(
        r => r.service === 'git-receive-pack' && r.status === 200,
      ),
    ).toBe(true);
  });
});
