import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  StartedRegistry,
  seedRegistryStorage,
  startRegistry,
} from '@internal/image-automation-test-harness';
import { bareScan } from './support/bareScan';
import { ask, forkBuilt, waitForExit } from './support/childProcess';
import {
  CycleMeasurement,
  CycleReply,
  CycleRequest,
} from './support/cycleProtocol';
import { printTable, round } from './support/figures';
import {
  FLEET,
  gitRepositories,
  imageRepositories,
  tags,
} from './support/fleet';
import {
  GithubEmulatorProcess,
  startGithubEmulatorProcess,
} from './support/githubEmulatorProcess';
import { GithubTraffic } from './support/githubEmulatorProtocol';
import { Benchmark, BenchmarkFigures } from './types';

const TOKEN = 'bench-github-token';
/** Without auth the registry needs one tag list per repository, nothing else. */
const MINIMUM_REGISTRY_REQUESTS = FLEET.imageRepositories;
const CYCLE_TIMEOUT_MS = 600_000;
/**
 * Node sizes V8's young generation from the memory the process may use: on
 * this machine (24 GiB, no limit) each of its two semi-spaces may grow to
 * 64 MB, 128 MB committed, most of a cycle's RSS. In a container limited to
 * 2 GiB, a common backend pod, Node gives V8 32 MB semi-spaces instead
 * (seen in such a cgroup: heap_size_limit 1,120 MB = 1,024 MB of old space
 * and three times 32 MB), which is what this flag sets; 1 GiB gives 16 MB,
 * 4 GiB and more 64 MB. The cycles are measured both ways.
 */
const CONTAINER_2G_SEMI_SPACE_MB = 32;
/** Old space for the capped run: what a backend in a 400 MB container might set. */
const CAPPED_OLD_SPACE_MB = 192;
/** The default schedule runs a cycle every five minutes. */
const CYCLES_PER_HOUR = 12;

interface Measured extends CycleMeasurement {
  github: GithubTraffic;
  githubCpuMs: number;
}

/**
 * A first cycle over the whole fleet in a fresh process, store on
 * `database`, then a second one on the same engine with nothing changed.
 */
async function measureCycles(
  database: Extract<CycleRequest, { type: 'run' }>['database'],
  registry: StartedRegistry,
  github: GithubEmulatorProcess,
  nodeOptions: string[] = [],
): Promise<{ first: Measured; steady: Measured }> {
  let before = await github.requests();
  const child = await forkBuilt('cycleWorker.ts', [
    '--expose-gc',
    ...nodeOptions,
  ]);
  const cycle = async (request: CycleRequest): Promise<Measured> => {
    const { measurement } = await ask<
      Extract<CycleReply, { type: 'measured' }>
    >(child, request, 'measured', CYCLE_TIMEOUT_MS, 'the cycle process');
    const after = await github.requests();
    const cpuMs = after.cpuMs - before.cpuMs;
    before = after;
    return { ...measurement, github: after, githubCpuMs: cpuMs };
  };
  try {
    const first = await cycle({
      type: 'run',
      database,
      registryHost: registry.host,
      githubApiBaseUrl: github.apiBaseUrl,
      githubToken: TOKEN,
    });
    const steady = await cycle({ type: 'again' });
    first.database = [first.database, ...nodeOptions].join(', ');
    steady.database = `${first.database}, second cycle`;
    return { first, steady };
  } finally {
    await waitForExit(child);
  }
}

/** The higher peak RSS of a first and a second cycle, in MB. */
function peakOf(cycles: { first: Measured; steady: Measured }): number {
  return Math.round(Math.max(cycles.first.peakRssMb, cycles.steady.peakRssMb));
}

/** The cycle must have done all the work it is timed for. */
function verify(m: Measured) {
  const expected = {
    entities: FLEET.entities,
    checked: FLEET.entities,
    repositoriesScanned: FLEET.imageRepositories,
    updatesDue: FLEET.entities / 2,
  };
  const wrong = Object.entries(expected).filter(
    ([key, value]) => m.report[key as keyof typeof expected] !== value,
  );
  if (wrong.length || m.states['up-to-date'] !== FLEET.entities / 2) {
    throw new Error(
      `the ${
        m.database
      } cycle did not do the whole job: report ${JSON.stringify(
        m.report,
      )}, image states ${JSON.stringify(m.states)}, first problems: ${
        m.problems.join(' | ') || 'none'
      }`,
    );
  }
}

