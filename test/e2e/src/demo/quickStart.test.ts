/*
 * The quick start as a newcomer runs it: `./scripts/start.sh` installs what is
 * missing, brings up the demo sandbox (a seeded registry and a Git server over
 * SSH) and the demo backend; within a minute the demo entities show real
 * state through the API and the changes are in the sandbox's Git repository;
 * `scripts/demo-push.sh` sends a new tag through; Ctrl-C (SIGINT to the
 * process group, as a terminal sends it) leaves no process behind.
 *
 * It runs in this checkout with the sandbox's state in a temp dir
 * (IA_DEMO_DIR) and the backend on a free port, and starts only the backend
 * (`start.sh backend`): the app's dev build is the browser test's business.
 */
import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { freePort } from '@internal/image-automation-test-harness';
import {
  guestToken,
  ImageAutomationApi,
  imageAutomationApi,
} from '../support/imageAutomationApi';
import { eventually } from '../support/poll';
import {
  BranchHeadView,
  readSandboxState,
  SandboxRepository,
  SandboxState,
} from './sandboxRepository';

const repoRoot = resolve(__dirname, '../../../..');
const DEMO_ENTITIES = [
  'web-frontend',
  'payments-api',
  'cache',
  'checkout',
  'search',
  'inventory',
];

