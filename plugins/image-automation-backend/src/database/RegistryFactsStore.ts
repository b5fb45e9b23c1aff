/** The digest a tag pointed to when last read. */
export interface TagDigest {
  tag: string;
  digest: string;
  observedAt: number;
}

/** When one digest's image (for one platform) was built, or why that is unknown. */
export interface BuildTime {
  digest: string;
  /** `os/arch[/variant]`. */
  platform: string;
  createdAt?: number;
  problem?: string;
  inspectedAt: number;
}

/** A push a registry webhook reported. */
export interface PushEvent {
  repository: string;
  provider: string;
  tag?: string;
  digest?: string;
}

/** The last push event of one repository. */
export interface PushEventRecord extends PushEvent {
  receivedAt: number;
  eventCount: number;
  /** Set while a scan the push asked for has not run. */
  pendingSince?: number;
  /** When a push last made a cycle scan the repository. */
  lastPushScanAt?: number;
}

/**
 * What the registry told about tags beyond their names, kept between cycles
 * so that each image config is read once, and the push events webhooks
 * record for the scheduled task to act on.
 */
export interface RegistryFactsStore {
  getTagDigests(repository: string): Promise<Map<string, TagDigest>>;
  saveTagDigests(repository: string, digests: TagDigest[]): Promise<void>;
  /**
   * Forgets the digests of tags the registry no longer lists, for many
   * repositories at once (repository → the tags it lists now).
   */
  pruneTagDigests(
    listed: ReadonlyMap<string, readonly string[]>,
  ): Promise<void>;

  getBuildTimes(
    repository: string,
    platform: string,
    digests: string[],
  ): Promise<Map<string, BuildTime>>;
  saveBuildTimes(repository: string, times: BuildTime[]): Promise<void>;

  /** Which of these repositories some entity's image uses. */
  knownRepositories(repositories: string[]): Promise<Set<string>>;
  /** The entities with an image from one of these repositories. */
  entityRefsUsing(repositories: string[]): Promise<string[]>;
  /** Upserts the last event per repository and marks it pending; a digest updates the tag's digest. */
  recordPushEvents(events: PushEvent[], receivedAt: number): Promise<void>;
  listPendingPushes(): Promise<PushEventRecord[]>;
  /**
   * Clears `pending` of repositories a scan that started at `scanStartedAt`
   * covered, unless another event came in after it started (that one still
   * needs a scan), and remembers when, for the 10-second limit.
   */
  markPushesScanned(
    repositories: string[],
    scanStartedAt: number,
  ): Promise<void>;
  getPushEvents(repositories: string[]): Promise<Map<string, PushEventRecord>>;
}
