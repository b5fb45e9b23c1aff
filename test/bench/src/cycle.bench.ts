import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  StartedRegistry,
  seedRegistryStorage,
  startRegistry,
} from '@internal/image-automation-test-harness';
import { ask, forkSource, waitForExit } from './support/childProcess';
import { CycleMeasurement, CycleReply, CycleRequest } from './support/cycleProtocol';
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
import { Benchmark, BenchmarkFigures } from './types';

const TOKEN = 'bench-github-token';
/** Without auth the registry needs one tag list per repository, nothing else. */
const MINIMUM_REGISTRY_REQUESTS = FLEET.imageRepositories;
const CYCLE_TIMEOUT_MS = 600_000;
/** Old space for the capped run: what a backend in a 400 MB container might set. */
const CAPPED_OLD_SPACE_MB = 192;

interface Measured extends CycleMeasurement {
  githubRequests: Record<string, number>;
  githubCpuMs: number;
}

/** One first cycle over the whole fleet in a fresh process, store on `database`. */
async function measureCycle(
  database: CycleRequest['database'],
  registry: StartedRegistry,
  github: GithubEmulatorProcess,
  nodeOptions: string[] = [],
): Promise<Measured> {
  const before = await github.requests();
  const child = forkSource('cycleWorker.ts', ['--expose-gc', ...nodeOptions]);
  try {
    const request: CycleRequest = {
      type: 'run',
      database,
      registryHost: registry.host,
      githubApiBaseUrl: github.apiBaseUrl,
      githubToken: TOKEN,
    };
    const { measurement } = await ask<Extract<CycleReply, { type: 'measured' }>>(
      child,
      request,
      'measured',
      CYCLE_TIMEOUT_MS,
      'the cycle process',
    );
    const after = await github.requests();
    return {
      ...measurement,
      githubRequests: after.byRoute,
      githubCpuMs: after.cpuMs - before.cpuMs,
    };
  } finally {
    await waitForExit(child);
  }
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
      `the ${m.database} cycle did not do the whole job: report ${JSON.stringify(
        m.report,
      )}, image states ${JSON.stringify(m.states)}, first problems: ${
        m.problems.join(' | ') || 'none'
      }`,
    );
  }
}

function printMeasurement(m: Measured) {
  const githubTotal = Object.values(m.githubRequests).reduce((a, b) => a + b, 0);
  printTable([
    [`store on ${m.database}`, ''],
    ['wall time', `${m.seconds.toFixed(1)} s (target < 60 s)`],
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
      `${githubTotal}: ${Object.entries(m.githubRequests)
        .map(([route, count]) => `${count} ${route}`)
        .join(', ')}`,
    ],
    [
      'DB queries',
      `${m.dbQueries} (${(m.dbQueries / FLEET.entities).toFixed(3)} per entity)`,
    ],
    [
      'peak RSS (sampled every 50 ms)',
      `${Math.round(m.peakRssMb)} MB (target < 400 MB; kernel max ${Math.round(m.maxRssMb)} MB)`,
    ],
    [
      'RSS / V8 heap used: before, peak, after (GC before and after)',
      `${Math.round(m.before.rssMb)} / ${Math.round(m.before.heapUsedMb)} MB, ${Math.round(
        m.peakRssMb,
      )} / ${Math.round(m.peakHeapMb)} MB, ${Math.round(m.after.rssMb)} / ${Math.round(
        m.after.heapUsedMb,
      )} MB`,
    ],
    [
      'CPU time: engine process / GitHub emulator process',
      `${Math.round(m.cpuMs)} ms / ${Math.round(m.githubCpuMs)} ms`,
    ],
  ]);
  process.stdout.write('where the time goes (ms from cycle start; calls overlap):\n');
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
 * One full first cycle over 5,000 entities, 1,000 image repositories × 100
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
    const measurements: Measured[] = [];
    let capped: Measured | undefined;
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
      const [seededAt, emulator] = await Promise.allSettled([seeded, emulatorStarted]);
      if (emulator.status === 'rejected') throw emulator.reason;
      github = emulator.value;
      if (seededAt.status === 'rejected') throw seededAt.reason;
      const seedRegistryS = (seededAt.value - t) / 1000;
      const seedGitS = (performance.now() - t) / 1000;
      process.stdout.write(
        `fleet: ${FLEET.entities} entities, ${FLEET.imageRepositories} image repositories × ${FLEET.tagsPerRepository} tags (seeded in ${seedRegistryS.toFixed(
          1,
        )} s), ${FLEET.gitRepositories} Git repositories × ${FLEET.filesPerGitRepository} manifests (created in ${seedGitS.toFixed(1)} s)\n`,
      );

      for (const database of ['postgres', 'sqlite'] as const) {
        const measurement = await measureCycle(database, registry, github);
        printMeasurement(measurement);
        verify(measurement);
        measurements.push(measurement);
      }
      // V8 grows its heap lazily while it may; a backend given a memory limit
      // caps the old space, and then the question is whether the cycle fits.
      try {
        capped = await measureCycle('postgres', registry, github, [
          `--max-old-space-size=${CAPPED_OLD_SPACE_MB}`,
        ]);
        capped.database = `PostgreSQL, --max-old-space-size=${CAPPED_OLD_SPACE_MB}`;
        printMeasurement(capped);
        verify(capped);
      } catch (error) {
        capped = undefined;
        process.stdout.write(
          `with --max-old-space-size=${CAPPED_OLD_SPACE_MB} the cycle failed: ${(error as Error).message}\n`,
        );
      }
    } finally {
      await Promise.allSettled([registry?.stop(), github?.stop()]);
      rmSync(storage, { recursive: true, force: true });
    }

    const [postgres, sqlite] = measurements;
    return {
      cycle_5000_entities_s: round(postgres.seconds),
      cycle_registry_requests: postgres.registryRequests,
      cycle_registry_requests_minimum: MINIMUM_REGISTRY_REQUESTS,
      cycle_rss_mb: Math.round(postgres.peakRssMb),
      cycle_db_queries_per_entity: round(postgres.dbQueries / FLEET.entities, 3),
      cycle_github_requests: Object.values(postgres.githubRequests).reduce((a, b) => a + b, 0),
      cycle_5000_entities_sqlite_s: round(sqlite.seconds),
      cycle_sqlite_rss_mb: Math.round(sqlite.peakRssMb),
      cycle_sqlite_db_queries_per_entity: round(sqlite.dbQueries / FLEET.entities, 3),
      // -1: the capped cycle ran out of memory.
      cycle_rss_capped_heap_mb: capped ? Math.round(capped.peakRssMb) : -1,
      cycle_capped_heap_s: capped ? round(capped.seconds) : -1,
    };
  },
};
