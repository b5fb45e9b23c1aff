/*
 * The whole system, end to end: two replicas of the real packages/backend on
 * one PostgreSQL, the catalog reading entities from a local file, real
 * registries (docker-registry) and the GitHub emulator (real bare git
 * repositories) as the GitHub integration's apiBaseUrl.
 *
 * The steps run in order against one running system, because a backend
 * takes ~30 s to start here and registries are scanned at most once a minute
 * per repository. The first step kills a replica in the middle of a
 * write-back; the write-back lease that replica held (3 minutes) expires
 * while the other steps run, and the last step checks the recovery.
 */
import { execFileSync } from 'node:child_process';
import { resolve } from 'node:path';
import { ImageStatusView } from '../support/imageAutomationApi';
import { eventually } from '../support/poll';
import { branchOf, OWNER } from './fixtures';
import {
  LOG_DIR,
  SCHEDULE,
  startSystem,
  stopSystem,
  SystemUnderTest,
} from './environment';
import { cyclesOf, Replica } from './replicas';

const repoRoot = resolve(__dirname, '../../../..');
/** Each registry repository is scanned at most this often, whatever the cycle frequency. */
const SCAN_FLOOR_MS = 60_000;
/** How long a write-back lease of a replica that died stays in the way (WriteBackCoordinator's LEASE_MS). */
const WRITE_BACK_LEASE_MS = 3 * 60_000;
const CYCLE_MS = SCHEDULE.frequencySeconds * 1000;
/**
 * Checks run only inside the scheduled cycle, and the cycle the dead replica
 * was running stays claimed until the scheduler's timeout for it passes and
 * then until a janitor frees it: backend-defaults' scheduler janitor runs
 * once a minute per replica (PluginTaskSchedulerJanitor, waitBetweenRuns),
 * and no worker claims a run that merely expired. A CI run failed when the
 * survivor's janitor came 50 s after the expiry.
 */
const SCHEDULER_JANITOR_MS = 60_000;
const DEAD_CYCLE_MS = SCHEDULE.timeoutSeconds * 1000 + SCHEDULER_JANITOR_MS;

let system: SystemUnderTest;
let started: Parameters<typeof stopSystem>[0];
let replicaA: Replica;
let replicaB: Replica;
/** When the crash step killed a replica in the middle of its write-back. */
let killedAt = 0;
const figures: string[] = [];
/** Services a step stopped itself; afterAll must not stop them again. */
const stoppedByTest = new Set<unknown>();

beforeAll(async () => {
  const t0 = Date.now();
  system = await startSystem(repoRoot, partial => {
    started = partial;
  });
  [replicaA, replicaB] = system.replicas;
  figures.push(
    `system up in ${seconds(
      Date.now() - t0,
    )} (replicas started one after the other: a ${seconds(
      replicaA.startupMs,
    )}, b ${seconds(replicaB.startupMs)})`,
  );
}, 300_000);

afterAll(async () => {
  await stopSystem(started, stoppedByTest);
  process.stdout.write(
    `whole-system e2e figures (replica logs in ${LOG_DIR}):\n  ${figures.join(
      '\n  ',
    )}\n`,
  );
}, 60_000);

function seconds(ms: number) {
  return `${(ms / 1000).toFixed(1)} s`;
}

function git(repo: string, ...args: string[]): string {
  return execFileSync(
    'git',
    ['--git-dir', system.github.gitDir(OWNER, repo), ...args],
    {
      encoding: 'utf8',
    },
  ).trim();
}

/** The lines a branch changes against main, as `-old` / `+new`. */
function changedLines(repo: string): string[] {
  return git(repo, 'diff', '--unified=0', `main...${branchOf(repo)}`)
    .split('\n')
    .filter(line => /^[-+](?![-+])/.test(line));
}

/** Commit objects written through the API into `repo` (GitHub's create-commit endpoint). */
function commitsCreated(repo: string): number {
  return system.github.requestLog.filter(
    entry =>
      entry.method === 'POST' &&
      entry.path === `/repos/${OWNER}/${repo}/git/commits` &&
      entry.status < 300,
  ).length;
}

