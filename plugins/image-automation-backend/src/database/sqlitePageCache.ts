import type { Knex } from 'knex';

/**
 * The page cache each SQLite connection of the plugin may fill, in KiB:
 * SQLite's own default. better-sqlite3 builds SQLite with 16,000 KiB
 * instead, and the plugin reads and writes its tables in bulk once a
 * cycle, so a larger cache only holds pages the next cycle reads again
 * anyway (from the operating system's file cache): on the cycle benchmark
 * (5,000 entities) it held about 8 MB more RSS and ran no faster.
 * In-memory databases keep every page whatever the limit.
 */
export const SQLITE_PAGE_CACHE_KIB = 2000;

const SETTING = `cache_size = -${SQLITE_PAGE_CACHE_KIB}`;
const PRAGMA = `PRAGMA ${SETTING}`;

/** The driver's connection object, as knex's pool hands it out. */
type SqliteConnection = {
  /** better-sqlite3 */
  pragma?: (source: string) => unknown;
  /** sqlite3 */
  exec?: (source: string, callback: (error: Error | null) => void) => unknown;
};

const limited = new WeakSet<Knex>();

/**
 * Sets the page cache of the connection `db` runs a query on now (the only
 * one in knex's default SQLite pool) and of every one it opens later (the
 * pool replaces a broken one). Anything but SQLite is left alone.
 */
export async function limitSqlitePageCache(db: Knex): Promise<void> {
  if (!/sqlite/i.test(String(db.client.config.client))) return;
  if (limited.has(db)) return;
  limited.add(db);
  db.client.pool?.on(
    'createSuccess',
    (_eventId: unknown, connection: SqliteConnection) => {
      try {
        if (connection.pragma) connection.pragma(SETTING);
        // A failure here only leaves the driver's default cache size.
        else connection.exec?.(PRAGMA, () => {});
      } catch {
        // as above
      }
    },
  );
  await db.raw(PRAGMA);
}