function printMeasurement(m: Measured, bareRegistryMs: number) {
  const g = m.github;
  printTable([
    [`store on ${m.database}`, ''],
    [
      'wall time',
      `${m.seconds.toFixed(
        1,
      )} s (bare tag-list loop over the same registry: ${bareRegistryMs} ms)`,
    ],
    [
      'entities / checked / repos scanned / updates due',
      `${m.report.entities} / ${m.report.checked} / ${m.report.repositoriesScanned} / ${m.report.updatesDue}`,
    ],
    [
      'registry requests',
      `${m.registryRequests} (minimum ${MINIMUM_REGISTRY_REQUESTS})`,
    ],
    [
      'GitHub requests',
      `${g.requests}: ${Object.entries(g.byRoute)
        .map(([route, count]) => `${count} ${route}`)
        .join(', ')}`,
    ],
    [
      'GitHub rate limit charged',
      `${g.coreCharged} REST requests, ${g.graphqlPoints} GraphQL points (${g.notModified} answered 304 for free, ${g.rateLimited} refused)`,
    ],
    [
      'DB queries',
      `${m.dbQueries} (${(m.dbQueries / FLEET.entities).toFixed(
        3,
      )} per entity)`,
    ],
    [
      'peak RSS (sampled every 50 ms)',
      `${Math.round(m.peakRssMb)} MB (target ≤ 300 MB; kernel max ${Math.round(
        m.maxRssMb,
      )} MB; V8 heap reserved ${Math.round(
        m.peakHeapTotalMb,
      )} MB, of which young generation ${Math.round(
        m.peakNewSpaceMb,
      )} MB; outside the heap ${Math.round(m.peakExternalMb)} MB)`,
    ],
    [
      'RSS / V8 heap used: before, peak, after (GC before and after)',
      `${Math.round(m.before.rssMb)} / ${Math.round(
        m.before.heapUsedMb,
      )} MB, ${Math.round(m.peakRssMb)} / ${Math.round(
        m.peakHeapMb,
      )} MB, ${Math.round(m.after.rssMb)} / ${Math.round(
        m.after.heapUsedMb,
      )} MB`,
    ],
    [
      'CPU time: engine process / GitHub emulator process',
      `${Math.round(m.cpuMs)} ms / ${Math.round(m.githubCpuMs)} ms`,
    ],
  ]);
  process.stdout.write(
    'where the time goes (ms from cycle start; calls overlap):\n',
  );
  printTable([
    ['call', 'calls', 'summed', 'first start', 'last end'],
    ...m.timings
      .sort(([, a], [, b]) => a.firstStartMs - b.firstStartMs)
      .map(([name, t]) => [
        name,
        String(t.calls),
        String(Math.round(t.totalMs)),
        String(Math.round(t.firstStartMs)),
        String(Math.round(t.lastEndMs)),
      ]),
  ]);
}

/**
 * A full first cycle, then a second with nothing changed, over 5,000 entities, 1,000 image repositories × 100
 * tags on the loopback registry and 50 Git repositories × 100 manifests in the
 * GitHub emulator (its own process): discovery → scan → Git read → decision
 * → store, on PostgreSQL and then on SQLite.
 */
