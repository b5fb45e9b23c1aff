import { DatabaseService } from '@backstage/backend-plugin-api';
import { Knex } from 'knex';
import { migratedClient } from './migrateDatabase';
import { chunks, num, Row, str } from './rows';
import { writeRows } from './writeRows';
import {
  FirstSeenTags,
  HistoryEventKind,
} from '@image-automation/plugin-image-automation-common';
import { hash, randomBytes } from 'node:crypto';
import {
  EntityDiscovery,
  EntityRecord,
  EntityView,
  HistoryEvent,
  ImageRecord,
  RepositoryRecord,
  WriteBackRecord,
} from '../domain/records';
import { groupBy } from '../groupBy';
import {
  ImageAutomationStore,
  SIGHTING_RESOLUTION_MS,
} from './ImageAutomationStore';

/** The write-back columns, aliased when joined onto an entity row. */
const WRITE_BACK_COLUMNS = [
  'entity_ref',
  'git_repository',
  'host_kind',
  'branch',
  'pr_number',
  'pr_url',
  'pr_state',
  'record_state',
  'target_tags',
  'last_commit_sha',
  'pending_commit_sha',
  'base_sha',
  'declined_tags',
  'declined_at',
  'note',
  'error_kind',
  'error_message',
  'updated_at',
];

/** The image columns, aliased when joined onto an entity row. */
const IMAGE_COLUMNS = [
  'entity_ref',
  'image_name',
  'repository',
  'image',
  'policy',
  'state',
  'current_tag',
  'current_file',
  'current_line',
  'latest_tag',
  'versions_behind',
  'pending_since',
  'message',
  'error_kind',
  'error_message',
  'digest',
  'updated_at',
];

/** The last push event of an image's repository, joined onto its row. */
const PUSH_COLUMNS = [
  'p.received_at as push_received_at',
  'p.provider as push_provider',
  'p.tag as push_tag',
  'p.pending_since as push_pending_since',
];

function toLastPush(row: Row): EntityView['images'][number]['lastPush'] {
  if (row.push_received_at === null || row.push_received_at === undefined)
    return undefined;
  return {
    receivedAt: Number(row.push_received_at),
    provider: row.push_provider,
    tag: str(row.push_tag),
    pending:
      row.push_pending_since !== null && row.push_pending_since !== undefined,
  };
}

/** Rows per statement, keys per `whereIn`: under SQLite's bound-parameter limit. */
const BATCH_SIZE = 50;
/** Entities saved at a time by a discovery: one `whereIn` read each (selectIn's batch). */
const DISCOVERY_SLICE = 500;

function json<T>(value: unknown): T | undefined {
  return typeof value === 'string' ? (JSON.parse(value) as T) : undefined;
}

/** A repository's tags column (tag → first seen, as JSON), read every cycle. */
function tagsOf(value: unknown): FirstSeenTags | undefined {
  if (typeof value === 'string' && value.startsWith('{'))
    return FirstSeenTags.fromJSONText(value);
  const record = json<Record<string, number>>(value);
  return record ? FirstSeenTags.fromRecord(record) : undefined;
}

/** What a rediscovery reads back of each entity: no spec, only its digest and schedule. */
const SCHEDULE_COLUMNS = [
  'entity_ref',
  'discovery_digest',
  'last_seen_at',
  'next_due_at',
  'refresh_requested_at',
  'last_checked_at',
];

/** An entity's discovered columns, with the digest that stands for all of them. */
function discoveryRow(e: EntityDiscovery) {
  const found = {
    title: e.title ?? null,
    owner: e.owner ?? null,
    system: e.system ?? null,
    mode: e.mode,
    git_repository: e.gitRepository ?? null,
    managed_by_repository: e.managedByRepository ?? null,
    spec: e.spec ? JSON.stringify(e.spec) : null,
    config_problems: JSON.stringify(e.configProblems),
    interval_ms: e.intervalMs ?? null,
  };
  // NUL-separated: JSON never holds a raw NUL, and this spares
  // serializing every spec a second time.
  const fields = Object.values(found).map(v => (v === null ? '\u0001' : v));
  return {
    entity_ref: e.entityRef,
    ...found,
    discovery_digest: hash('sha256', fields.join('\u0000'), 'base64url'),
    last_seen_at: e.lastSeenAt,
  };
}

