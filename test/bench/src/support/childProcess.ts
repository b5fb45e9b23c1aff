import { ChildProcess, fork } from 'node:child_process';
import { basename, resolve } from 'node:path';
import { build } from 'esbuild';

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
  return forkWorker(sourceOf(fileName), [
    ...execArgv,
    '--require',
    require.resolve('@backstage/cli/config/nodeTransform.cjs'),
  ]);
}

/** A file of this folder. The benchmark's own files are never packaged. */
function sourceOf(fileName: string): string {
  // eslint-disable-next-line no-restricted-syntax
  return resolve(__dirname, fileName);
}

/** A worker with an IPC channel and the benchmark's output. */
function forkWorker(path: string, execArgv: string[]): ChildProcess {
  return fork(path, [], {
    execArgv,
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
}

/** The workspace's own packages, bundled in as `backstage-cli package build` would compile them. */
const WORKSPACE_PACKAGE = /^@(image-automation|internal)\//;

/** Bundles made by forkBuilt in this process, by source file. */
const built = new Map<string, Promise<string>>();

/**
 * Starts a TypeScript file of this folder the way a backend runs in
 * production: compiled to JavaScript beforehand, the workspace's own
 * packages bundled in, third-party packages left to `require`. Run from
 * source instead, a process also holds the TypeScript transform and every
 * module's text with its inline source map (about 40 MB more RSS), which no
 * deployed backend carries. IA_BENCH_FROM_SOURCE=1 runs from source (for
 * profiles that name source lines).
 */
export async function forkBuilt(
  fileName: string,
  execArgv: string[] = [],
): Promise<ChildProcess> {
  if (process.env.IA_BENCH_FROM_SOURCE) return forkSource(fileName, execArgv);
  const source = sourceOf(fileName);
  let bundle = built.get(source);
  if (!bundle) {
    bundle = buildBundle(source);
    built.set(source, bundle);
  }
  return forkWorker(await bundle, execArgv);
}

async function buildBundle(source: string): Promise<string> {
  // Inside the workspace, so third-party packages resolve from its node_modules.
  const outfile = sourceOf(`../../dist/${basename(source, '.ts')}.js`);
  await build({
    entryPoints: [source],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: `node${process.versions.node.split('.')[0]}`,
    logLevel: 'warning',
    plugins: [
      {
        name: 'third-party-packages-stay-external',
        setup(builder) {
          builder.onResolve({ filter: /^[^./]/ }, args =>
            WORKSPACE_PACKAGE.test(args.path)
              ? undefined
              : { path: args.path, external: true },
          );
        },
      },
    ],
  });
  return outfile;
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
