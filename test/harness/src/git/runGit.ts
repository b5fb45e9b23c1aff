import { spawn } from 'node:child_process';

/** A git invocation that exited with a status the caller did not expect. */
export class GitCommandError extends Error {
  constructor(
    readonly args: readonly string[],
    readonly exitCode: number | null,
    readonly stderr: string,
  ) {
    super(`git ${args.join(' ')} exited with ${exitCode}: ${stderr.trim()}`);
    this.name = 'GitCommandError';
  }
}

export interface GitResult {
  stdout: Buffer;
  exitCode: number;
}

export interface RunGitOptions {
  /** Bytes written to git's standard input. */
  input?: Buffer | string;
  /** Extra environment, e.g. author and committer identity for commit-tree. */
  env?: Record<string, string>;
  /** Exit codes that are answers rather than failures (merge-base --is-ancestor exits 1 for "no"). */
  acceptExitCodes?: readonly number[];
}

/**
 * The environment every git call runs in: no user or system configuration, so the machine's
 * git settings (hooks, signing, default branch, identity) cannot leak into emulated repositories.
 */
const isolatedEnvironment = (): NodeJS.ProcessEnv => ({
  PATH: process.env.PATH,
  HOME: process.env.HOME,
  LANG: 'C',
  LC_ALL: 'C',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  GIT_TERMINAL_PROMPT: '0',
});

/** Runs `git --git-dir=<gitDir> ...args` and collects its output as bytes. */
export function runGit(
  gitDir: string | undefined,
  args: readonly string[],
  options: RunGitOptions = {},
): Promise<GitResult> {
  const fullArgs = gitDir ? [`--git-dir=${gitDir}`, ...args] : [...args];
  return new Promise((resolve, reject) => {
    const child = spawn('git', fullArgs, {
      env: { ...isolatedEnvironment(), ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    child.stdout.on('data', chunk => stdout.push(chunk));
    child.stderr.on('data', chunk => stderr.push(chunk));
    child.on('error', reject);
    child.on('close', code => {
      const accepted = options.acceptExitCodes ?? [];
      if (code === 0 || (code !== null && accepted.includes(code))) {
        resolve({ stdout: Buffer.concat(stdout), exitCode: code });
      } else {
        reject(
          new GitCommandError(args, code, Buffer.concat(stderr).toString()),
        );
      }
    });
    child.stdin.on('error', () => {
      // git may exit before reading all input (e.g. on a bad object); the close handler reports it.
    });
    child.stdin.end(options.input ?? '');
  });
}