/** The knex implementation of the store, on SQLite or PostgreSQL. */
export class DatabaseImageAutomationStore implements ImageAutomationStore {
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
  }): Promise<DatabaseImageAutomationStore> {
    return new DatabaseImageAutomationStore(await migratedClient(options));
  }

  private constructor(private readonly db: Knex) {}

  async saveDiscoveredEntities(
    entities: EntityDiscovery[],
  ): Promise<EntityRecord[]> {
    const records: EntityRecord[] = [];
    // A slice at a time: each slice's rows (every spec serialized) are
    // garbage before the next is built, instead of all of them outliving
    // the reads and writes of the whole fleet.
    for (const slice of chunks(entities, DISCOVERY_SLICE)) {
      records.push(...(await this.saveDiscoverySlice(slice)));
    }
    return records;
  }

  private async saveDiscoverySlice(
    entities: EntityDiscovery[],
  ): Promise<EntityRecord[]> {
    const rows = entities.map(discoveryRow);
    const columns = Object.keys(rows[0]).filter(
      k => k !== 'entity_ref' && k !== 'last_seen_at',
    );
    // Rediscovery finds most entities as they were: their digests match and
    // they only get their sighting moved, in a few statements, instead of a
    // full upsert each; no spec is read back to find that out.
    const stored = new Map(
      (
        await this.selectIn(
          'ia_entities',
          rows.map(r => r.entity_ref),
          SCHEDULE_COLUMNS,
        )
      ).map(r => [r.entity_ref, r]),
    );
    const changed = rows.filter(
      row =>
        stored.get(row.entity_ref)?.discovery_digest !== row.discovery_digest,
    );
    for (const batch of chunks(changed, BATCH_SIZE)) {
      await writeRows(
        this.db,
        'ia_entities',
        batch.map(row => ({ ...row, next_due_at: 0 })),
        { key: ['entity_ref'], merge: [...columns, 'last_seen_at'] },
      );
    }
    const changedRefs = new Set(changed.map(r => r.entity_ref));
    // A sighting is recorded to within SIGHTING_RESOLUTION_MS: entities are
    // forgotten a day after they left, so a cycle every few minutes need not
    // rewrite every row to say it saw them again.
    const resighted = rows.filter(
      row =>
        !changedRefs.has(row.entity_ref) &&
        Number(stored.get(row.entity_ref)?.last_seen_at) <=
          row.last_seen_at - SIGHTING_RESOLUTION_MS,
    );
    for (const [at, unchanged] of groupBy(resighted, row => row.last_seen_at)) {
      await this.db('ia_entities')
        .whereIn(
          'entity_ref',
          unchanged.map(row => row.entity_ref),
        )
        .update({ last_seen_at: at });
    }
    const moved = new Set([
      ...changedRefs,
      ...resighted.map(row => row.entity_ref),
    ]);
    return entities.map((entity, index) => {
      const { specUnreadable: _, ...found } = entity;
      const schedule = stored.get(entity.entityRef);
      return {
        ...found,
        lastSeenAt: moved.has(entity.entityRef)
          ? found.lastSeenAt
          : Number(schedule!.last_seen_at),
        discoveryDigest: rows[index].discovery_digest,
        nextDueAt: schedule ? Number(schedule.next_due_at) : 0,
        refreshRequestedAt: num(schedule?.refresh_requested_at),
        lastCheckedAt: num(schedule?.last_checked_at),
      };
    });
  }

  async removeEntitiesNotSeenSince(seenAt: number): Promise<string[]> {
    const gone = await this.db('ia_entities')
      .where('last_seen_at', '<', seenAt)
      .pluck('entity_ref');
    for (const batch of chunks(gone, BATCH_SIZE)) {
      await this.db.transaction(async tx => {
        await tx('ia_images').whereIn('entity_ref', batch).delete();
        await tx('ia_write_backs').whereIn('entity_ref', batch).delete();
        await tx('ia_history').whereIn('entity_ref', batch).delete();
        await tx('ia_notifications_sent').whereIn('entity_ref', batch).delete();
        await tx('ia_error_streaks').whereIn('entity_ref', batch).delete();
        await tx('ia_entities').whereIn('entity_ref', batch).delete();
      });
    }
    if (gone.length) await this.deleteUnusedRepositories();
    return gone;
  }

  async listEntitiesNotSeenSince(seenAt: number): Promise<EntityRecord[]> {
    const rows = await this.db('ia_entities').where(
      'last_seen_at',
      '<',
      seenAt,
    );
    return rows.map(toEntity);
  }

  async getEntity(entityRef: string): Promise<EntityRecord | undefined> {
    const row = await this.db('ia_entities')
      .where({ entity_ref: entityRef })
      .first();
    return row ? toEntity(row) : undefined;
  }

  async listEntities(filter?: {
    entityRefs?: string[];
  }): Promise<EntityRecord[]> {
    return (await this.selectIn('ia_entities', filter?.entityRefs)).map(
      toEntity,
    );
  }

  async listDueEntities(
    now: number,
    seenSince?: number,
  ): Promise<EntityRecord[]> {
    const rows = await this.db('ia_entities')
      .where(q =>
        q
          .where('next_due_at', '<=', now)
          .orWhereNotNull('refresh_requested_at'),
      )
      .where(q => {
        if (seenSince !== undefined) q.where('last_seen_at', '>=', seenSince);
      });
    return rows.map(toEntity);
  }

  async markChecked(
    entityRefs: string[],
    checkedAt: number,
    nextDueAt: (ref: string) => number,
  ): Promise<void> {
    // Group by due time so a cycle over thousands of entities with the same
    // interval costs a handful of statements.
    for (const [due, refs] of groupBy(entityRefs, nextDueAt)) {
      for (const batch of chunks(refs, 500)) {
        await this.db('ia_entities')
          .whereIn('entity_ref', batch)
          .update({
            last_checked_at: checkedAt,
            next_due_at: due,
            // A refresh asked for while this check ran stays asked for.
            refresh_requested_at: this.db.raw(
              'CASE WHEN refresh_requested_at > ? THEN refresh_requested_at ELSE NULL END',
              [checkedAt],
            ),
          });
      }
    }
  }

  async requestRefresh(entityRef: string, at: number): Promise<void> {
    await this.db('ia_entities')
      .where({ entity_ref: entityRef })
      .update({ refresh_requested_at: at });
  }

  async listImages(filter?: { entityRefs?: string[] }): Promise<ImageRecord[]> {
    return (await this.selectIn('ia_images', filter?.entityRefs)).map(toImage);
  }

  async getEntityView(entityRef: string): Promise<EntityView | undefined> {
    // One round trip: the status endpoint is the plugin's hottest path.
    const rows: Row[] = await this.db('ia_entities as e')
      .leftJoin('ia_write_backs as w', 'w.entity_ref', 'e.entity_ref')
      .leftJoin('ia_images as i', 'i.entity_ref', 'e.entity_ref')
      .leftJoin('ia_repositories as r', 'r.repository', 'i.repository')
      .leftJoin('ia_push_events as p', 'p.repository', 'i.repository')
      .where('e.entity_ref', entityRef)
      .select(
        'e.*',
        ...WRITE_BACK_COLUMNS.map(column => `w.${column} as wb_${column}`),
        ...IMAGE_COLUMNS.map(column => `i.${column} as img_${column}`),
        'r.last_scan_at as img_last_scan_at',
        ...PUSH_COLUMNS,
      );
    if (!rows.length) return undefined;
    const prefixed = (row: Row, prefix: string, columns: string[]) =>
      Object.fromEntries(columns.map(c => [c, row[`${prefix}${c}`]]));
    const writeBackRow = prefixed(rows[0], 'wb_', WRITE_BACK_COLUMNS);
    return {
      entity: toEntity(rows[0]),
      images: rows
        .filter(
          row =>
            row.img_entity_ref !== null && row.img_entity_ref !== undefined,
        )
        .map(row => ({
          ...toImage(prefixed(row, 'img_', IMAGE_COLUMNS)),
          lastScanAt: num(row.img_last_scan_at),
          lastPush: toLastPush(row),
        }))
        .sort((a, b) => (a.imageName < b.imageName ? -1 : 1)),
      writeBack: writeBackRow.entity_ref
        ? toWriteBack(writeBackRow)
        : undefined,
    };
  }

  async listEntityViews(filter?: {
    entityRefs?: string[];
  }): Promise<EntityView[]> {
    const refs = filter?.entityRefs;
    const imageRows = async () => {
      if (!refs) return this.imageRowsWithScans();
      const rows: Row[] = [];
      for (const batch of chunks(refs, 500)) {
        rows.push(...(await this.imageRowsWithScans(batch)));
      }
      return rows;
    };
    const [entities, rows, writeBacks] = await Promise.all([
      this.listEntities(filter),
      imageRows(),
      this.listWriteBacks(filter),
    ]);
    const images = new Map<string, EntityView['images']>();
    for (const row of rows) {
      const list = images.get(row.entity_ref) ?? [];
      list.push({
        ...toImage(row),
        lastScanAt: num(row.repository_last_scan_at),
        lastPush: toLastPush(row),
      });
      images.set(row.entity_ref, list);
    }
    const writeBackOf = new Map(writeBacks.map(w => [w.entityRef, w]));
    return entities.map(entity => ({
      entity,
      images: images.get(entity.entityRef) ?? [],
      writeBack: writeBackOf.get(entity.entityRef),
    }));
  }

  private imageRowsWithScans(entityRefs?: string[]): Promise<Row[]> {
    const query = this.db('ia_images as i')
      .leftJoin('ia_repositories as r', 'r.repository', 'i.repository')
      .leftJoin('ia_push_events as p', 'p.repository', 'i.repository')
      .select(
        'i.*',
        'r.last_scan_at as repository_last_scan_at',
        ...PUSH_COLUMNS,
      )
      .orderBy(['i.entity_ref', 'i.image_name']);
    return entityRefs ? query.whereIn('i.entity_ref', entityRefs) : query;
  }

  async replaceImages(
    entityRefs: string[],
    images: ImageRecord[],
  ): Promise<void> {
    const rows = images.map(fromImage);
    const keep = new Set(images.map(i => `${i.entityRef}\u0000${i.imageName}`));
    const existing = await this.selectIn('ia_images', entityRefs, [
      'entity_ref',
      'image_name',
    ]);
    const stale = existing.filter(
      r => !keep.has(`${r.entity_ref}\u0000${r.image_name}`),
    );
    await this.db.transaction(async tx => {
      for (const row of stale) {
        await tx('ia_images')
          .where({ entity_ref: row.entity_ref, image_name: row.image_name })
          .delete();
      }
      for (const batch of chunks(rows, BATCH_SIZE)) {
        await writeRows(tx, 'ia_images', batch, {
          key: ['entity_ref', 'image_name'],
        });
      }
    });
  }

  async getRepositories(
    repositories: string[],
  ): Promise<Map<string, RepositoryRecord>> {
    const rows = await this.selectIn(
      'ia_repositories',
      repositories,
      undefined,
      'repository',
    );
    return new Map(rows.map(row => [row.repository, toRepository(row)]));
  }

  async saveScanTimes(records: RepositoryRecord[]): Promise<void> {
    const rows = records.map(r => ({
      repository: r.repository,
      ...scanColumns(r),
    }));
    // Nine short values a row: a scan of 1,000 takes two statements.
    for (const batch of chunks(rows, 500)) {
      await writeRows(
        this.db,
        'ia_repositories',
        // A row pruned meanwhile comes back without tags: the next scan lists them.
        batch.map(row => ({ ...row, tags: null, tag_count: 0 })),
        // The scan times only: a stored tag list stays.
        {
          key: ['repository'],
          merge: Object.keys(batch[0]).filter(k => k !== 'repository'),
        },
      );
    }
  }

  async saveRepositories(records: RepositoryRecord[]): Promise<void> {
    const rows = records.map(r => ({
      repository: r.repository,
      tags: r.tags ? r.tags.toJSONText() : null,
      tag_count: r.tags?.size ?? 0,
      ...scanColumns(r),
    }));
    for (const batch of chunks(rows, BATCH_SIZE)) {
      await writeRows(this.db, 'ia_repositories', batch, {
        key: ['repository'],
      });
    }
  }

  async getWriteBack(entityRef: string): Promise<WriteBackRecord | undefined> {
    const row = await this.db('ia_write_backs')
      .where({ entity_ref: entityRef })
      .first();
    return row ? toWriteBack(row) : undefined;
  }

  async listWriteBacks(filter?: {
    entityRefs?: string[];
  }): Promise<WriteBackRecord[]> {
    return (await this.selectIn('ia_write_backs', filter?.entityRefs)).map(
      toWriteBack,
    );
  }

  async saveWriteBack(record: WriteBackRecord): Promise<void> {
    await this.db('ia_write_backs')
      .insert({
        entity_ref: record.entityRef,
        git_repository: record.gitRepository,
        host_kind: record.hostKind ?? null,
        branch: record.branch,
        pr_number: record.prNumber ?? null,
        pr_url: record.prUrl ?? null,
        pr_state: record.prState ?? null,
        record_state: record.state ?? null,
        pending_commit_sha: record.pendingCommitSha ?? null,
        base_sha: record.baseSha ?? null,
        declined_tags: record.declinedTags
          ? JSON.stringify(record.declinedTags)
          : null,
        declined_at: record.declinedAt ?? null,
        note: record.note ?? null,
        target_tags: record.targetTags
          ? JSON.stringify(record.targetTags)
          : null,
        last_commit_sha: record.lastCommitSha ?? null,
        error_kind: record.errorKind ?? null,
        error_message: record.errorMessage ?? null,
        updated_at: record.updatedAt,
      })
      .onConflict('entity_ref')
      .merge();
  }

  async acquireLease(
    key: string,
    now: number,
    until: number,
  ): Promise<string | undefined> {
    const token = randomBytes(16).toString('hex');
    const inserted = await this.db('ia_leases')
      .insert({ lease_key: key, owner: token, token, until })
      .onConflict('lease_key')
      .ignore()
      .returning('lease_key');
    if (Array.isArray(inserted) && inserted.length > 0) return token;
    // Only an expired lease is taken over, whoever held it.
    const updated = await this.db('ia_leases')
      .where({ lease_key: key })
      .where('until', '<', now)
      .update({ owner: token, token, until });
    return updated === 1 ? token : undefined;
  }

  async renewLease(
    key: string,
    token: string,
    now: number,
    until: number,
  ): Promise<boolean> {
    const updated = await this.db('ia_leases')
      .where({ lease_key: key, token })
      .where('until', '>=', now)
      .update({ until });
    return updated === 1;
  }

  async releaseLease(key: string, token: string): Promise<void> {
    await this.db('ia_leases').where({ lease_key: key, token }).delete();
  }

  async appendHistory(events: HistoryEvent[]): Promise<void> {
    const rows = events.map(e => ({
      entity_ref: e.entityRef,
      image_name: e.imageName ?? null,
      event: e.event,
      from_tag: e.fromTag ?? null,
      to_tag: e.toTag ?? null,
      pr_number: e.prNumber ?? null,
      commit_sha: e.commitSha ?? null,
      detail: e.detail ?? null,
      created_at: e.createdAt,
    }));
    for (const batch of chunks(rows, BATCH_SIZE)) {
      await writeRows(this.db, 'ia_history', batch);
    }
  }

  async listHistory(entityRef: string, limit = 100): Promise<HistoryEvent[]> {
    return (await this.pageHistory(entityRef, { offset: 0, limit })).items.map(
      ({ id: _id, ...event }) => event,
    );
  }

  async pageHistory(
    entityRef: string,
    page: { offset: number; limit: number },
  ): Promise<{
    items: Array<HistoryEvent & { id: string }>;
    totalItems: number;
  }> {
    const [rows, [{ count }]] = await Promise.all([
      this.db('ia_history')
        .where({ entity_ref: entityRef })
        // Insertion order: events are appended as they happen.
        .orderBy('id', 'desc')
        .offset(page.offset)
        .limit(page.limit),
      this.db('ia_history')
        .where({ entity_ref: entityRef })
        .count({ count: '*' }),
    ]);
    return { items: rows.map(toHistoryEvent), totalItems: Number(count) };
  }

  async latestHistoryEvents(
    entityRefs: string[],
    kinds: HistoryEventKind[],
  ): Promise<Array<HistoryEvent & { id: string }>> {
    const latest = new Map<string, HistoryEvent & { id: string }>();
    for (const batch of chunks(entityRefs, 500)) {
      const newest = this.db('ia_history')
        .whereIn('entity_ref', batch)
        .whereIn('event', kinds)
        .groupBy('entity_ref', 'image_name', 'event')
        .max({ id: 'id' });
      const rows = await this.db('ia_history').whereIn('id', newest);
      for (const row of rows) {
        const event = toHistoryEvent(row);
        latest.set(
          `${event.entityRef}\u0000${event.imageName ?? ''}\u0000${
            event.event
          }`,
          event,
        );
      }
    }
    return [...latest.values()];
  }

  async claimNotification(
    entityRef: string,
    kind: string,
    key: string,
    at: number,
  ): Promise<boolean> {
    const inserted = await this.db('ia_notifications_sent')
      .insert({ entity_ref: entityRef, kind, event_key: key, sent_at: at })
      .onConflict(['entity_ref', 'kind', 'event_key'])
      .ignore()
      .returning('entity_ref');
    return Array.isArray(inserted) && inserted.length > 0;
  }

  async countErrorStreak(
    entityRef: string,
    inError: boolean,
    checkedAt: number,
  ): Promise<{ cycles: number; startedAt?: number }> {
    return this.db.transaction(async tx => {
      const row = await tx('ia_error_streaks')
        .where({ entity_ref: entityRef })
        .first();
      if (row && Number(row.last_checked_at) >= checkedAt) {
        return { cycles: Number(row.cycles), startedAt: num(row.started_at) };
      }
      const cycles = inError ? Number(row?.cycles ?? 0) + 1 : 0;
      // A streak begins at its first failing check and ends with a good one.
      let startedAt: number | undefined;
      if (cycles === 1) startedAt = checkedAt;
      else if (cycles > 1) startedAt = num(row?.started_at);
      await tx('ia_error_streaks')
        .insert({
          entity_ref: entityRef,
          cycles,
          started_at: startedAt ?? null,
          last_checked_at: checkedAt,
        })
        .onConflict('entity_ref')
        .merge();
      return { cycles, startedAt };
    });
  }

  async deleteUnusedRepositories(): Promise<number> {
    // Tags first seen in a repository nobody uses any more mean nothing.
    return this.db('ia_repositories')
      .whereNotIn('repository', this.db('ia_images').distinct('repository'))
      .delete();
  }

  async deleteHistoryBefore(before: number): Promise<number> {
    return this.db('ia_history').where('created_at', '<', before).delete();
  }

  /** All rows, or the rows whose key is in `keys`, in batches. */
  private async selectIn(
    table: string,
    keys: string[] | undefined,
    columns: string[] = ['*'],
    keyColumn = 'entity_ref',
  ): Promise<Row[]> {
    if (!keys) return this.db(table).select(columns);
    const rows: Row[] = [];
    for (const batch of chunks(keys, 500)) {
      rows.push(
        ...(await this.db(table).select(columns).whereIn(keyColumn, batch)),
      );
    }
    return rows;
  }
}

