/*
 * Types of the backend's REST API (SPEC §7), shared by the backend router and
 * the frontend client so both sides agree on every field.
 */

/** The body of `GET /api/image-automation/health`. @public */
export interface HealthResponse {
  status: 'ok';
}

/**
 * Where one image of an entity stands.
 * - `pending`: configured, waiting for its first scan
 * - `up-to-date`: Git holds the latest tag the policy allows
 * - `update-available`: a newer allowed tag exists and no pull request carries it yet
 * - `pr-open`: a pull request proposes the latest tag
 * - `error`: the last attempt failed; `error` says why and what to do
 * @public
 */
export type ImageState =
  | 'up-to-date'
  | 'update-available'
  | 'pr-open'
  | 'error'
  | 'pending';

/** All image states, in the order the UI lists them. @public */
export const IMAGE_STATES: readonly ImageState[] = [
  'error',
  'update-available',
  'pr-open',
  'pending',
  'up-to-date',
];

/** How the plugin writes an update back to Git. @public */
export type WriteBackMode = 'pull-request' | 'push' | 'push-branch' | 'observe';

/** A problem and what to do about it, in plain words. @public */
export interface ImageAutomationError {
  /** Machine-readable category, e.g. `registry-auth`, `registry-not-found`, `config`, `git-permission`. */
  kind: string;
  /** What went wrong and how to fix it. */
  message: string;
}

/** The pull request that carries an entity's pending update. @public */
export interface PullRequestInfo {
  number: number;
  url: string;
  state: 'open' | 'closed' | 'merged';
  /** Name of the branch the plugin pushes to. */
  branch: string;
}

/** Where the tag now in Git was read from. @public */
export interface CurrentTagSource {
  file: string;
  line: number;
}

/** One image of an entity, as the card shows it. @public */
export interface ImageStatus {
  /** The image's name in the automation (what setter markers refer to). */
  name: string;
  /** The image repository, e.g. `ghcr.io/acme/payments-api`. */
  image: string;
  /** The policy in plain words, e.g. `semver >=1.4.0 <2.0.0`. */
  policy: string;
  state: ImageState;
  currentTag?: string;
  currentSource?: CurrentTagSource;
  latestTag?: string;
  /** How many allowed tags are newer than the one in Git. */
  versionsBehind?: number;
  /** When the newest allowed tag was first seen newer than Git (ISO 8601). */
  pendingSince?: string;
  /** When the image's repository was last scanned (ISO 8601). */
  lastScanAt?: string;
  error?: ImageAutomationError;
  /** Extra information, e.g. why a newer tag is held back. */
  message?: string;
  pullRequest?: PullRequestInfo;
}

/** A problem in an entity's annotations or config file. @public */
export interface ConfigProblem {
  /** The annotation key (or `key: field` inside the config) at fault. */
  key: string;
  message: string;
  /** A correct example to copy. */
  example?: string;
}

/** `GET /entities/:kind/:namespace/:name`. @public */
export interface EntityImageAutomation {
  entityRef: string;
  mode: WriteBackMode;
  /** The Git repository the manifests live in, e.g. `https://github.com/acme/payments`. */
  repository?: string;
  images: ImageStatus[];
  /** Problems that stop some or all images from being automated. */
  configProblems: ConfigProblem[];
  /** When the backend last evaluated this entity (ISO 8601). */
  lastCheckedAt?: string;
}

/** One row of `GET /overview`. @public */
export interface OverviewEntry {
  entityRef: string;
  /** How updates are written back. */
  mode: WriteBackMode;
  title?: string;
  owner?: string;
  system?: string;
  /** Image repositories used, e.g. `ghcr.io/acme/api`. */
  images: string[];
  /** Registry hosts of those images. */
  registries: string[];
  counts: Record<ImageState, number>;
  /** Images with a newer allowed tag than Git holds. */
  imagesBehind: number;
  /** The oldest `pendingSince` among the entity's images (ISO 8601). */
  oldestPendingSince?: string;
  openPullRequests: PullRequestInfo[];
  errors: number;
  lastCheckedAt?: string;
}

/**
 * `GET /overview?owner=…&state=…&registry=…&q=…&sort=…&order=…&offset=…&limit=…`:
 * one page of the entities the caller may read that match every filter.
 * @public
 */
export interface OverviewResponse {
  items: OverviewEntry[];
  /** How many entities match, over every page. */
  totalItems: number;
  offset: number;
  limit: number;
  /** Totals over every matching entity, for the summary chart. */
  summary: {
    imagesByState: Array<{ state: ImageState; count: number }>;
    entitiesByPendingAge: Array<{ label: string; count: number }>;
  };
  /** Registry hosts of the matching entities, whatever the registry filter: the registry picker's choices. */
  registries: string[];
}

/**
 * What `POST /entities/:kind/:namespace/:name/refresh` answered: the fresh
 * result when the backend checked at once, or only that the check was
 * requested and runs in the scheduled task.
 * @public
 */
export type RefreshOutcome =
  | { kind: 'checked'; result: EntityImageAutomation }
  | { kind: 'requested' };

/**
 * What happened to an entity, newest first (`GET …/history`).
 * - `update-available`: a newer allowed tag was found
 * - `pr-opened`, `pr-updated`, `pr-closed`: the pull request carrying updates
 * - `pushed`: a commit written straight to the base branch
 * - `branch-updated`: the entity's own branch moved to a new commit (push-branch mode)
 * - `merged`: the pull request was merged
 * - `branch-edited`: someone else changed the plugin's branch
 * - `declined`: the pull request was closed without merging
 * - `error`, `recovered`: an image went into error, or out of it
 * - `state-changed`: any other change of an image's state after a check
 * @public
 */
export type HistoryEventKind =
  | 'update-available'
  | 'pr-opened'
  | 'pr-updated'
  | 'pr-closed'
  | 'pushed'
  | 'branch-updated'
  | 'branch-edited'
  | 'declined'
  | 'merged'
  | 'error'
  | 'recovered'
  | 'state-changed';

/** One line of an entity's history. @public */
export interface HistoryEntry {
  /** Stable id, for list keys. */
  id: string;
  event: HistoryEventKind;
  /** When it happened (ISO 8601). */
  at: string;
  imageName?: string;
  fromTag?: string;
  toTag?: string;
  prNumber?: number;
  commitSha?: string;
  /** In plain words: the error and its fix, the new state, the PR link… */
  detail?: string;
}

/** `GET /entities/:kind/:namespace/:name/history?offset=…&limit=…`. @public */
export interface HistoryResponse {
  items: HistoryEntry[];
  totalItems: number;
  offset: number;
  limit: number;
}

/** What `GET /overview?sort=…` orders by. @public */
export const OVERVIEW_SORT_FIELDS = [
  'entity',
  'owner',
  'behind',
  'pending',
  'errors',
  'checked',
] as const;

/** @public */
export type OverviewSortField = (typeof OVERVIEW_SORT_FIELDS)[number];

/**
 * The Backstage signals channel on which the backend says that an entity's
 * status changed; the message is `{ entityRef }` and nothing else.
 * @public
 */
export function imageAutomationStatusChannel(entityRef: string): string {
  return `image-automation:${entityRef}`;
}
