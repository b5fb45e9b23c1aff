import { execFile } from 'node:child_process';

/** A git run that exited with an unexpected status, or was killed on timeout. */
export class GitCommandFailure extends Error {
  readonly name = 'GitCommandFailure';
  constructor(
    /** The subcommand, e.g. `fetch`: never its arguments, which may name paths. */
    readonly command: string,
    readonly exitCode: number | null,
    /** git's and ssh's messages, with every secret replaced by `***`. */
    readonly stderr: string,
    readonly timedOut: boolean,
  ) {
    super(
      timedOut
        ? `git ${command} timed out`
        : `git ${command} exited with ${exitCode}: ${stderr.trim()}`,
    );
  }
}

export interface RunGitOptions {
  /** The repository (`--git-dir`); undefined for commands that need none. */
  gitDir?: string;
  /** The whole environment of the process: nothing is inherited. */
  env: NodeJS.ProcessEnv;
  input?: string | Buffer;
  timeoutMs: number;
  /** Exit codes that are answers, not failures (push exits 1 when a ref is rejected). */
  acceptExitCodes?: number[];
  /** Strings never to let out of this function (keys, tokens), in stderr or errors. */
  secrets?: string[];
}

export interface GitOutput {
  stdout: Buffer;
  stderr: string;
  exitCode: number;
}

const MAX_OUTPUT_BYTES = 256 * 1024 * 1024;

/**
 * Runs the system `git` with an argument array (no shell), a complete
 * environment and a timeout. Errors carry git's messages scrubbed of secrets.
 */
export function runGit(
  args: string[],
  options: RunGitOptions,
): Promise<GitOutput> {
  const fullArgs = options.gitDir
    ? [`--git-dir=${options.gitDir}`, ...args]
    : args;
  const command = args.find(a => !a.startsWith('-')) ?? 'git';
  return new Promise((resolve, reject) => {
    const child = execFile(
      'git',
      fullArgs,
      {
        env: options.env,
        encoding: 'buffer',
        timeout: options.timeoutMs,
        killSignal: 'SIGKILL',
        maxBuffer: MAX_OUTPUT_BYTES,
        windowsHide: true,
      },
      (error, stdout, stderrBytes) => {
        const stderr = scrub(stderrBytes.toString(), options.secrets);
        let exitCode: number | null = 0;
        if (error)
          exitCode = typeof error.code === 'number' ? error.code : null;
        if (
          exitCode !== null &&
          (exitCode === 0 || options.acceptExitCodes?.includes(exitCode))
        ) {
          resolve({ stdout, stderr, exitCode });
          return;
        }
        const timedOut = Boolean(error?.killed) || error?.signal === 'SIGKILL';
        reject(new GitCommandFailure(command, exitCode, stderr, timedOut));
      },
    );
    child.stdin?.on('error', () => {
      // git may exit before reading its input; the exit status tells why.
    });
    child.stdin?.end(options.input ?? '');
  });
}

/** Replaces every secret, and every long line of one, by `***`. */
export function scrub(text: string, secrets: string[] = []): string {
  let result = text;
  for (const secret of secrets) {
    for (const piece of [secret, ...secret.split(/\r?\n/)]) {
      const trimmed = piece.trim();
      if (trimmed.length >= 8) result = result.split(trimmed).join('***');
    }
  }
  return result;
}
