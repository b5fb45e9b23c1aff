import { ChildProcess, fork } from 'node:child_process';
import { resolve } from 'node:path';
import {
  EmulatorReply,
  EmulatorRequest,
  SeedRepository,
} from './githubEmulatorProtocol';

/** Creating 50 repositories × 100 files spawns git 5,000 times. */
const START_TIMEOUT_MS = 300_000;
const ANSWER_TIMEOUT_MS = 30_000;

/** The GitHub emulator, running in a child process. */
export interface GithubEmulatorProcess {
  apiBaseUrl: string;
  /** GitHub requests served since the last call, by route, and the emulator's CPU time so far. */
  requests(): Promise<{ byRoute: Record<string, number>; cpuMs: number }>;
  stop(): Promise<void>;
}

function ask(
  child: ChildProcess,
  request: EmulatorRequest,
  expect: EmulatorReply['type'],
  timeoutMs: number,
): Promise<EmulatorReply> {
  return new Promise((done, fail) => {
    const timer = setTimeout(() => {
      cleanup();
      fail(new Error(`GitHub emulator did not answer ${request.type} within ${timeoutMs} ms`));
    }, timeoutMs);
    const onMessage = (reply: EmulatorReply) => {
      if (reply.type === 'error') {
        cleanup();
        fail(new Error(`GitHub emulator failed: ${reply.message}`));
      } else if (reply.type === expect) {
        cleanup();
        done(reply);
      }
    };
    const onExit = (code: number | null) => {
      cleanup();
      fail(new Error(`GitHub emulator exited with ${code} during ${request.type}`));
    };
    function cleanup() {
      clearTimeout(timer);
      child.off('message', onMessage);
      child.off('exit', onExit);
    }
    child.on('message', onMessage);
    child.on('exit', onExit);
    child.send(request);
  });
}

/**
 * Starts the emulator in its own Node process with the given repositories,
 * so the measured process holds only the engine.
 */
export async function startGithubEmulatorProcess(options: {
  tokens: string[];
  repositories: SeedRepository[];
}): Promise<GithubEmulatorProcess> {
  const child = fork(
    // Benchmarks only ever run from source, never from a production build.
    // eslint-disable-next-line no-restricted-syntax
    resolve(__dirname, 'githubEmulatorWorker.ts'),
    [],
    {
      execArgv: ['--require', require.resolve('@backstage/cli/config/nodeTransform.cjs')],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  const stop = async () => {
    if (child.exitCode !== null || !child.connected) return;
    try {
      await ask(child, { type: 'stop' }, 'stopped', ANSWER_TIMEOUT_MS);
    } finally {
      if (child.exitCode === null) child.kill();
    }
  };
  try {
    const ready = await ask(
      child,
      { type: 'start', ...options },
      'ready',
      START_TIMEOUT_MS,
    );
    return {
      apiBaseUrl: (ready as { apiBaseUrl: string }).apiBaseUrl,
      async requests() {
        const reply = await ask(child, { type: 'requests' }, 'requests', ANSWER_TIMEOUT_MS);
        const { byRoute, cpuMs } = reply as Extract<EmulatorReply, { type: 'requests' }>;
        return { byRoute, cpuMs };
      },
      stop,
    };
  } catch (error) {
    child.kill();
    throw error;
  }
}
