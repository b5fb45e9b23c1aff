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
 * The catalog calls the engine makes (paged queryEntities, getEntityByRef),
 * over the fleet's entities in memory: the test-utils catalog mock and its
 * dependencies would add their own memory to the RSS the benchmark reports.
 */
export function fleetCatalog(entities: Entity[]): CatalogService {
  const byRef = new Map(entities.map(e => [stringifyEntityRef(e), e]));
  return {
    async queryEntities(request?: QueryEntitiesRequest) {
      const limit = request?.limit ?? 500;
      const offset =
        request && 'cursor' in request ? Number(request.cursor) : 0;
      // Fresh documents per page, as the catalog's client parses them from
      // its HTTP answer: the engine must not keep the set-up's objects alive.
      const items: Entity[] = JSON.parse(
        JSON.stringify(entities.slice(offset, offset + limit)),
      );
      const next =
        offset + limit < entities.length ? String(offset + limit) : undefined;
      return {
        items,
        totalItems: entities.length,
        pageInfo: { nextCursor: next },
      };
    },
    async getEntityByRef(ref: string | CompoundEntityRef) {
      return byRef.get(typeof ref === 'string' ? ref : stringifyEntityRef(ref));
    },
  } as unknown as CatalogService;
}
