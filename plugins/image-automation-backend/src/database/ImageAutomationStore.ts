import type {
  HistoryEventKind,
  AutomationSpec,
  ConfigProblem,
  ImageState,
  WriteBackMode,
} from '@image-automation/plugin-image-automation-common';

/** An entity that asks for image automation, as last discovered. */
export interface EntityRecord {
  entityRef: string;
  title?: string;
  owner?: string;
  system?: string;
  mode: WriteBackMode;
  gitRepository?: string;
  spec?: AutomationSpec;
  configProblems: ConfigProblem[];
  intervalMs?: number;
  /** Epoch ms before which scheduled cycles skip the entity. */
  nextDueAt: number;
  refreshRequestedAt?: number;
  lastCheckedAt?: number;
  lastSeenAt: number;
}

/** The discovery's view of an entity; scheduling fields stay as stored. */
export type EntityDiscovery = Omit<
  EntityRecord,
  'nextDueAt' | 'refreshRequestedAt' | 'lastCheckedAt'
>;

/** One image of one entity and where it stands. */
export interface ImageRecord {
  entityRef: string;
  imageName: string;
  /** `registry/path`: the key scans are grouped by. */
  repository: string;
  image: string;
  policy: string;
  state: ImageState;
  currentTag?: string;
  currentFile?: string;
  currentLine?: number;
  latestTag?: string;
  versionsBehind?: number;
  pendingSince?: number;
  message?: string;
  errorKind?: string;
  errorMessage?: string;
  updatedAt: number;
}

/** An image repository and the tags its last successful scan listed. */
export interface RepositoryRecord {
  repository: string;
  /** Tag → when this plugin first saw it (epoch ms). */
  tags?: Record<string, number>;
  lastScanAt?: number;
  lastSuccessAt?: number;
  lastErrorKind?: string;
  lastErrorMessage?: string;
  consecutiveFailures: number;
  /** Scans are skipped until then after repeated failures. */
  backoffUntil?: number;
}

/** The branch and pull request the plugin maintains for one entity. */
export interface WriteBackRecord {
  entityRef: string;
  gitRepository: string;
  branch: string;
  prNumber?: number;
  prUrl?: string;
  prState?: 'open' | 'closed' | 'merged';
  /** Image name → tag the branch proposes. */
  targetTags?: Record<string, string>;
  lastCommitSha?: string;
  errorKind?: string;
  errorMessage?: string;
  updatedAt: number;
}

/** An entity as its status endpoint shows it. */
export interface EntityView {
  entity: EntityRecord;
  images: Array<ImageRecord & { lastScanAt?: number }>;
  writeBack?: WriteBackRecord;
}

/** One line of the append-only history. */
export interface HistoryEvent {
  entityRef: string;
  imageName?: string;
  event: HistoryEventKind;
  fromTag?: string;
  toTag?: string;
  prNumber?: number;
  commitSha?: string;
  detail?: string;
  createdAt: number;
}

/** Persistence of the plugin's state; see DatabaseImageAutomationStore. */
export interface ImageAutomationStore {
  /** Upserts discovered entities, keeping their scheduling fields. */
  saveDiscoveredEntities(entities: EntityDiscovery[]): Promise<void>;
  /**
   * Deletes entities not seen since `seenAt` with everything recorded about
   * them (images, write-backs, history), and the scanned repositories no
   * remaining image uses; returns their refs.
   */
  removeEntitiesNotSeenSince(seenAt: number): Promise<string[]>;
  getEntity(entityRef: string): Promise<EntityRecord | undefined>;
  listEntities(filter?: { entityRefs?: string[] }): Promise<EntityRecord[]>;
  /** Entities whose interval has elapsed or whose refresh was requested. */
  listDueEntities(now: number): Promise<EntityRecord[]>;
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

  getWriteBack(entityRef: string): Promise<WriteBackRecord | undefined>;
  listWriteBacks(filter?: {
    entityRefs?: string[];
  }): Promise<WriteBackRecord[]>;
  saveWriteBack(record: WriteBackRecord): Promise<void>;
  /**
   * Takes the lease `key` (e.g. repository + branch) for `owner` until
   * `until`, unless another owner holds an unexpired one. Atomic across
   * replicas sharing the database.
   */
  acquireLease(
    key: string,
    owner: string,
    now: number,
    until: number,
  ): Promise<boolean>;
  releaseLease(key: string, owner: string): Promise<void>;

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
