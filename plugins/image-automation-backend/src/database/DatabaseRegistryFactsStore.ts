import { groupBy } from '../groupBy';
import { DatabaseService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { migratedClient } from './migrateDatabase';
import { chunks, num, Row, str } from './rows';
import { writeRows } from './writeRows';
import {
  BuildTime,
  PushEvent,
  PushEventRecord,
  RegistryFactsStore,
  TagDigest,
} from './RegistryFactsStore';

/** Keys per statement: stays under SQLite's bound-parameter limit. */
const BATCH_SIZE = 200;

/**
 * The knex implementation, on the plugin's database; its tables come from
 * the `registry_parity` migration, run with the plugin's others.
 */
export class DatabaseRegistryFactsStore implements RegistryFactsStore {
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
  }): Promise<DatabaseRegistryFactsStore> {
    return new DatabaseRegistryFactsStore(await migratedClient(options));
  }

  private constructor(private readonly db: Knex) {}

  async getTagDigests(repository: string): Promise<Map<string, TagDigest>> {
    const rows: Row[] = await this.db('ia_tag_digests').where({ repository });
    return new Map(
      rows.map(row => [
        row.tag,
        {
          tag: row.tag,
          digest: row.digest,
          observedAt: Number(row.observed_at),
        },
      ]),
    );
  }

  async saveTagDigests(
    repository: string,
    digests: TagDigest[],
  ): Promise<void> {
    const rows = digests.map(d => ({
      repository,
      tag: d.tag,
      digest: d.digest,
      observed_at: d.observedAt,
    }));
    for (const batch of chunks(rows, 50)) {
      await writeRows(this.db, 'ia_tag_digests', batch, {
        key: ['repository', 'tag'],
        merge: ['digest', 'observed_at'],
      });
    }
  }

  async pruneTagDigests(
    listed: ReadonlyMap<string, readonly string[]>,
  ): Promise<void> {
    // One read per few hundred repositories: a scan of a thousand costs a
    // handful of queries, and deletes only where tags went away.
    for (const repositories of chunks([...listed.keys()], BATCH_SIZE)) {
      const stored: Array<{ repository: string; tag: string }> = await this.db(
        'ia_tag_digests',
      )
        .whereIn('repository', repositories)
        .select('repository', 'tag');
      for (const [repository, rows] of groupBy(stored, r => r.repository)) {
        const still = new Set(listed.get(repository));
        const gone = rows.map(r => r.tag).filter(tag => !still.has(tag));
        for (const batch of chunks(gone, BATCH_SIZE)) {
          await this.db('ia_tag_digests')
            .where({ repository })
            .whereIn('tag', batch)
            .delete();
        }
      }
    }
  }

  async getBuildTimes(
    repository: string,
    platform: string,
    digests: string[],
  ): Promise<Map<string, BuildTime>> {
    const times = new Map<string, BuildTime>();
    for (const batch of chunks([...new Set(digests)], BATCH_SIZE)) {
      const rows: Row[] = await this.db('ia_build_times')
        .where({ repository, platform })
        .whereIn('digest', batch);
      for (const row of rows) {
        times.set(row.digest, {
          digest: row.digest,
          platform: row.platform,
          createdAt: num(row.created_at),
          problem: str(row.problem),
          inspectedAt: Number(row.inspected_at),
        });
      }
    }
    return times;
  }

  async saveBuildTimes(repository: string, times: BuildTime[]): Promise<void> {
    const rows = times.map(t => ({
      repository,
      digest: t.digest,
      platform: t.platform,
      created_at: t.createdAt ?? null,
      problem: t.problem ?? null,
      inspected_at: t.inspectedAt,
    }));
    for (const batch of chunks(rows, 50)) {
      // A digest's build time never changes: the first reading stays.
      await writeRows(this.db, 'ia_build_times', batch, {
        key: ['repository', 'digest', 'platform'],
        ignore: true,
      });
    }
  }

  async knownRepositories(repositories: string[]): Promise<Set<string>> {
    const known = new Set<string>();
    for (const batch of chunks([...new Set(repositories)], BATCH_SIZE)) {
      const rows: string[] = await this.db('ia_images')
        .distinct('repository')
        .whereIn('repository', batch)
        .pluck('repository');
      rows.forEach(r => known.add(r));
    }
    return known;
  }

  async entityRefsUsing(repositories: string[]): Promise<string[]> {
    const refs = new Set<string>();
    for (const batch of chunks([...new Set(repositories)], BATCH_SIZE)) {
      const rows: string[] = await this.db('ia_images')
        .distinct('entity_ref')
        .whereIn('repository', batch)
        .pluck('entity_ref');
      rows.forEach(r => refs.add(r));
    }
    return [...refs].sort();
  }

  async recordPushEvents(
    events: PushEvent[],
    receivedAt: number,
  ): Promise<void> {
    await this.db.transaction(async tx => {
      for (const event of events) {
        const existing: Row | undefined = await tx('ia_push_events')
          .where({ repository: event.repository })
          .first();
        const row = {
          provider: event.provider,
          tag: event.tag ?? null,
          digest: event.digest ?? null,
          received_at: receivedAt,
          event_count: Number(existing?.event_count ?? 0) + 1,
          // The oldest unscanned event says how long the repository has waited.
          pending_since: num(existing?.pending_since) ?? receivedAt,
        };
        if (existing) {
          await tx('ia_push_events')
            .where({ repository: event.repository })
            .update(row);
        } else {
          await tx('ia_push_events').insert({
            repository: event.repository,
            ...row,
          });
        }
        if (event.tag && event.digest?.startsWith('sha256:')) {
          await tx('ia_tag_digests')
            .insert({
              repository: event.repository,
              tag: event.tag,
              digest: event.digest,
              observed_at: receivedAt,
            })
            .onConflict(['repository', 'tag'])
            .merge(['digest', 'observed_at']);
        }
      }
    });
  }

  async listPendingPushes(): Promise<PushEventRecord[]> {
    const rows: Row[] = await this.db('ia_push_events').whereNotNull(
      'pending_since',
    );
    return rows.map(toPushEvent);
  }

  async markPushesScanned(
    repositories: string[],
    scanStartedAt: number,
  ): Promise<void> {
    for (const batch of chunks(repositories, BATCH_SIZE)) {
      await this.db('ia_push_events')
        .whereIn('repository', batch)
        .update({ last_push_scan_at: scanStartedAt });
      await this.db('ia_push_events')
        .whereIn('repository', batch)
        .where('received_at', '<=', scanStartedAt)
        .update({ pending_since: null });
    }
  }

  async getPushEvents(
    repositories: string[],
  ): Promise<Map<string, PushEventRecord>> {
    const events = new Map<string, PushEventRecord>();
    for (const batch of chunks([...new Set(repositories)], BATCH_SIZE)) {
      const rows: Row[] = await this.db('ia_push_events').whereIn(
        'repository',
        batch,
      );
      rows.forEach(row => events.set(row.repository, toPushEvent(row)));
    }
    return events;
  }
}

function toPushEvent(row: Row): PushEventRecord {
  return {
    repository: row.repository,
    provider: row.provider,
    tag: str(row.tag),
    digest: str(row.digest),
    receivedAt: Number(row.received_at),
    eventCount: Number(row.event_count),
    pendingSince: num(row.pending_since),
    lastPushScanAt: num(row.last_push_scan_at),
  };
}
