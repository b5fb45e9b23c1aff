import type {
  EntityDiscovery,
  EntityRecord,
  EntityView,
  HistoryEvent,
  ImageRecord,
  RepositoryRecord,
  WriteBackRecord,
} from '../domain/records';

/** Persistence of the plugin's state; see DatabaseImageAutomationStore. */
export interface ImageAutomationStore {
  /** Upserts discovered entities, keeping their scheduling fields. */
  saveDiscoveredEntities(entities: EntityDiscovery[]): Promise<void>;
  /** Deletes entities (and their images and write-backs) not seen since `seenAt`; returns their refs. */
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
  /** Every entity's view, in three queries whatever the number of entities. */
  listEntityViews(): Promise<EntityView[]>;
  /** Replaces the images of the given entities with exactly these rows. */
  replaceImages(entityRefs: string[], images: ImageRecord[]): Promise<void>;

  getRepositories(
    repositories: string[],
  ): Promise<Map<string, RepositoryRecord>>;
  saveRepositories(records: RepositoryRecord[]): Promise<void>;

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
  acquireLease(key: string, now: number, until: number): Promise<string | undefined>;
  /** Extends the lease to `until` if `token` still holds it unexpired at `now`. */
  renewLease(key: string, token: string, now: number, until: number): Promise<boolean>;
  releaseLease(key: string, token: string): Promise<void>;

  appendHistory(events: HistoryEvent[]): Promise<void>;
  listHistory(entityRef: string, limit?: number): Promise<HistoryEvent[]>;
}
