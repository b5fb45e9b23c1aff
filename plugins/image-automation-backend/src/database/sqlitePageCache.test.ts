import { TestDatabases } from '@backstage/backend-test-utils';
import knexFactory, { Knex } from 'knex';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { SQLITE_PAGE_CACHE_KIB, limitSqlitePageCache } from './sqlitePageCache';

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

type BetterSqlite = {
  pragma(source: string, options: { simple: true }): number;
};

/** The cache size of two connections held at once (the second one new). */
async function cacheSizes(db: Knex): Promise<number[]> {
  const connections: BetterSqlite[] = await Promise.all([
    db.client.acquireConnection(),
    db.client.acquireConnection(),
  ]);
  try {
    return connections.map(c => c.pragma('cache_size', { simple: true }));
  } finally {
    for (const c of connections) await db.client.releaseConnection(c);
  }
}

describe('limitSqlitePageCache', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'ia-page-cache-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('limits the connection a SQLite file database has and those it opens later', async () => {
    const db = knexFactory({
      client: 'better-sqlite3',
      connection: { filename: join(dir, 'plugin.sqlite') },
      useNullAsDefault: true,
      pool: { min: 0, max: 2 },
    });
    try {
      // One connection, idle, with better-sqlite3's build default.
      const before: BetterSqlite = await db.client.acquireConnection();
      expect(before.pragma('cache_size', { simple: true })).toBe(-16000);
      await db.client.releaseConnection(before);

      await limitSqlitePageCache(db);
      await limitSqlitePageCache(db);

      // The idle one, and a second one opened for the second acquire.
      expect(await cacheSizes(db)).toEqual([
        -SQLITE_PAGE_CACHE_KIB,
        -SQLITE_PAGE_CACHE_KIB,
      ]);
    } finally {
      await db.destroy();
    }
  });

  it("limits the connection of the test backend's SQLite", async () => {
    const db = await databases.init('SQLITE_3');
    await limitSqlitePageCache(db);
    const [row] = await db.raw('PRAGMA cache_size');
    expect(row.cache_size).toBe(-SQLITE_PAGE_CACHE_KIB);
  });

  it('sends PostgreSQL nothing (it has no such pragma)', async () => {
    const db = await databases.init('POSTGRES_15');
    const sent: string[] = [];
    db.on('query', ({ sql }: { sql: string }) => sent.push(sql));
    await limitSqlitePageCache(db);
    expect(sent).toEqual([]);
  });
});
