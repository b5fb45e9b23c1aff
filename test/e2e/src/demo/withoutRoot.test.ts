/*
 * The demo sandbox on a machine where it may not install anything: not root,
 * no sudo, docker-registry missing. up.sh says exactly what to install and
 * brings up what it can (the Git server), so the demo still starts.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';

const repoRoot = resolve(__dirname, '../../../..');
const NOBODY = 65534;

/** The commands the sandbox scripts call, found on this machine's PATH. */
const COMMANDS = [
  'bash',
  'env',
  'cat',
  'cut',
  'dirname',
  'find',
  'grep',
  'head',
  'id',
  'ls',
  'mkdir',
  'mv',
  'od',
  'rm',
  'sed',
  'seq',
  'sleep',
  'sort',
  'tail',
  'touch',
  'tr',
  'git',
  'git-shell',
  'ssh',
  'ssh-keygen',
];

function which(command: string): string {
  return execFileSync('bash', ['-c', `command -v ${command}`], {
    encoding: 'utf8',
  }).trim();
}

describe('the demo sandbox without root', () => {
  let work: string;

  beforeAll(() => {
    work = mkdtempSync(join(tmpdir(), 'ia-demo-noroot-'));
    // nobody runs the commands linked under it.
    chmodSync(work, 0o755);
  });
  afterAll(() => {
    rmSync(work, { recursive: true, force: true });
  });

  it('says exactly what to install and starts what it can', () => {
    // A PATH with what a minimal Debian has, without docker-registry or sudo.
    const bin = join(work, 'bin');
    mkdirSync(bin);
    for (const command of COMMANDS) {
      symlinkSync(which(command), join(bin, command));
    }
    const demoDir = join(work, 'state');
    mkdirSync(demoDir);
    // As root, drop to nobody; as anyone else, that already is the case.
    const asUser =
      process.getuid?.() === 0
        ? [
            which('setpriv'),
            `--reuid=${NOBODY}`,
            `--regid=${NOBODY}`,
            '--clear-groups',
          ]
        : [];
    if (asUser.length) chownSync(demoDir, NOBODY, NOBODY);
    const env = {
      HOME: work,
      PATH: `${bin}:${dirname(process.execPath)}`,
      IA_DEMO_DIR: demoDir,
    };
    const script = (name: string) => {
      const [command, ...args] = [
        ...asUser,
        which('bash'),
        join(repoRoot, 'scripts/demo', name),
      ];
      return spawnSync(command, args, {
        env,
        encoding: 'utf8',
        timeout: 60_000,
      });
    };

    const up = script('up.sh');
    const sshdStarted = existsSync(join(demoDir, 'sshd.pid'));
    const down = script('down.sh');
    expect({ status: up.status, error: up.error, stderr: up.stderr }).toEqual({
      status: 0,
      error: undefined,
      stderr: expect.stringContaining(
        'demo:   sudo apt-get install -y docker-registry\n',
      ),
    });
    expect(up.stderr).toContain(
      'demo: no registry (docker-registry is not installed)',
    );
    // What it could start: the Git server with its repository and keys.
    expect(existsSync(join(demoDir, 'registry/config.yml'))).toBe(false);
    expect(sshdStarted).toBe(true);
    expect(existsSync(join(demoDir, 'git/demo.git/HEAD'))).toBe(true);
    expect(
      readFileSync(join(demoDir, 'app-config.demo.yaml'), 'utf8'),
    ).toContain('privateKey: { $file: ssh/deploy_key }');
    expect(down.stderr).toContain('demo: stopped sshd');
  }, 90_000);
});
