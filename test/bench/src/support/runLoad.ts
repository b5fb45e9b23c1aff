import { ask, forkSource, waitForExit } from './childProcess';
import { LoadPlan, LoadReply, LoadResult } from './loadProtocol';

/** Generous: 20,000 requests at a few ms each take well under a minute. */
const LOAD_TIMEOUT_MS = 300_000;

/** Runs a load plan from a separate Node process and returns what it measured. */
export async function runLoad(plan: LoadPlan): Promise<LoadResult> {
  const child = forkSource('loadWorker.ts');
  try {
    const reply = await ask<Extract<LoadReply, { type: 'done' }>>(
      child,
      { type: 'run', ...plan },
      'done',
      LOAD_TIMEOUT_MS,
      'the load generator',
    );
    return reply.result;
  } finally {
    await waitForExit(child);
  }
}
