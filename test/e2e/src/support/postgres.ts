import { randomBytes } from 'node:crypto';
import { Client, ClientConfig } from 'pg';

/** The PostgreSQL every test backend shares on this machine. */
const SERVER: ClientConfig = {
  host: '127.0.0.1',
  port: 5432,
  user: 'postgres',
};

/**
 * A database prefix of its own for one test run. Backstage creates one
 * database per plugin, `<prefix><pluginId>`, so replicas given the same
 * prefix share every plugin's tables (the scheduler's locks included).
 */
export interface TestDatabases {
  /** For `backend.database.prefix`: unique per run, safe in identifiers. */
  readonly prefix: string;
  /** For `backend.database.connection`. */
  readonly connection: { host: string; port: number; user: string };
  /** Drops every `<prefix>%` database, even with backends still connected. */
  dropAll(): Promise<void>;
}

async function withClient<T>(
  database: string,
  work: (client: Client) => Promise<T>,
): Promise<T> {
  const client = new Client({ ...SERVER, database });
  await client.connect();
  try {
    return await work(client);
  } finally {
    await client.end();
  }
}

/** Checks the server answers and hands out a fresh prefix. */
export async function createTestDatabases(): Promise<TestDatabases> {
  const prefix = `ia_e2e_${Date.now().toString(36)}_${randomBytes(3).toString(
    'hex',
  )}_`;
  await withClient('postgres', client => client.query('SELECT 1'));
  return {
    prefix,
    connection: {
      host: SERVER.host!,
      port: SERVER.port!,
      user: SERVER.user!,
    },
    dropAll: () =>
      withClient('postgres', async client => {
        // LIKE would read the prefix's underscores as wildcards.
        const { rows } = await client.query<{ datname: string }>(
          'SELECT datname FROM pg_database WHERE left(datname, length($1)) = $1',
          [prefix],
        );
        for (const { datname } of rows) {
          await client.query(
            `DROP DATABASE IF EXISTS "${datname.replace(
              /"/g,
              '""',
            )}" WITH (FORCE)`,
          );
        }
      }),
  };
}
