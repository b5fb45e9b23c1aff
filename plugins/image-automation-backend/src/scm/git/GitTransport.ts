import { mkdirSync, readdirSync, rmSync, statSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { RepositoryLocation } from '@image-automation/plugin-image-automation-common';
import { PlainGitHost } from './PlainGitHostConfig';

/** Key directories of commands still running: removed if the process exits first. */
const liveKeyDirs = new Set<string>();
process.once('exit', () => {
  for (const dir of liveKeyDirs) rmSync(dir, { recursive: true, force: true });
});

/** Longer than any git command may run (its timeout), so no running command loses its key. */
const STALE_KEY_DIR_MS = 60 * 60_000;

/**
 * Removes key directories a killed process left behind in `keysDir`; called
 * at start. Only old ones: another replica may share the working directory.
 */
export function removeStaleKeyDirs(keysDir: string, now = Date.now()): void {
  let names: string[];
  try {
    names = readdirSync(keysDir);
  } catch {
    return;
  }
  for (const name of names) {
    const path = join(keysDir, name);
    try {
      if (now - statSync(path).mtimeMs > STALE_KEY_DIR_MS) {
        rmSync(path, { recursive: true, force: true });
      }
    } catch {
      // Removed meanwhile.
    }
  }
}

/**
 * How git reaches one server: the environment of every command (no user or
 * system config, no prompts, no agent) and, for the commands that talk to the
 * server, the credentials. A deploy key lives on disk only while such a
 * command runs: 0600 in a fresh 0700 directory, removed afterwards.
 */
export class GitTransport {
  constructor(
    private readonly location: RepositoryLocation,
    private readonly host: PlainGitHost,
    /** An empty private directory used as HOME, so no ~/.gitconfig or ~/.ssh is read. */
    private readonly homeDir: string,
    /** A private (0700) directory for the key files of running commands. */
    private readonly keysDir: string,
  ) {}

  get kind(): 'ssh' | 'https' {
    return this.location.protocol === 'ssh' ? 'ssh' : 'https';
  }

  /** What must never appear in logs or errors. */
  get secrets(): string[] {
    const { ssh, https } = this.host;
    const secrets: string[] = [];
    if (ssh) secrets.push(ssh.privateKey);
    if (https) {
      secrets.push(https.token, basic(https.username, https.token));
    }
    return secrets;
  }

  /** The environment of commands that stay local (no credentials at all). */
  localEnv(): NodeJS.ProcessEnv {
    return withConfig(this.baseEnv(), this.protocolConfig());
  }

  /** Runs `fn` with an environment that can reach the server. */
  async withRemoteEnv<T>(fn: (env: NodeJS.ProcessEnv) => Promise<T>) {
    if (this.kind === 'https') {
      const { username, token } = this.host.https!;
      const scope = `${this.location.protocol}://${this.location.host}/`;
      return fn(
        withConfig(this.baseEnv(), [
          ...this.protocolConfig(),
          ['credential.helper', ''],
          // Scoped to the host: a redirect elsewhere does not get the token.
          [
            `http.${scope}.extraHeader`,
            `Authorization: Basic ${basic(username, token)}`,
          ],
        ]),
      );
    }
    const { privateKey, knownHosts } = this.host.ssh!;
    mkdirSync(this.keysDir, { recursive: true, mode: 0o700 });
    const dir = await mkdtemp(join(this.keysDir, 'ssh-'));
    liveKeyDirs.add(dir);
    try {
      const keyFile = join(dir, 'deploy_key');
      const knownHostsFile = join(dir, 'known_hosts');
      await writeFile(keyFile, `${normalize(privateKey)}\n`, { mode: 0o600 });
      await writeFile(knownHostsFile, `${normalize(knownHosts)}\n`, {
        mode: 0o600,
      });
      const sshCommand = [
        'ssh',
        '-F',
        '/dev/null',
        '-i',
        quote(keyFile),
        '-o',
        'IdentitiesOnly=yes',
        '-o',
        'IdentityAgent=none',
        '-o',
        `UserKnownHostsFile=${quote(knownHostsFile)}`,
        '-o',
        'GlobalKnownHostsFile=/dev/null',
        '-o',
        'StrictHostKeyChecking=yes',
        '-o',
        'UpdateHostKeys=no',
        '-o',
        'BatchMode=yes',
        '-o',
        'ConnectTimeout=30',
      ].join(' ');
      return await fn({
        ...this.localEnv(),
        GIT_SSH_COMMAND: sshCommand,
        GIT_SSH_VARIANT: 'ssh',
      });
    } finally {
      await rm(dir, { recursive: true, force: true });
      liveKeyDirs.delete(dir);
    }
  }

  private baseEnv(): NodeJS.ProcessEnv {
    return {
      PATH: process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin',
      HOME: this.homeDir,
      XDG_CONFIG_HOME: this.homeDir,
      LANG: 'C',
      LC_ALL: 'C',
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_TERMINAL_PROMPT: '0',
    };
  }

  /** Only the repository's own transport: no `ext::`, `file://` or other helpers. */
  private protocolConfig(): Array<[string, string]> {
    return [
      ['protocol.allow', 'never'],
      [`protocol.${this.location.protocol}.allow`, 'always'],
    ];
  }
}

/** Config passed as GIT_CONFIG_* variables: unlike `-c`, not visible in the process list. */
function withConfig(
  env: NodeJS.ProcessEnv,
  entries: Array<[string, string]>,
): NodeJS.ProcessEnv {
  const result: NodeJS.ProcessEnv = {
    ...env,
    GIT_CONFIG_COUNT: String(entries.length),
  };
  entries.forEach(([key, value], i) => {
    result[`GIT_CONFIG_KEY_${i}`] = key;
    result[`GIT_CONFIG_VALUE_${i}`] = value;
  });
  return result;
}

function basic(username: string, token: string): string {
  return Buffer.from(`${username}:${token}`).toString('base64');
}

/** Config values often come with Windows line ends or without the final newline ssh needs. */
function normalize(text: string): string {
  return text.replace(/\r\n/g, '\n').trim();
}

/** GIT_SSH_COMMAND is run by a shell: single-quote the paths. */
function quote(path: string): string {
  return `'${path.replace(/'/g, `'\\''`)}'`;
}
