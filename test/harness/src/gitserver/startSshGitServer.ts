import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  chmodSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
  appendFileSync,
} from 'node:fs';
import { connect } from 'node:net';
import { tmpdir, userInfo } from 'node:os';
import { join } from 'node:path';
import { freePort } from '../registry/ports';
import { DeployKey, generateDeployKey } from './deployKeys';
import { GitServerRoot } from './GitServerRoot';
import { descendants, killAll } from './processes';

const SSHD = '/usr/sbin/sshd';

export interface StartSshGitServerOptions {
  /** Serve this root (e.g. shared with the HTTP server); default a new one, removed on stop. */
  root?: GitServerRoot;
  /** Forward the client's GIT_PROTOCOL (protocol v2). Default true, as GitHub and GitLab do. */
  acceptProtocolEnv?: boolean;
}

export interface StartedSshGitServer {
  /** `127.0.0.1:PORT`: the `host` of a `git.hosts` entry. */
  host: string;
  port: number;
  /** The login user (the one running the tests: sshd only logs in real accounts). */
  user: string;
  /** The server's host key line, `[127.0.0.1]:PORT ssh-ed25519 …`, as `ssh-keyscan` prints it. */
  knownHosts: string;
  /** A key with read and write access, authorised at start. */
  deployKey: DeployKey;
  root: GitServerRoot;
  /** `ssh://USER@127.0.0.1:PORT/team/app.git` for a repository path. */
  url(path: string): string;
  /** Authorises another key; `readOnly` keys may fetch but are refused pushes. */
  addDeployKey(options?: { readOnly?: boolean }): DeployKey;
  /** sshd's own log (stderr), for diagnosing a failed test. */
  log(): string;
  stop(): Promise<void>;
}

/**
 * Starts Debian's OpenSSH server on a free loopback port with its own host
 * key, serving the bare repositories of a GitServerRoot through git-shell to
 * deploy keys only. Installs `openssh-server` with apt when it is missing.
 *
 *     const server = await startSshGitServer();
 *     await server.root.createRepository('team/app.git', { files });
 *     // clone server.url('team/app.git') with server.deployKey and server.knownHosts
 */