async function image(
  replica: Replica,
  entity: string,
  name = entity,
): Promise<ImageStatusView> {
  const view = await replica.api().entity(entity);
  const found = view?.images.find(i => i.name === name);
  if (!found)
    throw new Error(
      `${entity} has no image ${name} yet: ${JSON.stringify(view)}`,
    );
  return found;
}

/** Waits until the image satisfies `check`; on timeout the error shows the last state. */
async function imageWhere(
  entity: string,
  what: string,
  check: (image: ImageStatusView) => boolean,
  options: {
    timeoutMs: number;
    name?: string;
    intervalMs?: number;
    replica?: Replica;
  },
): Promise<ImageStatusView> {
  return eventually(
    `${entity}/${options.name ?? entity}: ${what}`,
    async () => {
      const status = await image(
        options.replica ?? replicaA,
        entity,
        options.name,
      );
      if (check(status)) return status;
      throw new Error(JSON.stringify(status));
    },
    options,
  );
}

/** Resolves when any replica logs the end of a cycle after now. */
async function nextCycleEnd(timeoutMs: number): Promise<void> {
  const since = Date.now();
  await eventually(
    'a cycle ends',
    async () =>
      system.replicas.flatMap(cyclesOf).some(cycle => cycle.end > since)
        ? true
        : undefined,
    { timeoutMs, intervalMs: 20 },
  );
}

const isPrOpen = (tag: string) => (i: ImageStatusView) =>
  i.state === 'pr-open' &&
  i.latestTag === tag &&
  i.pullRequest?.state === 'open';