function toHistoryEvent(row: Row): HistoryEvent & { id: string } {
  return {
    id: String(row.id),
    entityRef: row.entity_ref,
    imageName: str(row.image_name),
    event: row.event,
    fromTag: str(row.from_tag),
    toTag: str(row.to_tag),
    prNumber: num(row.pr_number),
    commitSha: str(row.commit_sha),
    detail: str(row.detail),
    createdAt: Number(row.created_at),
  };
}

function toEntity(row: Row): EntityRecord {
  return {
    entityRef: row.entity_ref,
    title: str(row.title),
    owner: str(row.owner),
    system: str(row.system),
    mode: row.mode,
    gitRepository: str(row.git_repository),
    managedByRepository: str(row.managed_by_repository),
    spec: json(row.spec),
    configProblems: json(row.config_problems) ?? [],
    intervalMs: num(row.interval_ms),
    nextDueAt: Number(row.next_due_at),
    refreshRequestedAt: num(row.refresh_requested_at),
    lastCheckedAt: num(row.last_checked_at),
    lastSeenAt: Number(row.last_seen_at),
    discoveryDigest: str(row.discovery_digest),
  };
}

function fromImage(i: ImageRecord): Row {
  return {
    entity_ref: i.entityRef,
    image_name: i.imageName,
    repository: i.repository,
    image: i.image,
    policy: i.policy,
    state: i.state,
    current_tag: i.currentTag ?? null,
    current_file: i.currentFile ?? null,
    current_line: i.currentLine ?? null,
    latest_tag: i.latestTag ?? null,
    versions_behind: i.versionsBehind ?? null,
    pending_since: i.pendingSince ?? null,
    message: i.message ?? null,
    error_kind: i.errorKind ?? null,
    error_message: i.errorMessage ?? null,
    digest: i.digest ?? null,
    updated_at: i.updatedAt,
  };
}

