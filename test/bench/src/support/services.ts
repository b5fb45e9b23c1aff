import {
  DatabaseService,
  LoggerService,
} from '@backstage/backend-plugin-api';
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
