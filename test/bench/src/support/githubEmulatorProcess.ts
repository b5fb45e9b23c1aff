import { ask, forkSource } from './childProcess';
import {
  EmulatorReply,
  GithubTraffic,
  SeedRepository,
} from './githubEmulatorProtocol';

/** Creating 50 repositories × 100 files spawns git 5,000 times. */
const START_TIMEOUT_MS = 300_000;
const ANSWER_TIMEOUT_MS = 30_000;
const WHAT = 'the GitHub emulator';

type Answer<T extends EmulatorReply['type']> = Extract<
  EmulatorReply,
  { type: T }
>;

/** The GitHub emulator, running in a child process. */
export interface GithubEmulatorProcess {
  apiBaseUrl: string;
  /** GitHub requests served since the last call, what they cost, and the emulator's CPU time so far. */
  requests(): Promise<GithubTraffic & { cpuMs: number }>;
  stop(): Promise<void>;
}

/**
 * Starts the emulator in its own Node process with the given repositories,
 * so the measured process holds only the engine.
 */
export async function startGithubEmulatorProcess(options: {
  tokens: string[];
  repositories: SeedRepository[];
}): Promise<GithubEmulatorProcess> {
  const child = forkSource('githubEmulatorWorker.ts');
  const stop = async () => {
    if (child.exitCode !== null || !child.connected) return;
    try {
      await ask<Answer<'stopped'>>(
        child,
        { type: 'stop' },
        'stopped',
        ANSWER_TIMEOUT_MS,
        WHAT,
      );
    } finally {
      if (child.exitCode === null) child.kill();
    }
  };
  try {
    const ready = await ask<Answer<'ready'>>(
      child,
      { type: 'start', ...options },
      'ready',
      START_TIMEOUT_MS,
      WHAT,
    );
    return {
      apiBaseUrl: ready.apiBaseUrl,
      async requests() {
        const { type: _, ...traffic } = await ask<Answer<'requests'>>(
          child,
          { type: 'requests' },
          'requests',
          ANSWER_TIMEOUT_MS,
          WHAT,
        );
        return traffic;
      },
      stop,
    };
  } catch (error) {
    child.kill();
    throw error;
  }
}
