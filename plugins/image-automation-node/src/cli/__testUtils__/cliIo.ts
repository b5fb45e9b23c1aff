import { execFile } from 'node:child_process';
import { resolve } from 'node:path';
import { promisify } from 'node:util';
import { CliIo } from '../verbs';

/** The repository's root, for tests that run the CLI as a user would. */
export const REPO_ROOT = resolve(__dirname, '../../../../..');

/**
 * Runs `yarn image-automation ARGS` at the repository root, through the real
 * bin as a user would; rejects with `code` and `stderr` on a non-zero exit.
 */
export function runBin(
  args: string[],
  env: NodeJS.ProcessEnv = process.env,
): Promise<{ stdout: string; stderr: string }> {
  return promisify(execFile)('yarn', ['image-automation', ...args], {
    cwd: REPO_ROOT,
    env,
    timeout: 60_000,
  });
}

/** A CliIo for tests: what the verb writes is kept in `out` and `err`. */
export interface CapturedIo extends CliIo {
  out: string;
  err: string;
}

/**
 * The streams of one CLI run in a test.
 *
 * @param stdin - what the verb reads from standard input
 */
export function captureIo(cwd = process.cwd(), stdin = ''): CapturedIo {
  const io: CapturedIo = {
    out: '',
    err: '',
    cwd,
    stdout: text => {
      io.out += text;
    },
    stderr: text => {
      io.err += text;
    },
    readStdin: async () => stdin,
  };
  return io;
}