export const cycleBenchmark: Benchmark = {
  name: 'cycle',
  async run(): Promise<BenchmarkFigures> {
    const storage = mkdtempSync(join(tmpdir(), 'ia-bench-cycle-registry-'));
    let registry: StartedRegistry | undefined;
    let github: GithubEmulatorProcess | undefined;
    const measurements: Array<{ first: Measured; steady: Measured }> = [];
    let capped: Measured | undefined;
    const inContainer: Array<{ first: Measured; steady: Measured }> = [];
    let bareRegistryMs = Infinity;
    try {
      // Independent, and each takes tens of seconds: side by side.
      const t = performance.now();
      const seeded = seedRegistryStorage({
        rootDir: storage,
        repositories: imageRepositories(),
        tags: tags(),
      }).then(() => performance.now());
      const registryStarted = startRegistry({ storageDir: storage });
      registry = await registryStarted;
      const emulatorStarted = startGithubEmulatorProcess({
        tokens: [TOKEN],
        repositories: gitRepositories(registry.host),
      });
      const [seededAt, emulator] = await Promise.allSettled([
        seeded,
        emulatorStarted,
      ]);
      if (emulator.status === 'rejected') throw emulator.reason;
      github = emulator.value;
      if (seededAt.status === 'rejected') throw seededAt.reason;
      const seedRegistryS = (seededAt.value - t) / 1000;
      // Seeding wrote a hundred thousand files: flushed now, so the cycles
      // measured next do not wait behind the kernel writing them out.
      execFileSync('sync');
      const seedGitS = (performance.now() - t) / 1000;
      process.stdout.write(
        `fleet: ${FLEET.entities} entities, ${
          FLEET.imageRepositories
        } image repositories × ${
          FLEET.tagsPerRepository
        } tags (seeded in ${seedRegistryS.toFixed(1)} s), ${
          FLEET.gitRepositories
        } Git repositories × ${
          FLEET.filesPerGitRepository
        } manifests (created in ${seedGitS.toFixed(1)} s)\n`,
      );

      // The least the registry part can cost, measured here, beside the cycles (best of two).
      const repositories = imageRepositories();
      for (let attempt = 0; attempt < 2; attempt++) {
        const started = performance.now();
        await bareScan(registry.url, repositories);
        bareRegistryMs = Math.min(
          bareRegistryMs,
          Math.round(performance.now() - started),
        );
      }
      const showAndVerify = (measured: {
        first: Measured;
        steady: Measured;
      }) => {
        printMeasurement(measured.first, bareRegistryMs);
        printMeasurement(measured.steady, bareRegistryMs);
        verify(measured.first);
        // Ten minutes on, nothing changed: everything is checked again, and decides the same.
        verify(measured.steady);
        return measured;
      };
      for (const database of ['postgres', 'sqlite'] as const) {
        measurements.push(
          showAndVerify(await measureCycles(database, registry, github)),
        );
      }
      // The same two cycles with the young generation Node gives a 2 GiB container.
      for (const database of ['postgres', 'sqlite'] as const) {
        inContainer.push(
          showAndVerify(
            await measureCycles(database, registry, github, [
              `--max-semi-space-size=${CONTAINER_2G_SEMI_SPACE_MB}`,
            ]),
          ),
        );
      }
      // V8 grows its heap lazily while it may; a backend given a memory limit
      // caps the old space, and then the question is whether the cycle fits.
      try {
        capped = (
          await measureCycles('postgres', registry, github, [
            `--max-old-space-size=${CAPPED_OLD_SPACE_MB}`,
          ])
        ).first;
        printMeasurement(capped, bareRegistryMs);
        verify(capped);
      } catch (error) {
        capped = undefined;
        process.stdout.write(
          `with --max-old-space-size=${CAPPED_OLD_SPACE_MB} the cycle failed: ${
            (error as Error).message
          }\n`,
        );
      }
    } finally {
      await Promise.allSettled([registry?.stop(), github?.stop()]);
      rmSync(storage, { recursive: true, force: true });
    }

    const [
      { first: postgres, steady },
      { first: sqlite, steady: sqliteSteady },
    ] = measurements;
    const [postgresInContainer, sqliteInContainer] = inContainer;
    const charged = (m: Measured) =>
      m.github.coreCharged + m.github.graphqlPoints;
    const projection = {
      // An hour of the default schedule once caches are warm, and the first hour after a start.
      cycle_github_requests_per_hour: steady.github.requests * CYCLES_PER_HOUR,
      cycle_github_charged_per_hour: charged(steady) * CYCLES_PER_HOUR,
      cycle_github_requests_first_hour:
        postgres.github.requests +
        steady.github.requests * (CYCLES_PER_HOUR - 1),
    };
    printTable([
      ['projection at the default schedule (a cycle every 5 minutes)', ''],
      [
        'GitHub requests per hour, steady',
        `${projection.cycle_github_requests_per_hour} (${projection.cycle_github_charged_per_hour} charged against a 5,000/h token)`,
      ],
      [
        'GitHub requests in the first hour',
        String(projection.cycle_github_requests_first_hour),
      ],
    ]);
    return {
      cycle_5000_entities_s: round(postgres.seconds),
      cycle_steady_s: round(steady.seconds, 2),
      cycle_bare_registry_ms: bareRegistryMs,
      cycle_registry_requests: postgres.registryRequests,
      cycle_registry_requests_steady: steady.registryRequests,
      cycle_registry_requests_minimum: MINIMUM_REGISTRY_REQUESTS,
      cycle_rss_mb: peakOf(measurements[0]),
      cycle_db_queries_per_entity: round(
        postgres.dbQueries / FLEET.entities,
        3,
      ),
      cycle_github_requests: postgres.github.requests,
      cycle_github_requests_steady: steady.github.requests,
      cycle_github_charged: charged(postgres),
      cycle_github_charged_steady: charged(steady),
      ...projection,
      cycle_5000_entities_sqlite_s: round(sqlite.seconds),
      cycle_steady_sqlite_s: round(sqliteSteady.seconds, 2),
      cycle_sqlite_rss_mb: peakOf(measurements[1]),
      cycle_sqlite_db_queries_per_entity: round(
        sqlite.dbQueries / FLEET.entities,
        3,
      ),
      cycle_rss_2g_container_mb: peakOf(postgresInContainer),
      cycle_sqlite_rss_2g_container_mb: peakOf(sqliteInContainer),
      cycle_steady_2g_container_s: round(postgresInContainer.steady.seconds, 2),
      // -1: the capped cycle ran out of memory.
      cycle_rss_capped_heap_mb: capped ? Math.round(capped.peakRssMb) : -1,
      cycle_capped_heap_s: capped ? round(capped.seconds) : -1,
    };
  },
};
