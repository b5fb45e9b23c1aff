import type { HistoryEventKind } from '@image-automation/plugin-image-automation-common';
import type {
  EntityDiscovery,
  EntityRecord,
  EntityView,
  HistoryEvent,
  ImageRecord,
  RepositoryRecord,
  WriteBackRecord,
} from '../domain/records';

/**
 * How exactly an entity's sighting (`lastSeenAt`) is kept: one this much
 * newer than the stored one is written, a closer one is not, so a cycle
 * every few minutes does not rewrite every entity. Far below the day an
 * entity is kept after it left the catalog.
 */
export const SIGHTING_RESOLUTION_MS = 60 * 60_000;

/** Persistence of the plugin's state; see DatabaseImageAutomationStore. */
export interface ImageAutomationStore {
  /**
   * Upserts discovered entities, keeping their scheduling fields, and
   * returns each as now stored (scheduling fields and discovery digest
   * included): a cycle picks its due entities from these. The sighting is
   * kept to within SIGHTING_RESOLUTION_MS.
   */
  saveDiscoveredEntities(entities: EntityDiscovery[]): Promise<EntityRecord[]>;
  /**
   * Deletes entities not seen since `seenAt` with everything recorded about
   * them (images, write-backs, history), and the scanned repositories no
   * remaining image uses; returns their refs.
   */
  removeEntitiesNotSeenSince(seenAt: number): Promise<string[]>;
  /** Entities last seen before `seenAt` (left the catalog), with their write-backs. */
  listEntitiesNotSeenSince(seenAt: number): Promise<EntityRecord[]>;
  getEntity(entityRef: string): Promise<EntityRecord | undefined>;
  listEntities(filter?: { entityRefs?: string[] }): Promise<EntityRecord[]>;
  /**
   * Entities whose interval has elapsed or whose refresh was requested;
   * with `seenSince`, only those the catalog still holds.
   */
  listDueEntities(now: number, seenSince?: number): Promise<EntityRecord[]>;
  markChecked(
    entityRefs: string[],
    checkedAt: number,
    nextDueAt: (ref: string) => number,
  ): Promise<void>;
  requestRefresh(entityRef: string, at: number): Promise<void>;

  listImages(filter?: { entityRefs?: string[] }): Promise<ImageRecord[]>;
  /**
   * Everything the entity endpoint shows, in two queries: the entity with its
   * write-back, and its images with their repositories' last scan times.
   */
  getEntityView(entityRef: string): Promise<EntityView | undefined>;
  /** Every entity's view (or those of `entityRefs`), in three queries whatever the number of entities. */
  listEntityViews(filter?: { entityRefs?: string[] }): Promise<EntityView[]>;
  /** Replaces the images of the given entities with exactly these rows. */
  replaceImages(entityRefs: string[], images: ImageRecord[]): Promise<void>;

  getRepositories(
    repositories: string[],
  ): Promise<Map<string, RepositoryRecord>>;
  saveRepositories(records: RepositoryRecord[]): Promise<void>;
  /**
   * Stores the scan times and errors of repositories whose tags are stored
   * already and did not change; their tags are left as they are.
   */
  saveScanTimes(records: RepositoryRecord[]): Promise<void>;

  getWriteBack(entityRef: string): Promise<WriteBackRecord | undefined>;
  listWriteBacks(filter?: {
    entityRefs?: string[];
  }): Promise<WriteBackRecord[]>;
  saveWriteBack(record: WriteBackRecord): Promise<void>;
  /**
   * Takes the lease `key` (e.g. repository + branch) until `until`, unless
   * anyone holds an unexpired one, and returns this acquisition's own random
   * token; undefined when it is held. Never re-entrant: a second acquisition
   * in the same process is refused like another replica's. Atomic across
   * replicas sharing the database.
   */
  acquireLease(
    key: string,
    now: number,
    until: number,
  ): Promise<string | undefined>;
  /** Extends the lease to `until` if `token` still holds it unexpired at `now`. */
  renewLease(
    key: string,
    token: string,
    now: number,
    until: number,
  ): Promise<boolean>;
  releaseLease(key: string, token: string): Promise<void>;

  appendHistory(events: HistoryEvent[]): Promise<void>;
  listHistory(entityRef: string, limit?: number): Promise<HistoryEvent[]>;
  /** One page of the entity's history, newest first, and how many events it has in all. */
  pageHistory(
    entityRef: string,
    page: { offset: number; limit: number },
  ): Promise<{
    items: Array<HistoryEvent & { id: string }>;
    totalItems: number;
  }>;
  /** The newest event of each of `kinds` per entity and image (image `undefined` for entity-wide events). */
  latestHistoryEvents(
    entityRefs: string[],
    kinds: HistoryEventKind[],
  ): Promise<Array<HistoryEvent & { id: string }>>;
  /**
   * Claims the right to send one notification: true for the first caller
   * with this entity, kind and key, false for every later one on any replica.
   */
  claimNotification(
    entityRef: string,
    kind: string,
    key: string,
    at: number,
  ): Promise<boolean>;
  /**
   * Counts a check of the entity: the checks in a row it has been in error
   * (0 once it is not) and when that streak began, counting each
   * `checkedAt` once.
   */
  countErrorStreak(
    entityRef: string,
    inError: boolean,
    checkedAt: number,
  ): Promise<{ cycles: number; startedAt?: number }>;
  /** Deletes the scanned repositories no image uses any more; returns how many went. */
  deleteUnusedRepositories(): Promise<number>;
  /** Deletes history older than `before` (epoch ms); returns how many events went. */
  deleteHistoryBefore(before: number): Promise<number>;
}
