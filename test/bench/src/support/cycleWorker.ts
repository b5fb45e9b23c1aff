/*
 * Runs one measured cycle in a fresh process, so its RSS is the engine's
 * (plus the modules a backend loads anyway), not the benchmark's set-up.
 */
import { performance } from 'node:perf_hooks';
import { ConfigReader } from '@backstage/config';
// Benchmarks run from source: the engine's factory is not part of the
// package's public API, and the benchmark drives it without the plugin.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports, @backstage/no-forbidden-package-imports
import { createAutomationEngine } from '@image-automation/plugin-image-automation-backend/src/engine/createAutomationEngine';
import { CycleMeasurement, CycleReply, CycleRequest } from './cycleProtocol';
import { MemorySampler, memoryMb } from './figures';
import { entities } from './fleet';
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

async function measureCycle(
  request: CycleRequest,
  database: ScratchDatabase,
): Promise<CycleMeasurement> {
  const logger = new CountingLogger();
  const catalog = fleetCatalog(entities(request.registryHost));
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
    },
  });
  const services = await createAutomationEngine({
    config,
    logger,
    database: databaseOver(database.knex),
    catalog,
    auth: serviceAuth,
    metrics: discardingMetrics,
  });
  const { engine, store } = services;
  try {
    // Where the time goes, by component: timed in place, behaviour unchanged.
    let started = 0;
    const since = () => performance.now() - started;
    const timings = new Map<string, MethodTiming>();
    timeMethods(catalog, 'catalog', timings, since);
    timeMethods(services.registry, 'registry', timings, since);
    timeMethods(store, 'store', timings, since);
    // The Git hosts are the engine's own; reached at run time for timing
    // only: every repository they open is timed as `git.*`.
    const gitHosts = (
      engine as unknown as {
        options: { gitHosts?: { open(url: string): Promise<object> } };
      }
    ).options.gitHosts;
    if (gitHosts) {
      const open = gitHosts.open.bind(gitHosts);
      gitHosts.open = async (url: string) => {
        const repository = await open(url);
        timeMethods(repository, 'git', timings, since);
        return repository;
      };
    }

    const queriesBefore = database.queries();
    // Start-up garbage must not count as the cycle's; run with --expose-gc.
    const gc = (globalThis as { gc?: () => void }).gc;
    gc?.();
    const before = memoryMb();
    const sampler = new MemorySampler();
    const cpuBefore = process.cpuUsage();
    started = performance.now();
    const report = await engine.runCycle();
    const seconds = (performance.now() - started) / 1000;
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
      registryRequests: services.registry.stats().requests,
      dbQueries,
      peakRssMb: peak.rssMb,
      peakHeapMb: peak.heapUsedMb,
      before,
      after,
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      cpuMs: (cpu.user + cpu.system) / 1000,
      timings: [...timings],
      report,
      states,
      problems: logger.problems,
    };
  } finally {
    await services.registry.close();
  }
}

async function run(request: CycleRequest): Promise<CycleMeasurement> {
  const database =
    request.database === 'postgres'
      ? await createPostgresDatabase()
      : await createSqliteDatabase();
  try {
    return await measureCycle(request, database);
  } finally {
    await database.drop();
  }
}

function reply(message: CycleReply) {
  process.send!(message, () => process.disconnect?.());
}

process.once('message', (request: CycleRequest) => {
  run(request)
    .then(measurement => reply({ type: 'measured', measurement }))
    .catch(error =>
      reply({ type: 'error', message: String(error?.stack ?? error) }),
    );
});
