import {
  DatabaseService,
  resolvePackagePath,
} from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { limitSqlitePageCache } from './sqlitePageCache';

const migrationsDir = resolvePackagePath(
  '@image-automation/plugin-image-automation-backend',
  'migrations',
);

/**
 * The plugin's database client, with every one of the plugin's migrations
 * applied, unless the backend (`backend.database.skipMigrations`) or the
 * caller says to skip them, and on SQLite its page cache limited. All the
 * plugin's stores share one migrations folder, so each store's `create`
 * goes through here.
 */
export async function migratedClient(options: {
  database: DatabaseService;
  skipMigrations?: boolean;
}): Promise<Knex> {
  const client = await options.database.getClient();
  if (!options.database.migrations?.skip && !options.skipMigrations) {
    await client.migrate.latest({ directory: migrationsDir });
  }
  await limitSqlitePageCache(client);
  return client;
}
