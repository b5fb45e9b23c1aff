/*
 * The plugin's state as the engine, the write-back, the store and the API
 * share it. Plain data, no behaviour: the store persists it, nothing here
 * knows about SQL.
 */
import type {
  AutomationSpec,
  ConfigProblem,
  FirstSeenTags,
  GitHostKind,
  HistoryEventKind,
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
  /**
   * The repository the entity file is registered from
   * (`backstage.io/managed-by-location`): by default the only one it may write.
   */
  managedByRepository?: string;
  spec?: AutomationSpec;
  configProblems: ConfigProblem[];
  intervalMs?: number;
  /** Epoch ms before which scheduled cycles skip the entity. */
  nextDueAt: number;
  refreshRequestedAt?: number;
  lastCheckedAt?: number;
  lastSeenAt: number;
  /**
   * Stands for everything discovery found (spec, mode, repositories,
   * problems…): equal digests, equal entity. Set once the entity is stored.
   */
  discoveryDigest?: string;
}

/** The discovery's view of an entity; scheduling fields stay as stored. */
export type EntityDiscovery = Omit<
  EntityRecord,
  'nextDueAt' | 'refreshRequestedAt' | 'lastCheckedAt' | 'discoveryDigest'
> & {
  /**
   * The spec lives in a config file that could not be read for a passing
   * reason (the host failed): the stored spec is kept. Not stored.
   */
  specUnreadable?: boolean;
};

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
  /** The digest Git pins (or is to pin) with the latest tag, for images that pin one. */
  digest?: string;
  updatedAt: number;
}

/** An image repository and the tags its last successful scan listed. */
export interface RepositoryRecord {
  repository: string;
  /** The tags listed, each with when this plugin first saw it. */
  tags?: FirstSeenTags;
  lastScanAt?: number;
  lastSuccessAt?: number;
  lastErrorKind?: string;
  lastErrorMessage?: string;
  consecutiveFailures: number;
  /** Scans are skipped until then after repeated failures. */
  backoffUntil?: number;
}

/**
 * Where the write-back of one entity stands, as we last left it:
 * `open` — our branch (and change request) propose `targetTags`;
 * `declined` — a person closed it without merging; `merged`; `closed-by-us`;
 * `pushed` — the last change went straight to a branch (push, push-branch).
 */
export type WriteBackState =
  | 'open'
  | 'declined'
  | 'merged'
  | 'closed-by-us'
  | 'pushed';

/** The branch and pull request the plugin maintains for one entity. */
export interface WriteBackRecord {
  entityRef: string;
  gitRepository: string;
  /**
   * The kind of host written to: names the change request (`#12` or `!12`,
   * pull or merge request). Undefined on rows no write has touched since.
   */
  hostKind?: GitHostKind;
  branch: string;
  state?: WriteBackState;
  prNumber?: number;
  prUrl?: string;
  prState?: 'open' | 'closed' | 'merged';
  /** Image name → tag the branch proposes. */
  targetTags?: Record<string, string>;
  /** Our last commit on `branch`: a head that differs is a person's. */
  lastCommitSha?: string;
  /**
   * The commit we were about to point `branch` at, saved before the move:
   * after a crash between the move and the record, that head is still ours.
   */
  pendingCommitSha?: string;
  /** The base head our last commit was made on: a base that moved is redone on. */
  baseSha?: string;
  /** Image name → tag a person declined (closed without merging); kept until a newer tag. */
  declinedTags?: Record<string, string>;
  declinedAt?: number;
  /** What the card says about the write-back, in words. */
  note?: string;
  errorKind?: string;
  errorMessage?: string;
  updatedAt: number;
}

/** An entity as its status endpoint shows it. */
export interface EntityView {
  entity: EntityRecord;
  images: Array<
    ImageRecord & {
      lastScanAt?: number;
      /** The last push a registry webhook reported for the image's repository. */
      lastPush?: {
        receivedAt: number;
        provider: string;
        tag?: string;
        pending: boolean;
      };
    }
  >;
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
