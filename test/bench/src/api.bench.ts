import { AddressInfo } from 'node:net';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { metricsServiceMock } from '@backstage/backend-test-utils/alpha';
import { Entity, stringifyEntityRef } from '@backstage/catalog-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  FirstSeenTags,
  parseEntityAnnotations,
} from '@image-automation/plugin-image-automation-common';
// The benchmark starts the backend plugin in a test backend, as its tests do.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports
import imageAutomationPlugin from '@image-automation/plugin-image-automation-backend';
// Benchmarks run from source: the store is not part of the package's public
// API, and filling it directly is much faster than running a cycle first.
// eslint-disable-next-line @backstage/no-mixed-plugin-imports, @backstage/no-forbidden-package-imports
import { DatabaseImageAutomationStore } from '@image-automation/plugin-image-automation-backend/src/database/DatabaseImageAutomationStore';
import { percentile, printTable, round } from './support/figures';
import { FLEET, entities, placement, tags } from './support/fleet';
import { runLoad } from './support/runLoad';
import {
  ScratchDatabase,
  createPostgresDatabase,
} from './support/scratchDatabase';
import { databaseOver } from './support/services';
import { Benchmark, BenchmarkFigures } from './types';

/** Entities only name this host; the cycle is off, so nothing contacts it. */
const REGISTRY_HOST = '127.0.0.1:5000';
const CONCURRENCY = 50;
const WARM_UP = 2_000;
const REQUESTS = 20_000;

/** What one first cycle in observe mode leaves in the store, written directly. */
async function fillStore(database: ScratchDatabase, catalog: Entity[]) {
  const store = await DatabaseImageAutomationStore.create({
    database: databaseOver(database.knex),
  });
  const now = Date.now();
  const allTags = tags();
  await store.saveRepositories(
    Array.from({ length: FLEET.imageRepositories }, (_, i) => ({
      repository: `${REGISTRY_HOST}/${placement(i).imageRepository}`,
      tags: FirstSeenTags.listed(allTags, undefined, now - 86_400_000),
      lastScanAt: now,
      lastSuccessAt: now,
      consecutiveFailures: 0,
    })),
  );
  await store.saveDiscoveredEntities(
    catalog.map(entity => {
      const parsed = parseEntityAnnotations(entity);
      if (!parsed.spec) {
        throw new Error(
          `the bench entity ${
            entity.metadata.name
          } does not parse: ${JSON.stringify(parsed.problems)}`,
        );
      }
      return {
        entityRef: stringifyEntityRef(entity),
        title: entity.metadata.name,
        owner: String(entity.spec?.owner),
        mode: 'observe' as const,
        gitRepository: parsed.spec.repository,
        spec: parsed.spec,
        configProblems: parsed.problems,
        lastSeenAt: now,
      };
    }),
  );
  const refs = catalog.map(entity => stringifyEntityRef(entity));
  await store.replaceImages(
    refs,
    catalog.map((entity, index) => {
      const where = placement(index);
      const behind = where.currentTag !== '1.9.9';
      return {
        entityRef: refs[index],
        imageName: entity.metadata.name,
        repository: `${REGISTRY_HOST}/${where.imageRepository}`,
        image: `${REGISTRY_HOST}/${where.imageRepository}`,
        policy: 'semver ^1.0.0',
        state: behind ? ('update-available' as const) : ('up-to-date' as const),
        currentTag: where.currentTag,
        currentFile: where.file,
        currentLine: 20,
        latestTag: '1.9.9',
        versionsBehind: behind ? 10 : 0,
        pendingSince: behind ? now : undefined,
        updatedAt: now,
      };
    }),
  );
  await store.appendHistory(
    refs
      .filter((_, index) => placement(index).currentTag !== '1.9.9')
      .map(entityRef => ({
        entityRef,
        imageName: entityRef.split('/')[1],
        event: 'update-available' as const,
        fromTag: '1.0.0',
        toTag: '1.9.9',
        createdAt: now,
      })),
  );
  await store.markChecked(refs, now, () => now + 300_000);
}