/** What a scan sets besides the tags. */
function scanColumns(r: RepositoryRecord) {
  return {
    last_scan_at: r.lastScanAt ?? null,
    last_success_at: r.lastSuccessAt ?? null,
    last_error_kind: r.lastErrorKind ?? null,
    last_error_message: r.lastErrorMessage ?? null,
    consecutive_failures: r.consecutiveFailures,
    backoff_until: r.backoffUntil ?? null,
  };
}

function toImage(row: Row): ImageRecord {
  return {
    entityRef: row.entity_ref,
    imageName: row.image_name,
    repository: row.repository,
    image: row.image,
    policy: row.policy,
    state: row.state,
    currentTag: str(row.current_tag),
    currentFile: str(row.current_file),
    currentLine: num(row.current_line),
    latestTag: str(row.latest_tag),
    versionsBehind: num(row.versions_behind),
    pendingSince: num(row.pending_since),
    message: str(row.message),
    errorKind: str(row.error_kind),
    errorMessage: str(row.error_message),
    digest: str(row.digest),
    updatedAt: Number(row.updated_at),
  };
}

function toRepository(row: Row): RepositoryRecord {
  return {
    repository: row.repository,
    tags: tagsOf(row.tags),
    lastScanAt: num(row.last_scan_at),
    lastSuccessAt: num(row.last_success_at),
    lastErrorKind: str(row.last_error_kind),
    lastErrorMessage: str(row.last_error_message),
    consecutiveFailures: Number(row.consecutive_failures),
    backoffUntil: num(row.backoff_until),
  };
}

function toWriteBack(row: Row): WriteBackRecord {
  return {
    entityRef: row.entity_ref,
    gitRepository: row.git_repository,
    hostKind: row.host_kind ?? undefined,
    branch: row.branch,
    prNumber: num(row.pr_number),
    prUrl: str(row.pr_url),
    prState: row.pr_state ?? undefined,
    state: row.record_state ?? undefined,
    targetTags: json(row.target_tags),
    lastCommitSha: str(row.last_commit_sha),
    pendingCommitSha: str(row.pending_commit_sha),
    baseSha: str(row.base_sha),
    declinedTags: json(row.declined_tags),
    declinedAt: num(row.declined_at),
    note: str(row.note),
    errorKind: str(row.error_kind),
    errorMessage: str(row.error_message),
    updatedAt: Number(row.updated_at),
  };
}
