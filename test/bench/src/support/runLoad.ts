import { fork } from 'node:child_process';
import { resolve } from 'node:path';
import { LoadPlan, LoadReply, LoadResult } from './loadProtocol';

/** Generous: 20,000 requests at a few ms each take well under a minute. */
const LOAD_TIMEOUT_MS = 300_000;

/** Runs a load plan from a separate Node process and returns what it measured. */
export function runLoad(plan: LoadPlan): Promise<LoadResult> {
  const child = fork(
    // Benchmarks only ever run from source, never from a production build.
    // eslint-disable-next-line no-restricted-syntax
    resolve(__dirname, 'loadWorker.ts'),
    [],
    {
      execArgv: ['--require', require.resolve('@backstage/cli/config/nodeTransform.cjs')],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  return new Promise<LoadResult>((done, fail) => {
    const timer = setTimeout(() => {
      child.kill();
      fail(new Error(`the load generator did not finish within ${LOAD_TIMEOUT_MS} ms`));
    }, LOAD_TIMEOUT_MS);
    // Other messages may arrive on the channel (the CLI's module transform uses it).
    child.on('message', (reply: LoadReply) => {
      if (reply?.type === 'done') done(reply.result);
      else if (reply?.type === 'error') fail(new Error(`the load generator failed: ${reply.message}`));
      else return;
      clearTimeout(timer);
    });
    child.once('exit', code => {
      clearTimeout(timer);
      fail(new Error(`the load generator exited with ${code} before answering`));
    });
    child.send(plan);
  });
}
