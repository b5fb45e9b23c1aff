import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory, { Knex } from 'knex';

/** PostgreSQL 15 of this machine; override with IA_BENCH_POSTGRES_URL. */
const POSTGRES_URL =
  process.env.IA_BENCH_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432';

/** A database made for one benchmark and dropped after it, with a query counter. */
export interface ScratchDatabase {
  /** `PostgreSQL` or `SQLite`, for tables. */
  label: string;
  knex: Knex;
  /** Queries sent through `knex` since it was created. */
  queries(): number;
  drop(): Promise<void>;
}

function countQueries(knex: Knex): () => number {
  let count = 0;
  knex.on('query', () => {
    count++;
  });
  return () => count;
}

/** A fresh `ia_bench_<random>` database on the local PostgreSQL. */
export async function createPostgresDatabase(): Promise<ScratchDatabase> {
  const name = `ia_bench_${randomBytes(6).toString('hex')}`;
  const admin = knexFactory({
    client: 'pg',
    connection: `${POSTGRES_URL}/postgres`,
    pool: { min: 0, max: 1 },
  });
  try {
    await admin.raw(`CREATE DATABASE ??`, [name]);
  } catch (error) {
    await admin.destroy();
    throw new Error(
      `Could not create a scratch database on ${POSTGRES_URL} (${
        (error as Error).message
      }); start PostgreSQL there or set IA_BENCH_POSTGRES_URL`,
    );
  }
  const knex = knexFactory({
    client: 'pg',
    connection: `${POSTGRES_URL}/${name}`,
    // What the Backstage database service gives a plugin by default.
    pool: { min: 0, max: 10 },
  });
  return {
    label: 'PostgreSQL',
    knex,
    queries: countQueries(knex),
    async drop() {
      await knex.destroy();
      try {
        await admin.raw(`DROP DATABASE IF EXISTS ?? WITH (FORCE)`, [name]);
      } finally {
        await admin.destroy();
      }
    },
  };
}

/** A SQLite file in a temporary directory (on disk, like a small install). */
export async function createSqliteDatabase(): Promise<ScratchDatabase> {
  const dir = mkdtempSync(join(tmpdir(), 'ia-bench-sqlite-'));
  const knex = knexFactory({
    client: 'better-sqlite3',
    connection: { filename: join(dir, 'image-automation.sqlite') },
    useNullAsDefault: true,
  });
  return {
    label: 'SQLite',
    knex,
    queries: countQueries(knex),
    async drop() {
      try {
        await knex.destroy();
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