export async function startSshGitServer(
  options: StartSshGitServerOptions = {},
): Promise<StartedSshGitServer> {
  ensureSshd();
  const dir = mkdtempSync(join(tmpdir(), 'ia-sshd-'));
  const root = options.root ?? GitServerRoot.create();
  const user = userInfo().username;
  const hostKey = join(dir, 'host_ed25519');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', hostKey]);
  const authorizedKeys = join(dir, 'authorized_keys');
  writeFileSync(authorizedKeys, '');
  const serveScript = join(dir, 'serve-git');
  writeFileSync(serveScript, serveScriptText(root.dir));
  chmodSync(serveScript, 0o755);
  if (process.getuid?.() === 0) mkdirSync('/run/sshd', { recursive: true });

  const authorize = (readOnly: boolean): DeployKey => {
    const key = generateDeployKey(
      readOnly ? 'read-only-deploy-key' : 'deploy-key',
    );
    // restrict: no pty, forwarding or agent; the command pins git-shell.
    const command = `${serveScript}${readOnly ? ' --read-only' : ''}`;
    appendFileSync(
      authorizedKeys,
      `restrict,command="${command}" ${key.publicKey}\n`,
    );
    return key;
  };
  const deployKey = authorize(false);

  let child: ChildProcess | undefined;
  let port = 0;
  // One holder, written by the current sshd's stderr: closures in the loop share it.
  const output = { text: '' };
  for (let attempt = 0; attempt < 5 && !child; attempt++) {
    port = await freePort();
    const config = join(dir, 'sshd_config');
    writeFileSync(
      config,
      [
        `Port ${port}`,
        'ListenAddress 127.0.0.1',
        `HostKey ${hostKey}`,
        `PidFile ${join(dir, 'sshd.pid')}`,
        `AuthorizedKeysFile ${authorizedKeys}`,
        `AllowUsers ${user}`,
        'UsePAM no',
        // Temp dirs fail sshd's ownership checks.
        'StrictModes no',
        'PubkeyAuthentication yes',
        'PasswordAuthentication no',
        'KbdInteractiveAuthentication no',
        'PermitRootLogin prohibit-password',
        'PrintMotd no',
        'LogLevel VERBOSE',
        ...(options.acceptProtocolEnv === false
          ? []
          : ['AcceptEnv GIT_PROTOCOL']),
        '',
      ].join('\n'),
    );
    execFileSync(SSHD, ['-t', '-f', config]);
    output.text = '';
    const started = spawn(SSHD, ['-D', '-e', '-f', config], {
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    started.stderr?.on('data', chunk => {
      output.text = (output.text + chunk).slice(-20000);
    });
    if (await waitForBanner(port, started)) child = started;
    else {
      started.kill('SIGKILL');
      if (attempt === 4) throw new Error(`sshd did not start: ${output.text}`);
    }
  }
  const knownHosts = `[127.0.0.1]:${port} ${readFileSync(
    `${hostKey}.pub`,
    'utf8',
  )
    .trim()
    .split(' ')
    .slice(0, 2)
    .join(' ')}`;

  return {
    host: `127.0.0.1:${port}`,
    port,
    user,
    knownHosts,
    deployKey,
    root,
    url: path => `ssh://${user}@127.0.0.1:${port}/${path.replace(/^\/+/, '')}`,
    addDeployKey: ({ readOnly = false } = {}) => authorize(readOnly),
    log: () => output.text,
    async stop() {
      const main = child!;
      const pids = main.pid ? descendants(main.pid) : [];
      killAll(pids, 'SIGTERM');
      if (main.exitCode === null) {
        await new Promise<void>(resolve => {
          main.once('exit', () => resolve());
          main.kill('SIGTERM');
        });
      }
      killAll(pids, 'SIGKILL');
      rmSync(dir, { recursive: true, force: true });
      if (!options.root) root.remove();
    },
  };
}

/**
 * The forced command of every key: git-shell on paths relative to the root,
 * so `ssh://host/team/app.git` (sent as `'/team/app.git'`) and
 * `host:team/app.git` name the same repository. Read-only keys are refused
 * receive-pack, as a server's read-only deploy key is.
 */
function serveScriptText(rootDir: string): string {
  return `#!/bin/sh
cd '${rootDir}' || exit 1
cmd=$(printf '%s' "$SSH_ORIGINAL_COMMAND" | sed "s#^\\(git-[a-z-]*\\) '/#\\1 '#")
if [ "$1" = --read-only ]; then
  case "$cmd" in
    git-receive-pack*) echo "ERROR: this deploy key has read access only; pushes are refused" >&2; exit 1 ;;
  esac
fi
exec git-shell -c "$cmd"
`;
}

function ensureSshd(): void {
  if (existsSync(SSHD)) return;
  const args = ['apt-get', 'install', '-y', '-qq', 'openssh-server'];
  const asRoot = process.getuid?.() === 0;
  execFileSync(asRoot ? args[0] : 'sudo', asRoot ? args.slice(1) : args, {
    stdio: 'ignore',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
}

/** Waits until the port sends an SSH banner, or the process exits. */
async function waitForBanner(
  port: number,
  child: ChildProcess,
): Promise<boolean> {
  for (let i = 0; i < 100; i++) {
    if (child.exitCode !== null) return false;
    const banner = await new Promise<boolean>(resolve => {
      const socket = connect(port, '127.0.0.1');
      socket.setTimeout(1000);
      socket.once('data', data => {
        socket.destroy();
        resolve(data.toString().startsWith('SSH-'));
      });
      socket.once('error', () => resolve(false));
      socket.once('timeout', () => {
        socket.destroy();
        resolve(false);
      });
    });
    if (banner) return true;
    await new Promise(r => setTimeout(r, 50));
  }
  return false;
}
