/*
 * Runs one measured cycle in a fresh process, so its RSS is the engine's
 * (plus the modules a backend loads anyway), not the benchmark's set-up.
 * The benchmark starts it compiled, as a backend is deployed (forkBuilt).
 */
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector/promises';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { ConfigReader } from '@backstage/config';
// The engine's factory is not part of the package's public API: the
// benchmark drives it without the plugin, from the package's sources.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports, @backstage/no-forbidden-package-imports
import { createAutomationEngine } from '@image-automation/plugin-image-automation-backend/src/engine/createAutomationEngine';
import { CycleMeasurement, CycleReply, CycleRequest } from './cycleProtocol';
import { MemorySampler, memoryMb } from './figures';
import { FLEET, fleetEntity, fleetIndexOf } from './fleet';
import { MethodTiming, timeMethods } from './methodTimer';
import {
  ScratchDatabase,
  createPostgresDatabase,
  createSqliteDatabase,
} from './scratchDatabase';
import {
  CountingLogger,
  databaseOver,
  discardingMetrics,
  fleetCatalog,
  serviceAuth,
} from './services';

type RunRequest = Extract<CycleRequest, { type: 'run' }>;

/**
 * With IA_BENCH_CPU_PROFILE_DIR set, each measured cycle's CPU profile is
 * written there, and with IA_BENCH_HEAP_PROFILE_DIR its allocations (open
 * either in Chrome's DevTools): where a cycle's time and memory go, cycle
 * by cycle, without the set-up around it. With IA_BENCH_HEAP_SURVIVORS=1
 * as well, the allocation profile keeps only what outlived a scavenge:
 * what makes V8 grow its young generation. Profiling slows the cycle.
 */
async function startProfile() {
  const cpuDir = process.env.IA_BENCH_CPU_PROFILE_DIR;
  const heapDir = process.env.IA_BENCH_HEAP_PROFILE_DIR;
  if (!cpuDir && !heapDir) return undefined;
  const session = new Session();
  session.connect();
  if (cpuDir) {
    await session.post('Profiler.enable');
    await session.post('Profiler.start');
  }
  if (heapDir) {
    await session.post('HeapProfiler.enable');
    await session.post('HeapProfiler.startSampling', {
      samplingInterval: 16384,
      includeObjectsCollectedByMajorGC: true,
      includeObjectsCollectedByMinorGC: !process.env.IA_BENCH_HEAP_SURVIVORS,
    });
  }
  return {
    async save(fileName: string) {
      if (cpuDir) {
        const { profile } = await session.post('Profiler.stop');
        writeFileSync(
          join(cpuDir, `${fileName}.cpuprofile`),
          JSON.stringify(profile),
        );
      }
      if (heapDir) {
        // What the last scavenge has not reached yet is not a survivor.
        if (process.env.IA_BENCH_HEAP_SURVIVORS) {
          (globalThis as { gc?: (options: object) => void }).gc?.({
            type: 'minor',
            execution: 'sync',
          });
        }
        const { profile } = await session.post('HeapProfiler.stopSampling');
        writeFileSync(
          join(heapDir, `${fileName}.heapprofile`),
          JSON.stringify(profile),
        );
      }
      session.disconnect();
    },
  };
}

