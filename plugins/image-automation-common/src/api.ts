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

/** `GET /overview?owner=…&state=…&offset=…&limit=…`. @public */
export interface OverviewResponse {
  items: OverviewEntry[];
  totalItems: number;
  offset: number;
  limit: number;
}
