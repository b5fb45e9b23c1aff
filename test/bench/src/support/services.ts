import {
  AuthService,
  BackstageCredentials,
  BackstageServicePrincipal,
  DatabaseService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type { QueryEntitiesRequest } from '@backstage/catalog-client';
import {
  CompoundEntityRef,
  Entity,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { MetricsService } from '@backstage/backend-plugin-api/alpha';
import { Knex } from 'knex';

/**
 * A logger that drops info and debug lines (5,000 entities would drown the
 * table) but counts warnings and errors and keeps the first few, so a
 * benchmark can show that its cycle did what it claims.
 */
export class CountingLogger implements LoggerService {
  readonly problems: string[] = [];
  warnings = 0;
  errors = 0;

  error(message: string): void {
    this.errors++;
    this.keep(`error: ${message}`);
  }
  warn(message: string): void {
    this.warnings++;
    this.keep(`warn: ${message}`);
  }
  info(): void {}
  debug(): void {}
  child(): LoggerService {
    return this;
  }

  private keep(line: string) {
    if (this.problems.length < 5) this.problems.push(line);
  }
}

const noInstrument = { add() {}, record() {} };
const noObservable = { addCallback() {}, removeCallback() {} };

/** Metrics that go nowhere: the cycle pays for recording, not exporting. */
export const discardingMetrics: MetricsService = {
  createCounter: () => noInstrument,
  createUpDownCounter: () => noInstrument,
  createHistogram: () => noInstrument,
  createGauge: () => noInstrument,
  createObservableCounter: () => noObservable,
  createObservableUpDownCounter: () => noObservable,
  createObservableGauge: () => noObservable,
};

/** The plugin's database service over a knex client the benchmark owns. */
export function databaseOver(knex: Knex): DatabaseService {
  return { getClient: async () => knex };
}

/**
 * The plugin's own service credentials, as the auth service hands them out;
 * the fleet catalog below does not check them.
 */
export const serviceAuth: AuthService = {
  getOwnServiceCredentials: async () =>
    ({
      $$type: '@backstage/BackstageCredentials',
      principal: { type: 'service', subject: 'plugin:image-automation' },
    } as BackstageCredentials<BackstageServicePrincipal>),
  authenticate: async () => {
    throw new Error('not used by the engine');
  },
  getNoneCredentials: async () => {
    throw new Error('not used by the engine');
  },
  isPrincipal: (() => true) as unknown as AuthService['isPrincipal'],
  getPluginRequestToken: async () => ({ token: '' }),
  getLimitedUserToken: async () => {
    throw new Error('not used by the engine');
  },
  listPublicServiceKeys: async () => ({ keys: [] }),
};

/**
 * The catalog calls the engine makes (paged queryEntities, getEntityByRef)
 * over a fleet of `count` entities. Each page's documents are built when it
 * is asked for, fresh as the catalog's client parses them from its HTTP
 * answer, and held by nothing here: the figures the benchmark reports are
 * the engine's memory, not a stand-in catalog's (the test-utils catalog
 * mock would hold the whole fleet, and its dependencies, in the process).
 */
export function fleetCatalog(fleet: {
  count: number;
  entityAt(index: number): Entity;
  indexOf(entityRef: string): number | undefined;
}): CatalogService {
  return {
    async queryEntities(request?: QueryEntitiesRequest) {
      const limit = request?.limit ?? 500;
      const offset =
        request && 'cursor' in request ? Number(request.cursor) : 0;
      const end = Math.min(offset + limit, fleet.count);
      const items: Entity[] = [];
      for (let index = offset; index < end; index++) {
        items.push(fleet.entityAt(index));
      }
      return {
        items,
        totalItems: fleet.count,
        pageInfo: { nextCursor: end < fleet.count ? String(end) : undefined },
      };
    },
    async getEntityByRef(ref: string | CompoundEntityRef) {
      const index = fleet.indexOf(
        typeof ref === 'string' ? ref : stringifyEntityRef(ref),
      );
      return index === undefined ? undefined : fleet.entityAt(index);
    },
  } as unknown as CatalogService;
}
