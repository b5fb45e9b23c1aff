import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

/** One line the backend wrote, with the time it reached the test. */
export interface LogLine {
  at: number;
  text: string;
}

/** packages/backend running from source in its own process group. */
export interface BackendProcess {
  readonly pid: number;
  /** Everything written so far, stdout and stderr interleaved, colours removed. */
  logs(): string;
  /** The same output as lines, each stamped with its arrival time. */
  lines(): LogLine[];
  /** False once the process has exited or was killed. */
  running(): boolean;
  /** Resolves when the process has exited, however it ended. */
  readonly exited: Promise<void>;
  /** Sends `signal` (default SIGKILL) to the whole process group. */
  kill(signal?: NodeJS.Signals): void;
}

// eslint-disable-next-line no-control-regex
const ANSI_ESCAPES = /\x1b\[[0-9;]*m/g;

/**
 * Starts the demo backend as `yarn start` would (the Backstage CLI's
 * on-the-fly TypeScript transform, no build), with the given config files
 * merged in order. `NODE_ENV=development` keeps the guest sign-in enabled.
 */
export function spawnBackend(options: {
  repoRoot: string;
  configFiles: string[];
  env?: Record<string, string>;
}): BackendProcess {
  const { repoRoot, configFiles } = options;
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      'src/index.ts',
      ...configFiles.flatMap(file => ['--config', file]),
    ],
    {
      cwd: join(repoRoot, 'packages/backend'),
      // Its own process group, so kill() ends the backend and its children.
      detached: true,
      env: { ...process.env, NODE_ENV: 'development', ...options.env },
    },
  );
  let output = '';
  let partial = '';
  const lines: LogLine[] = [];
  const collect = (chunk: Buffer) => {
    const text = chunk.toString('utf8').replace(ANSI_ESCAPES, '');
    output += text;
    const parts = (partial + text).split('\n');
    partial = parts.pop() ?? '';
    const at = Date.now();
    for (const part of parts) lines.push({ at, text: part });
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);
  const exited = new Promise<void>(resolve => {
    if (child.exitCode !== null || child.signalCode !== null) resolve();
    else child.once('exit', () => resolve());
  });
  const running = () => child.exitCode === null && child.signalCode === null;

  return {
    pid: child.pid!,
    logs: () => output,
    lines: () => lines,
    running,
    exited,
    kill(signal = 'SIGKILL') {
      if (!child.pid || !running()) return;
      try {
        process.kill(-child.pid, signal);
      } catch {
        // already gone
      }
    },
  };
}

/**
 * Polls `probe` until it answers true; fails early with the backend's output
 * when the process exits, and after `timeoutMs` with the same output.
 */
export async function waitUntilReady(
  backend: BackendProcess,
  probe: () => Promise<boolean>,
  options: { timeoutMs: number; what: string },
): Promise<void> {
  const deadline = Date.now() + options.timeoutMs;
  while (Date.now() < deadline) {
    if (!backend.running()) {
      throw new Error(
        `the backend exited before ${options.what}:\n${backend.logs()}`,
      );
    }
    try {
      if (await probe()) return;
    } catch {
      // not listening yet
    }
    await new Promise(resolve => setTimeout(resolve, 500));
  }
  throw new Error(
    `the backend did not get to ${options.what} within ${
      options.timeoutMs
    } ms:\n${backend.logs()}`,
  );
}