describe('./scripts/start.sh, the demo out of the box', () => {
  let demoDir: string;
  let child: ChildProcess;
  let output = '';
  let exited: Promise<number | null>;
  let api: ImageAutomationApi;
  let token: string;
  let sandbox: SandboxState;
  let repo: SandboxRepository;
  const startedAt = Date.now();

  /** A manifest of examples/demo/repo as the sandbox rendered it, with one image line changed. */
  const manifest = (path: string, from?: string, to?: string) => {
    const text = readFileSync(
      join(repoRoot, 'examples/demo/repo', path),
      'utf8',
    ).replaceAll('${DEMO_REGISTRY}', sandbox.registryHost);
    return from && to ? text.replace(from, to) : text;
  };

  const view = (name: string) =>
    eventually(
      `${name}'s status from the API`,
      async () => {
        const found = await api.entity(name);
        return found?.images.length || found?.configProblems.length
          ? found
          : undefined;
      },
      { timeoutMs: 60_000 },
    );

  /** The entity's history, newest first (`GET …/history`). */
  const history = async (name: string) => {
    const url = `${api.baseUrl}/api/image-automation/entities/component/default/${name}/history`;
    const response = await fetch(url, {
      headers: { authorization: `Bearer ${token}` },
    });
    if (!response.ok) {
      throw new Error(
        `GET ${url} answered ${response.status}: ${await response.text()}`,
      );
    }
    return (
      (await response.json()) as {
        items: Array<{ event: string; commitSha?: string }>;
      }
    ).items;
  };
  /** The branch heads the push-branch test found, by entity. */
  const written = new Map<string, BranchHeadView>();

  beforeAll(async () => {
    demoDir = mkdtempSync(join(tmpdir(), 'ia-demo-'));
    const backendPort = await freePort();
    const env: NodeJS.ProcessEnv = {
      ...process.env,
      IA_DEMO_DIR: demoDir,
      IA_DEMO_BACKEND_PORT: String(backendPort),
      IA_DEMO_APP_PORT: String(await freePort()),
    };
    // As a person's shell has it: Jest's NODE_ENV=test would turn the guest
    // sign-in off; backstage-cli sets development when it is unset.
    delete env.NODE_ENV;
    child = spawn('bash', ['scripts/start.sh', '--reset', 'backend'], {
      cwd: repoRoot,
      env,
      // Its own process group, as a terminal's foreground job.
      detached: true,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (chunk: Buffer) => {
      output += chunk.toString('utf8');
    };
    child.stdout?.on('data', collect);
    child.stderr?.on('data', collect);
    exited = new Promise(done => child.once('exit', code => done(code)));

    const baseUrl = `http://127.0.0.1:${backendPort}`;
    token = await eventually(
      `the demo backend on ${baseUrl} (start.sh output so far:\n${output.slice(
        -3000,
      )})`,
      async () => {
        if (child.exitCode !== null) {
          throw new Error(`start.sh exited ${child.exitCode}:\n${output}`);
        }
        return guestToken(baseUrl);
      },
      { timeoutMs: 150_000, intervalMs: 1000 },
    );
    api = imageAutomationApi(baseUrl, token);
    sandbox = readSandboxState(demoDir);
    repo = new SandboxRepository(sandbox.gitDir);
  }, 180_000);

  afterAll(async () => {
    // Only does something when a test failed before Ctrl-C stopped it all.
    if (child?.exitCode === null && child.pid) {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // already gone
      }
    }
    execFileSync('bash', ['scripts/demo/down.sh'], {
      cwd: repoRoot,
      env: { ...process.env, IA_DEMO_DIR: demoDir },
      stdio: 'ignore',
    });
    rmSync(demoDir, { recursive: true, force: true });
  });

  it('shows the broken entity its error in plain words, and nothing else in error', async () => {
    const inventory = await view('inventory');
    expect(inventory.configProblems).toContainEqual(
      expect.objectContaining({
        key: 'image-automation/policy',
        message: expect.stringContaining(
          'unknown policy kind "semvar" (did you mean "semver"?)',
        ),
      }),
    );
    for (const name of DEMO_ENTITIES.filter(n => n !== 'inventory')) {
      const entity = await eventually(
        `${name} scanned`,
        async () => {
          const found = await view(name);
          return found.images.every(image => image.latestTag)
            ? found
            : undefined;
        },
        { timeoutMs: 60_000 },
      );
      // The whole view on failure says what went wrong instead.
      expect({ name, problems: entity.configProblems }).toEqual({
        name,
        problems: [],
      });
      for (const image of entity.images) {
        expect({ name, image: image.name, error: image.error }).toEqual({
          name,
          image: image.name,
          error: undefined,
        });
      }
    }
  }, 150_000);

  it('observes without writing: the cache is behind and stays so', async () => {
    const cache = await eventually(
      'cache read from Git',
      async () => {
        const found = await view('cache');
        return found.images[0]?.currentTag ? found : undefined;
      },
      { timeoutMs: 60_000 },
    );
    expect(cache.images[0]).toMatchObject({
      state: 'update-available',
      currentTag: '7.0.0',
      latestTag: '7.2.4',
    });
    const path = 'deploy/cache/statefulset.yaml';
    expect(repo.file('main', path)).toBe(manifest(path));
    expect(
      repo.branches().filter(b => repo.file(b.sha, path) !== manifest(path)),
    ).toEqual([]);
  }, 90_000);

  /** Waits for a branch other than main holding `files`; checks the API names it. */
  const writtenBranch = async (name: string, files: Record<string, string>) => {
    const [path, content] = Object.entries(files)[0];
    const head = await eventually(
      `${name}'s change on a branch of ${sandbox.gitDir} (branches: ${repo
        .branches()
        .map(b => b.branch)
        .join(', ')})`,
      async () => repo.branchesWith(path, content)[0],
      { timeoutMs: 90_000, intervalMs: 1000 },
    );
    for (const [other, expected] of Object.entries(files)) {
      expect({ path: other, content: repo.file(head.sha, other) }).toEqual({
        path: other,
        content: expected,
      });
    }
    // Only the files the entity names changed, and main is untouched.
    expect(repo.changedPaths(head.sha).sort()).toEqual(
      Object.keys(files).sort(),
    );
    expect(repo.file('main', path)).toBe(manifest(path));
    // The entity's history records the commit.
    await eventually(
      `${name}'s history naming ${head.sha}`,
      async () =>
        (await history(name)).some(entry => entry.commitSha === head.sha)
          ? true
          : undefined,
      { timeoutMs: 30_000 },
    );
    written.set(name, head);
    return { head };
  };

  it('writes push-branch changes to a branch per entity, only the image scalar', async () => {
    const web = await writtenBranch('web-frontend', {
      'deploy/web/deployment.yaml': manifest(
        'deploy/web/deployment.yaml',
        'demo/web:1.0.0 #',
        'demo/web:1.2.1 #',
      ),
    });
    const checkout = await writtenBranch('checkout', {
      'deploy/checkout/deployment.yaml': manifest(
        'deploy/checkout/deployment.yaml',
        'demo/checkout-api:2.0.0 #',
        'demo/checkout-api:2.3.1 #',
      ),
      'deploy/checkout/worker-values.yaml': manifest(
        'deploy/checkout/worker-values.yaml',
        'tag: main-1730000000 #',
        'tag: main-1730200000 #',
      ),
    });
    // The structured target: the search container, not its sidecar.
    const search = await writtenBranch('search', {
      'deploy/search/deployment.yaml': manifest(
        'deploy/search/deployment.yaml',
        'demo/search:1.0.0\n',
        'demo/search:1.0.1\n',
      ),
    });
    // One branch per entity, each kept to that entity's files.
    const branches = [web, checkout, search].map(w => w.head.branch);
    expect(new Set(branches).size).toBe(3);
  }, 300_000);

  it('names each written change by its branch and commit in the entity view', async () => {
    // SPEC §7: each image says where its change went (branch and commit for plain Git).
    expect([...written.keys()].sort()).toEqual([
      'checkout',
      'search',
      'web-frontend',
    ]);
    for (const [name, head] of written) {
      await eventually(
        `${name}'s view naming ${head.branch} and ${head.sha.slice(0, 7)}`,
        async () => {
          const text = JSON.stringify((await view(name)).images);
          return text.includes(head.branch) &&
            text.includes(head.sha.slice(0, 7))
            ? true
            : undefined;
        },
        { timeoutMs: 30_000 },
      );
    }
  }, 120_000);

  it('writes push changes straight onto main', async () => {
    const path = 'deploy/payments/deployment.yaml';
    const expected = manifest(path, 'payments:1.4.0"', 'payments:1.4.2"');
    await eventually(
      `payments-api's commit on main of ${sandbox.gitDir}`,
      async () => (repo.file('main', path) === expected ? true : undefined),
      { timeoutMs: 90_000, intervalMs: 1000 },
    );
    const main = repo.branches().find(b => b.branch === 'main')!;
    expect(repo.changedPaths(main.sha)).toContain(path);
    const payments = await eventually(
      'payments-api up to date',
      async () => {
        const found = await view('payments-api');
        return found.images[0]?.currentTag === '1.4.2' ? found : undefined;
      },
      { timeoutMs: 90_000 },
    );
    expect(payments.images[0].state).toBe('up-to-date');
  }, 200_000);

  it('sends a tag pushed with scripts/demo-push.sh through to Git', async () => {
    const pushed = execFileSync(
      'bash',
      ['scripts/demo-push.sh', 'demo/web', '1.3.0'],
      {
        cwd: repoRoot,
        env: { ...process.env, IA_DEMO_DIR: demoDir },
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    expect(pushed).toMatch(/^[^\n]*:1\.3\.0@sha256:[0-9a-f]{64}\n$/);
    expect(pushed.startsWith(`${sandbox.registryHost}/demo/web:1.3.0@`)).toBe(
      true,
    );
    const path = 'deploy/web/deployment.yaml';
    const expected = manifest(path, 'demo/web:1.0.0 #', 'demo/web:1.3.0 #');
    // The registry's notification (or the next cycle, each minute) picks it up.
    await eventually(
      'web-frontend updated to 1.3.0 on its branch',
      async () => {
        await api.refresh('web-frontend');
        return repo.branchesWith(path, expected)[0];
      },
      { timeoutMs: 120_000, intervalMs: 5000 },
    );
  }, 150_000);

  it('stops Backstage, the registry and the SSH server on Ctrl-C', async () => {
    process.kill(-child.pid!, 'SIGINT');
    const timeout = new Promise<'timeout'>(done =>
      setTimeout(() => done('timeout'), 60_000),
    );
    expect(await Promise.race([exited, timeout])).not.toBe('timeout');
    expect(output).toContain('demo: stopped sshd');
    expect(output).toContain('demo: stopped registry');
    expect(existsSync(join(demoDir, 'registry.pid'))).toBe(false);
    expect(existsSync(join(demoDir, 'sshd.pid'))).toBe(false);
    // Every process that names the sandbox: registry, sshd and its children,
    // the backend (its --config is in the sandbox dir).
    expect(processesMentioning(demoDir)).toEqual([]);
    process.stdout.write(
      `e2e: quick start from spawn to Ctrl-C in ${(
        (Date.now() - startedAt) /
        1000
      ).toFixed(0)} s\n`,
    );
  }, 90_000);
});

/** Live processes (not zombies) whose command line contains `text`. */
function processesMentioning(text: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter(p => /^\d+$/.test(p))) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) continue;
      const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8')
        .split('\0')
        .join(' ');
      if (cmdline.includes(text)) found.push(`${pid} ${cmdline}`);
    } catch {
      // exited while we looked
    }
  }
  return found;
}
