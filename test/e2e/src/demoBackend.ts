import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** The demo backend (packages/backend) serving the built app, on loopback. */
export interface DemoBackend {
  /** `http://localhost:PORT`: app and backend share this origin. */
  origin: string;
  /** Milliseconds from spawn until the app answered. */
  startupMs: number;
  logs(): string;
  stop(): void;
}

/**
 * Starts the demo backend as `yarn start` would, with the repository's
 * app-config.yaml plus an override that moves app and backend to one free
 * port on localhost: the guest sign-in only works from the app's own origin.
 */
export async function startDemoBackend(options: {
  repoRoot: string;
  port: number;
  timeoutMs: number;
}): Promise<DemoBackend> {
  const { repoRoot, port, timeoutMs } = options;
  const origin = `http://localhost:${port}`;
  const workDir = mkdtempSync(join(tmpdir(), 'image-automation-e2e-'));
  const override = join(workDir, 'app-config.e2e.yaml');
  writeFileSync(
    override,
    [
      `app:`,
      `  baseUrl: ${origin}`,
      `backend:`,
      `  baseUrl: ${origin}`,
      `  listen: { port: ${port}, host: 127.0.0.1 }`,
      `  cors:`,
      `    origin: ${origin}`,
      ``,
    ].join('\n'),
  );

  const packageDir = join(repoRoot, 'packages/backend');
  const child: ChildProcess = spawn(
    process.execPath,
    [
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      'src/index.ts',
      '--config',
      join(repoRoot, 'app-config.yaml'),
      '--config',
      override,
    ],
    {
      cwd: packageDir,
      // Its own process group, so stop() ends the backend and its children.
      detached: true,
      env: { ...process.env, NODE_ENV: 'development' },
    },
  );
  let output = '';
  child.stdout?.on('data', chunk => (output += chunk));
  child.stderr?.on('data', chunk => (output += chunk));

  const stop = () => {
    if (child.pid && child.exitCode === null && child.signalCode === null) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    rmSync(workDir, { recursive: true, force: true });
  };

  const started = Date.now();
  try {
    await waitUntilServing(`http://127.0.0.1:${port}/`, child, timeoutMs, () => output);
  } catch (error) {
    stop();
    throw error;
  }
  return { origin, startupMs: Date.now() - started, logs: () => output, stop };
}

/** Polls until the app's index page answers: the catalog and app-backend are then up. */
async function waitUntilServing(
  url: string,
  child: ChildProcess,
  timeoutMs: number,
  logs: () => string,
) {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`the demo backend exited with ${child.exitCode}:\n${logs()}`);
    }
    try {
      const response = await fetch(url);
      if (response.ok && (await response.text()).includes('<div id="root">')) {
        return;
      }
    } catch {
      // not listening yet
    }
    await new Promise(resolve => setTimeout(resolve, 500));
  }
  throw new Error(`the demo backend did not serve ${url} within ${timeoutMs} ms:\n${logs()}`);
}
