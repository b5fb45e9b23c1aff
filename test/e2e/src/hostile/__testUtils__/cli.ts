import { execFile } from 'node:child_process';
import { resolve } from 'node:path';

/** The repository's `image-automation` CLI, run from its sources like `yarn image-automation`. */
const CLI_BIN = resolve(
  __dirname,
  '../../../../../plugins/image-automation-node/bin/image-automation',
);

export interface CliResult {
  code: number | null;
  stdout: string;
  stderr: string;
  elapsedMs: number;
}

/**
 * Runs `image-automation ARGS` in a child process with this Node, so a hang
 * or crash of the CLI shows as a timeout or a stack trace, not as a test
 * runner problem. `input` goes to stdin.
 */
export function runImageAutomationCli(
  args: string[],
  options: { cwd: string; input?: string; timeoutMs?: number },
): Promise<CliResult> {
  const started = performance.now();
  return new Promise((resolveResult, reject) => {
    const child = execFile(
      process.execPath,
      [CLI_BIN, ...args],
      {
        cwd: options.cwd,
        env: { ...process.env, INIT_CWD: options.cwd },
        timeout: options.timeoutMs ?? 30_000,
        maxBuffer: 16 * 1024 * 1024,
      },
      (error, stdout, stderr) => {
        if (error && typeof error.code !== 'number') {
          reject(
            new Error(
              `image-automation ${args.join(' ')} did not exit by itself: ${
                error.message
              }\n${stderr}`,
            ),
          );
          return;
        }
        resolveResult({
          code: typeof error?.code === 'number' ? error.code : 0,
          stdout,
          stderr,
          elapsedMs: performance.now() - started,
        });
      },
    );
    child.stdin?.end(options.input ?? '');
  });
}