describe('the whole system', () => {
  it('kills a replica in the middle of a write-back and restarts it', async () => {
    // The crash entity is automated but its repository does not exist yet,
    // so no cycle writes for it before this step chooses the moment.
    await imageWhere('crash', 'scanned', i => Boolean(i.lastScanAt), {
      timeoutMs: 120_000,
    });

    const killed = new Promise<Replica>(resolveKilled => {
      system.githubRelay.intercept(
        { method: 'POST', path: new RegExp(`^/repos/${OWNER}/crash/pulls$`) },
        req => {
          // The branch and its commit exist; the pull request is being opened.
          const victim = system.replicas.find(r =>
            req.headers.authorization?.endsWith(r.githubToken),
          )!;
          victim.kill();
          resolveKilled(victim);
          req.socket.destroy();
          return 'handled';
        },
      );
    });
    // Right after a cycle the next is ~5 s away: the write-back below is then
    // the only one in flight, so the kill strands nothing else.
    await nextCycleEnd(60_000);
    await system.github.createRepository(OWNER, 'crash', {
      files: system.crashFiles(),
    });
    const refresh = replicaB
      .api()
      .refresh('crash')
      .catch(error => error);
    const victim = await eventually(
      'a replica opens the crash pull request',
      async () => {
        return Promise.race([
          killed,
          new Promise<undefined>(r => setTimeout(() => r(undefined), 200)),
        ]);
      },
      { timeoutMs: 30_000 },
    );
    killedAt = Date.now();
    await refresh;
    await victim.process.exited;

    // Mid-write-back: the commit is on the branch, no pull request exists.
    expect(
      git('crash', 'rev-list', '--count', `main..${branchOf('crash')}`),
    ).toBe('1');
    expect(await system.github.listPullRequests(OWNER, 'crash')).toEqual([]);
    figures.push(
      `killed replica ${victim.name} (SIGKILL) while it opened the crash pull request`,
    );

    // Until the dead replica's lease expires, the update waits, and says so
    // (once the survivor's scheduler may run the cycle the dead one claimed).
    const survivor = system.replicas.find(r => r !== victim)!;
    await imageWhere(
      'crash',
      'update available, no pull request yet',
      i =>
        i.state === 'update-available' &&
        i.latestTag === '1.1.0' &&
        !i.pullRequest,
      { timeoutMs: DEAD_CYCLE_MS + 4 * CYCLE_MS + 30_000, replica: survivor },
    );
    figures.push(
      `killed → the survivor shows the waiting update: ${seconds(
        Date.now() - killedAt,
      )} (the dead cycle's timeout ${
        SCHEDULE.timeoutSeconds
      } s, then the survivor's scheduler janitor within a minute)`,
    );

    const restartedAt = Date.now();
    await victim.restart();
    figures.push(
      `replica ${victim.name} restarted in ${seconds(
        Date.now() - restartedAt,
      )}`,
    );
  }, 420_000);

  it('opens a pull request with exactly the image lines within a cycle of the scan that sees a new tag', async () => {
    for (const name of ['web', 'worker']) {
      await imageWhere(
        name,
        'up to date at 1.0.0',
        i => i.state === 'up-to-date' && i.currentTag === '1.0.0',
        {
          timeoutMs: 60_000,
        },
      );
    }
    const pushedAt = Date.now();
    await system.registry.pushTags('team/web', ['1.1.0']);
    await system.registry.pushTags('team/worker', ['1.1.0', '2.0.0']);

    const timeoutMs = SCAN_FLOOR_MS + 3 * CYCLE_MS + 20_000;
    const web = await imageWhere(
      'web',
      'pull request for 1.1.0',
      isPrOpen('1.1.0'),
      { timeoutMs },
    );
    const worker = await imageWhere(
      'worker',
      'pull request for 1.1.0',
      isPrOpen('1.1.0'),
      { timeoutMs },
    );
    figures.push(
      `tag pushed → pr-open in the API: ${seconds(
        Date.now() - pushedAt,
      )} (scan floor 60 s, cycle ${CYCLE_MS / 1000} s)`,
    );

    const { registry } = system;
    expect(changedLines('web')).toEqual([
      `-          image: "${registry.host}/team/web:1.0.0" # {"$imagepolicy": "web"}`,
      `+          image: "${registry.host}/team/web:1.1.0" # {"$imagepolicy": "web"}`,
    ]);
    // Structured target: only the named container moves, not the sidecar or init container.
    expect(changedLines('worker')).toEqual([
      `-          image: ${registry.host}/team/worker:1.0.0`,
      `+          image: ${registry.host}/team/worker:1.1.0`,
    ]);

    for (const [name, status] of [
      ['web', web],
      ['worker', worker],
    ] as const) {
      const pulls = await system.github.listPullRequests(OWNER, name);
      expect(pulls).toEqual([
        expect.objectContaining({
          state: 'open',
          head: branchOf(name),
          base: 'main',
          labels: ['dependencies'],
        }),
      ]);
      expect(status).toMatchObject({
        currentTag: '1.0.0',
        latestTag: '1.1.0',
        pullRequest: {
          number: pulls[0].number,
          url: `https://github.com/${OWNER}/${name}/pull/${pulls[0].number}`,
          state: 'open',
        },
      });
    }
    // The other replica serves the same state from the shared database.
    expect(await image(replicaB, 'web')).toMatchObject({
      state: 'pr-open',
      latestTag: '1.1.0',
    });
  }, 180_000);

  it('runs each cycle once cluster-wide and gives each entity one pull request with one commit', async () => {
    await imageWhere('billing', 'pull request', isPrOpen('1.1.0'), {
      name: 'billing-api',
      timeoutMs: 30_000,
    });
    await imageWhere('billing', 'pull request', isPrOpen('1.3.0'), {
      name: 'billing-jobs',
      timeoutMs: 30_000,
    });
    const { registry } = system;
    // Both images in one commit: the CronJob by container name, the values by the tag setter.
    expect(changedLines('billing')).toEqual([
      `-              image: ${registry.host}/team/billing-jobs:1.0.0`,
      `+              image: ${registry.host}/team/billing-jobs:1.3.0`,
      '-  tag: "1.0.0" # {"$imagepolicy": "billing-api:tag"}',
      '+  tag: "1.1.0" # {"$imagepolicy": "billing-api:tag"}',
    ]);

    // "Check now" on both replicas at once, twice: the lease serialises them.
    const answers = await Promise.all(
      [replicaA, replicaB, replicaA, replicaB].flatMap(replica => [
        replica.api().refresh('web'),
        replica.api().refresh('billing'),
      ]),
    );
    expect(answers.map(a => a.status)).toEqual(answers.map(() => 200));

    for (const repo of ['web', 'worker', 'billing']) {
      expect({
        repo,
        pulls: (await system.github.listPullRequests(OWNER, repo)).length,
      }).toEqual({ repo, pulls: 1 });
      expect({
        repo,
        commits: git(repo, 'rev-list', '--count', `main..${branchOf(repo)}`),
      }).toEqual({ repo, commits: '1' });
      expect({ repo, created: commitsCreated(repo) }).toEqual({
        repo,
        created: 1,
      });
    }

    // The overview agrees with GitHub.
    const overview = await replicaB.api().overview();
    for (const repo of ['web', 'worker', 'billing']) {
      const [pull] = await system.github.listPullRequests(OWNER, repo);
      const entry = overview.find(
        e => e.entityRef === `component:default/${repo}`,
      );
      expect(entry?.openPullRequests).toEqual([
        expect.objectContaining({ number: pull.number, state: 'open' }),
      ]);
      expect(entry?.counts['pr-open']).toBe(repo === 'billing' ? 2 : 1);
    }

    // Cycles never overlap, and while both replicas run there are no more
    // than the schedule allows: two replicas each running every cycle would
    // log about twice as many.
    const cycles = system.replicas
      .flatMap(cyclesOf)
      .sort((x, y) => x.start - y.start);
    const counted = cycles.filter(c => c.start >= system.upAt);
    const elapsed = Date.now() - system.upAt;
    const allowed = Math.floor(elapsed / CYCLE_MS) + 2;
    const byReplica = system.replicas.map(
      r => `${r.name}: ${counted.filter(c => c.replica === r.name).length}`,
    );
    figures.push(
      `cycles logged over ${seconds(elapsed)} with both replicas up: ${
        counted.length
      } (${byReplica.join(', ')}), schedule allows ≤ ${allowed}`,
    );
    figures.push(
      `longest cycle so far: ${Math.max(
        ...cycles.map(c => c.end - c.start),
      )} ms`,
    );
    expect(counted.length).toBeGreaterThan(3);
    expect(counted.length).toBeLessThanOrEqual(allowed);
    const overlaps = cycles.filter(
      (cycle, i) => i > 0 && cycle.start < cycles[i - 1].end - 250,
    );
    expect(overlaps).toEqual([]);
  }, 120_000);

  it('shows a registry stopped in the middle of a scan, and recovers when it is back', async () => {
    let release!: () => void;
    const held = new Promise<void>(resolveHeld => {
      system.registryRelay.intercept(
        { method: 'GET', path: /^\/v2\/team\/outage\/tags\/list$/ },
        async () => {
          resolveHeld();
          await new Promise<void>(r => {
            release = r;
          });
          return 'forward' as const;
        },
      );
    });
    await eventually(
      'the next scan of team/outage',
      async () =>
        Promise.race([
          held.then(() => true),
          new Promise<undefined>(r => setTimeout(() => r(undefined), 200)),
        ]),
      { timeoutMs: SCAN_FLOOR_MS + 3 * CYCLE_MS + 10_000 },
    );
    // The scan is in flight: the registry goes away under it.
    stoppedByTest.add(system.outageRegistry);
    await system.outageRegistry.stop();
    release();

    const failing = await imageWhere(
      'outage',
      'the failed scan shown',
      i => /last scan failed/.test(i.message ?? '') || i.state === 'error',
      {
        timeoutMs: 60_000,
      },
    );
    figures.push(
      `registry outage shown as: ${failing.state}: ${
        failing.message ?? failing.error?.message
      }`,
    );
    expect(failing.latestTag).toBe('1.0.0');

    const restartedAt = Date.now();
    await system.restartOutageRegistry();
    await system.outageRegistry.pushTags('team/outage', ['1.1.0']);

    const recovered = await imageWhere(
      'outage',
      'recovered with the new tag',
      isPrOpen('1.1.0'),
      {
        timeoutMs: SCAN_FLOOR_MS + 3 * CYCLE_MS + 20_000,
      },
    );
    figures.push(
      `registry restarted → pr-open: ${seconds(Date.now() - restartedAt)}`,
    );
    expect(recovered.message ?? '').not.toMatch(/last scan failed/);
    expect(recovered.error).toBeUndefined();
    const relayed = `${system.registryRelay.host}/team/outage`;
    expect(changedLines('outage')).toEqual([
      `-          image: "${relayed}:1.0.0" # {"$imagepolicy": "outage"}`,
      `+          image: "${relayed}:1.1.0" # {"$imagepolicy": "outage"}`,
    ]);
    expect(await system.github.listPullRequests(OWNER, 'outage')).toHaveLength(
      1,
    );
  }, 240_000);

  it('shows GitHub 5xx and secondary rate limits during a write-back, and recovers', async () => {
    // The faults start the moment the write-back starts writing.
    system.githubRelay.intercept(
      { method: 'POST', path: new RegExp(`^/repos/${OWNER}/flaky/git/trees$`) },
      () => {
        system.github.injectFaults({
          status5xx: 40,
          secondaryRateLimit: { count: 12, retryAfterSeconds: 1 },
        });
        return 'forward' as const;
      },
    );
    const pushedAt = Date.now();
    await system.registry.pushTags('team/flaky', ['1.1.0']);

    const failing = await imageWhere(
      'flaky',
      'the GitHub failure shown',
      i => i.state === 'error',
      {
        timeoutMs: SCAN_FLOOR_MS + 3 * CYCLE_MS + 30_000,
        intervalMs: 250,
      },
    );
    figures.push(
      `GitHub faults shown as: ${failing.error?.kind}: ${failing.error?.message}`,
    );
    expect(failing.error?.message).toMatch(
      /502|server error|rate limit|unavailable/i,
    );

    // The emulator's faults are counted in requests, and a cycle now reads
    // every repository's head in one batched request, retried four times
    // with Octokit's 1 + 4 + 9 s backoff (and a secondary limit waited out
    // twice): the 40 server errors and 12 secondary limits drain over about
    // fifteen cycles instead of the two that per-repository reads took.
    await imageWhere('flaky', 'recovered', isPrOpen('1.1.0'), {
      timeoutMs: 600_000,
    });
    figures.push(
      `tag pushed → faults → pr-open: ${seconds(Date.now() - pushedAt)}`,
    );
    expect(await system.github.listPullRequests(OWNER, 'flaky')).toHaveLength(
      1,
    );
    expect(
      git('flaky', 'rev-list', '--count', `main..${branchOf('flaky')}`),
    ).toBe('1');
    expect(changedLines('flaky')).toEqual([
      `-          image: "${system.registry.host}/team/flaky:1.0.0" # {"$imagepolicy": "flaky"}`,
      `+          image: "${system.registry.host}/team/flaky:1.1.0" # {"$imagepolicy": "flaky"}`,
    ]);
    // Everything the faults touched is back where it was.
    for (const name of ['web', 'worker']) {
      await imageWhere(name, 'back to pr-open', isPrOpen('1.1.0'), {
        timeoutMs: 60_000,
      });
      expect(await system.github.listPullRequests(OWNER, name)).toHaveLength(1);
    }
  }, 780_000);

  it('recovers the killed write-back: one pull request, its one commit reused', async () => {
    expect(killedAt).toBeGreaterThan(0);
    const status = await imageWhere(
      'crash',
      'pull request after the dead replica’s lease',
      isPrOpen('1.1.0'),
      {
        timeoutMs: Math.max(
          killedAt + WRITE_BACK_LEASE_MS + 4 * CYCLE_MS + 30_000 - Date.now(),
          30_000,
        ),
      },
    );
    figures.push(
      `killed write-back → pr-open: ${seconds(Date.now() - killedAt)} (lease ${
        WRITE_BACK_LEASE_MS / 60_000
      } min)`,
    );
    const pulls = await system.github.listPullRequests(OWNER, 'crash');
    expect(pulls).toEqual([
      expect.objectContaining({ state: 'open', head: branchOf('crash') }),
    ]);
    expect(status.pullRequest?.number).toBe(pulls[0].number);
    expect(
      git('crash', 'rev-list', '--count', `main..${branchOf('crash')}`),
    ).toBe('1');
    // The commit made before the kill carries the entity trailer and is reused.
    expect(commitsCreated('crash')).toBe(1);
    expect(changedLines('crash')).toEqual([
      `-          image: "${system.registry.host}/team/crash:1.0.0" # {"$imagepolicy": "crash"}`,
      `+          image: "${system.registry.host}/team/crash:1.1.0" # {"$imagepolicy": "crash"}`,
    ]);
  }, 480_000);
});
