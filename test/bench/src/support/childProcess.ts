import { ChildProcess, fork } from 'node:child_process';
import { resolve } from 'node:path';

/**
 * Starts a TypeScript file of this folder in its own Node process, the way
 * `yarn bench` runs (from source, through the CLI's module transform), with
 * an IPC channel. Used where a figure must not include the benchmark itself:
 * the emulator, the load generator, the measured cycle.
 */
export function forkSource(
  fileName: string,
  execArgv: string[] = [],
): ChildProcess {
  return fork(
    // Benchmarks only ever run from source, never from a production build.
    // eslint-disable-next-line no-restricted-syntax
    resolve(__dirname, fileName),
    [],
    {
      execArgv: [
        ...execArgv,
        '--require',
        require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      ],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
}

/** The reply protocol every worker here follows: a typed answer or an error. */
interface Reply {
  type: string;
  message?: string;
}

/**
 * Sends `request` and waits for the reply of type `expect`. Other messages
 * are ignored: the CLI's module transform uses the channel too.
 */
export function ask<R extends Reply>(
  child: ChildProcess,
  request: { type: string },
  expect: R['type'],
  timeoutMs: number,
  what: string,
): Promise<R> {
  return new Promise((done, fail) => {
    const timer = setTimeout(() => {
      cleanup();
      fail(
        new Error(
          `${what} did not answer ${request.type} within ${timeoutMs} ms`,
        ),
      );
    }, timeoutMs);
    const onMessage = (reply: R) => {
      if (reply?.type === 'error') {
        cleanup();
        fail(new Error(`${what} failed: ${reply.message}`));
      } else if (reply?.type === expect) {
        cleanup();
        done(reply);
      }
    };
    const onExit = (code: number | null) => {
      cleanup();
      fail(new Error(`${what} exited with ${code} during ${request.type}`));
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
 * Lets a worker that has answered exit by itself (so it can flush what it
 * writes on exit, such as a --cpu-prof profile), and kills it after `graceMs`.
 */
export async function waitForExit(
  child: ChildProcess,
  graceMs = 10_000,
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  await new Promise<void>(done => {
    const timer = setTimeout(() => {
      child.kill();
      done();
    }, graceMs);
    child.once('exit', () => {
      clearTimeout(timer);
      done();
    });
  });
}