/** Builds the engine over `database`; `measure()` runs and measures one cycle. */
async function startEngine(request: RunRequest, database: ScratchDatabase) {
  const logger = new CountingLogger();
  const catalog = fleetCatalog({
    count: FLEET.entities,
    entityAt: index => fleetEntity(request.registryHost, index),
    indexOf: fleetIndexOf,
  });
  const config = new ConfigReader({
    integrations: {
      github: [
        {
          host: 'github.com',
          apiBaseUrl: request.githubApiBaseUrl,
          token: request.githubToken,
        },
      ],
    },
    imageAutomation: {
      registries: [{ host: request.registryHost, insecure: true }],
      // The fleet's entities name their deploy repositories by source location only.
      git: { allowedRepositories: ['github.com/acme/deploy-*'] },
    },
  });
  // Each cycle after the first runs ten minutes later: every entity and
  // registry repository is due again, as on the default five-minute schedule.
  let offsetMs = 0;
  const services = await createAutomationEngine({
    config,
    logger,
    database: databaseOver(database.knex),
    catalog,
    auth: serviceAuth,
    metrics: discardingMetrics,
    now: () => Date.now() + offsetMs,
  });
  const { engine, store } = services;
  let cycles = 0;
  let registryRequestsBefore = 0;
  const measure = async (): Promise<CycleMeasurement> => {
    if (cycles++ > 0) offsetMs += 10 * 60_000;
    // Where the time goes, by component: timed in place, behaviour unchanged.
    let started = 0;
    const since = () => performance.now() - started;
    const timings = new Map<string, MethodTiming>();
    timeMethods(catalog, 'catalog', timings, since);
    timeMethods(services.registry, 'registry', timings, since);
    timeMethods(store, 'store', timings, since);
    // The GitHub reads are the adapter's own; reached at run time for timing only.
    const hosts = (
      engine as unknown as {
        options: { gitHosts?: { adapters?: Array<{ reads?: object }> } };
      }
    ).options.gitHosts;
    const reads = hosts?.adapters?.find(a => a.reads)?.reads;
    if (reads) timeMethods(reads, 'git', timings, since);

    const queriesBefore = database.queries();
    // Start-up garbage must not count as the cycle's; run with --expose-gc.
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const before = memoryMb();
    const sampler = new MemorySampler();
    const profiling = await startProfile();
    const cpuBefore = process.cpuUsage();
    started = performance.now();
    registryRequestsBefore = services.registry.stats().requests;
    const report = await engine.runCycle();
    const seconds = (performance.now() - started) / 1000;
    await profiling?.save(`cycle-${cycles}-${database.label}`);
    const peak = sampler.stop();
    const cpu = process.cpuUsage(cpuBefore);
    gc?.();
    const after = memoryMb();
    const dbQueries = database.queries() - queriesBefore;

    const states: Record<string, number> = {};
    for (const image of await store.listImages()) {
      states[image.state] = (states[image.state] ?? 0) + 1;
    }
    return {
      database: database.label,
      seconds,
      registryRequests:
        services.registry.stats().requests - registryRequestsBefore,
      dbQueries,
      peakRssMb: peak.rssMb,
      peakHeapMb: peak.heapUsedMb,
      peakHeapTotalMb: peak.heapTotalMb,
      peakExternalMb: peak.externalMb,
      peakNewSpaceMb: peak.newSpaceMb,
      before,
      after,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      cpuMs: (cpu.user + cpu.system) / 1000,
      timings: [...timings],
      report,
      states,
      problems: logger.problems.splice(0),
    };
  };
  return { measure, close: () => services.registry.close() };
}

let running:
  | {
      measure(): Promise<CycleMeasurement>;
      close(): Promise<void>;
      database: ScratchDatabase;
    }
  | undefined;

async function finish() {
  const ending = running;
  running = undefined;
  try {
    await ending?.close();
  } finally {
    await ending?.database.drop();
  }
}

async function handle(request: CycleRequest): Promise<CycleMeasurement> {
  if (request.type === 'run') {
    const database =
      request.database === 'postgres'
        ? await createPostgresDatabase()
        : await createSqliteDatabase();
    try {
      running = { ...(await startEngine(request, database)), database };
    } catch (error) {
      await database.drop();
      throw error;
    }
    return running.measure();
  }
  if (!running) throw new Error('"again" before "run"');
  try {
    return await running.measure();
  } finally {
    await finish();
  }
}

function reply(message: CycleReply, last: boolean) {
  process.send!(message, () => {
    if (last) process.disconnect?.();
  });
}

process.on('message', (request: CycleRequest) => {
  handle(request)
    .then(measurement =>
      reply({ type: 'measured', measurement }, request.type === 'again'),
    )
    .catch(async error => {
      await finish().catch(() => undefined);
      reply({ type: 'error', message: String(error?.stack ?? error) }, true);
    });
});