/**
 * `GET /api/image-automation/entities/:kind/:namespace/:name` through the real
 * plugin in a test backend, with 5,000 entities stored in PostgreSQL and 50
 * concurrent keep-alive clients in another process.
 */
export const apiBenchmark: Benchmark = {
  name: 'api',
  async run(): Promise<BenchmarkFigures> {
    const catalog = entities(REGISTRY_HOST);
    const database = await createPostgresDatabase();
    let backend: Awaited<ReturnType<typeof startTestBackend>> | undefined;
    try {
      await fillStore(database, catalog);
      const catalogService = catalogServiceMock({ entities: catalog });
      // The in-memory catalog rebuilds a map of every entity on each
      // getEntityByRef (5,000 refs stringified per request); a real catalog
      // answers from an index, so the benchmark does too and measures the plugin.
      const byRef = new Map(
        catalog.map(entity => [stringifyEntityRef(entity), entity]),
      );
      let catalogCalls = 0;
      catalogService.getEntityByRef = async ref => {
        catalogCalls++;
        return byRef.get(
          typeof ref === 'string' ? ref : stringifyEntityRef(ref),
        );
      };
      backend = await startTestBackend({
        features: [
          imageAutomationPlugin,
          createServiceFactory({
            service: catalogServiceRef,
            deps: {},
            factory: () => catalogService,
          }),
          mockServices.database.factory({ knex: database.knex }),
          mockServices.rootConfig.factory({
            data: {
              imageAutomation: {
                enabled: false,
                registries: [{ host: REGISTRY_HOST, insecure: true }],
              },
            },
          }),
          metricsServiceMock.factory(),
        ],
      });
      const { port } = backend.server.address() as AddressInfo;
      const paths = catalog.map(
        entity =>
          `/api/image-automation/entities/component/default/${entity.metadata.name}`,
      );
      // Spread over all 5,000 entities, not in storage order.
      const shuffled = paths.map((_, i) => paths[(i * 7_919) % paths.length]);

      const queriesBefore = database.queries();
      const catalogBefore = catalogCalls;
      const result = await runLoad({
        origin: `http://127.0.0.1:${port}`,
        paths: shuffled,
        headers: { authorization: mockCredentials.user.header() },
        concurrency: CONCURRENCY,
        warmUp: WARM_UP,
        total: REQUESTS,
      });
      const measuredQueries = database.queries() - queriesBefore;
      const measuredCatalogCalls = catalogCalls - catalogBefore;
      if (result.statuses['200'] !== REQUESTS) {
        throw new Error(
          `not every request succeeded: ${JSON.stringify(
            result.statuses,
          )}; first failure: ${result.firstFailure}`,
        );
      }
      const sorted = [...result.latenciesMs].sort((a, b) => a - b);
      const p50 = percentile(sorted, 50);
      const p99 = percentile(sorted, 99);
      const perSecond = REQUESTS / (result.elapsedMs / 1000);
      // Warm-up and measured requests both reach the database and the catalog.
      const sent = WARM_UP + REQUESTS;
      const queriesPerRequest = measuredQueries / sent;
      printTable([
        ['entities stored (PostgreSQL)', String(FLEET.entities)],
        ['clients (keep-alive, separate process)', String(CONCURRENCY)],
        ['requests', `${REQUESTS} measured after ${WARM_UP} warm-up, all 200`],
        ['p50', `${p50.toFixed(1)} ms`],
        ['p90', `${percentile(sorted, 90).toFixed(1)} ms`],
        ['p99', `${p99.toFixed(1)} ms (target < 50 ms)`],
        ['max', `${sorted[sorted.length - 1].toFixed(1)} ms`],
        ['throughput', `${Math.round(perSecond)} requests/s`],
        [
          'per request',
          `${queriesPerRequest.toFixed(2)} DB queries, ${(
            measuredCatalogCalls / sent
          ).toFixed(2)} catalog reads`,
        ],
      ]);
      return {
        api_p50_ms: round(p50, 2),
        api_p99_ms: round(p99, 2),
        api_requests_per_s: Math.round(perSecond),
        api_db_queries_per_request: round(queriesPerRequest, 2),
      };
    } finally {
      await backend?.stop();
      await database.drop();
    }
  },
};
