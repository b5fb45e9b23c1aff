import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readSandboxState, SandboxState } from './sandboxRepository';

/** The demo sandbox (scripts/demo/up.sh) with its state in a temp dir. */
export interface DemoSandbox extends SandboxState {
  demoDir: string;
  /** The config the sandbox wrote for the backend, to load after app-config.yaml. */
  configFile: string;
  stop(): void;
}

/**
 * Brings up the demo sandbox as ./scripts/start.sh does, for a backend on
 * `backendPort` (the registry's notifications go there) serving the app on
 * `appPort`.
 */
export function startDemoSandbox(options: {
  repoRoot: string;
  backendPort: number;
  appPort: number;
}): DemoSandbox {
  const demoDir = mkdtempSync(join(tmpdir(), 'ia-demo-'));
  const env = {
    ...process.env,
    IA_DEMO_DIR: demoDir,
    IA_DEMO_BACKEND_PORT: String(options.backendPort),
    IA_DEMO_APP_PORT: String(options.appPort),
  };
  const script = (name: string) =>
    execFileSync('bash', [join('scripts/demo', name)], {
      cwd: options.repoRoot,
      env,
      stdio: ['ignore', 'ignore', 'pipe'],
      timeout: 120_000,
    });
  try {
    script('up.sh');
  } catch (error) {
    rmSync(demoDir, { recursive: true, force: true });
    throw new Error(
      `scripts/demo/up.sh failed: ${(error as { stderr?: Buffer }).stderr}`,
    );
  }
  return {
    ...readSandboxState(demoDir),
    demoDir,
    configFile: join(demoDir, 'app-config.demo.yaml'),
    stop() {
      script('down.sh');
      rmSync(demoDir, { recursive: true, force: true });
    },
  };
}
