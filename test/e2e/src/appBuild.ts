import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';

/** The newest modification time of any file under `dir` (0 when it does not exist). */
function newestMtime(dir: string): number {
  if (!existsSync(dir)) return 0;
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.name === 'node_modules' || entry.name === 'dist') continue;
    const path = join(dir, entry.name);
    const mtime = entry.isDirectory()
      ? newestMtime(path)
      : statSync(path).mtimeMs;
    newest = Math.max(newest, mtime);
  }
  return newest;
}

/**
 * Builds the demo app unless packages/app/dist is newer than every frontend
 * source the bundle is made of. Returns how long the build took (0 when the
 * existing one was reused), for the test to report.
 */
export function ensureAppBuild(repoRoot: string): number {
  const builtAt = (() => {
    const index = join(repoRoot, 'packages/app/dist/index.html');
    return existsSync(index) ? statSync(index).mtimeMs : 0;
  })();
  const sources = Math.max(
    newestMtime(join(repoRoot, 'packages/app')),
    newestMtime(join(repoRoot, 'plugins/image-automation')),
    newestMtime(join(repoRoot, 'plugins/image-automation-common')),
  );
  if (builtAt > sources) return 0;

  const started = Date.now();
  // A person running the tests sees why nothing else moves for a while.
  process.stdout.write('e2e: building the demo app (a few minutes)\n');
  execFileSync('yarn', ['workspace', 'app', 'build'], {
    cwd: repoRoot,
    stdio: 'pipe',
    timeout: 8 * 60_000,
    // Jest sets NODE_ENV=test, for which the app has no browserslist and
    // rspack refuses to build.
    env: { ...process.env, NODE_ENV: 'production' },
  });
  return Date.now() - started;
}
