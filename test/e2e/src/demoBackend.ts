import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { spawnBackend, waitUntilReady } from './support/backendProcess';

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
 * app-config.yaml (and the given config files) plus an override that moves
 * app and backend to one free port on localhost: the guest sign-in only
 * works from the app's own origin.
 */
export async function startDemoBackend(options: {
  repoRoot: string;
  port: number;
  timeoutMs: number;
  /** Loaded after app-config.yaml, before the port override (the demo sandbox's). */
  configFiles?: string[];
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

  const backend = spawnBackend({
    repoRoot,
    configFiles: [
      join(repoRoot, 'app-config.yaml'),
      ...(options.configFiles ?? []),
      override,
    ],
  });
  const stop = () => {
    backend.kill('SIGKILL');
    rmSync(workDir, { recursive: true, force: true });
  };

  const started = Date.now();
  try {
    // The app's index page answers once the catalog and app-backend are up.
    await waitUntilReady(
      backend,
      async () => {
        const response = await fetch(`http://127.0.0.1:${port}/`);
        return (
          response.ok && (await response.text()).includes('<div id="root">')
        );
      },
      { timeoutMs, what: `serve http://127.0.0.1:${port}/` },
    );
  } catch (error) {
    stop();
    throw error;
  }
  return { origin, startupMs: Date.now() - started, logs: backend.logs, stop };
}
