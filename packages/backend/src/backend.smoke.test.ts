/*
 * Boots this demo backend as `yarn start` would (same entry point, the repo's
 * real app-config.yaml) on a free port and checks that it answers and stays
 * up: native-module and version mismatches only show at run time.
 */
import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const packageDir = resolve(__dirname, '..');
const repoRoot = resolve(packageDir, '../..');

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() =>
        typeof address === 'object' && address
          ? resolvePort(address.port)
          : reject(new Error('no port')),
      );
    });
  });
}

async function waitForHealth(
  url: string,
  backend: ChildProcess,
  logs: () => string,
) {
  const deadline = Date.now() + 90_000;
  while (Date.now() < deadline) {
    if (backend.exitCode !== null) {
      throw new Error(`backend exited with ${backend.exitCode}:\n${logs()}`);
    }
    try {
      const response = await fetch(url);
      if (response.ok) return response;
    } catch {
      // not listening yet
    }
    await new Promise(r => setTimeout(r, 250));
  }
  throw new Error(`backend did not answer ${url} within 90 s:\n${logs()}`);
}

describe('demo backend', () => {
  let backend: ChildProcess | undefined;
  let workDir: string;
  let output = '';

  afterAll(() => {
    if (backend?.pid && backend.exitCode === null)
      process.kill(-backend.pid, 'SIGKILL');
    rmSync(workDir, { recursive: true, force: true });
  });

  it('starts with the real config, answers /health and stays up', async () => {
    const port = await freePort();
    workDir = mkdtempSync(join(tmpdir(), 'backend-smoke-'));
    const override = join(workDir, 'app-config.smoke.yaml');
    writeFileSync(
      override,
      `backend:\n  baseUrl: http://localhost:${port}\n  listen: { port: ${port}, host: 127.0.0.1 }\n`,
    );

    backend = spawn(
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
        detached: true,
        env: { ...process.env, NODE_ENV: 'development' },
      },
    );
    backend.stdout?.on('data', d => (output += d));
    backend.stderr?.on('data', d => (output += d));

    const url = `http://127.0.0.1:${port}/api/image-automation/health`;
    const response = await waitForHealth(url, backend, () => output);
    expect(await response.json()).toEqual({ status: 'ok' });

    // better-sqlite3 12 aborted Node 24 a few seconds after start: keep watching.
    await new Promise(r => setTimeout(r, 8_000));
    expect(backend.exitCode).toBeNull();
    const again = await fetch(url);
    expect(again.status).toBe(200);
  }, 150_000);
});
