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

/**
 * The kind of Git host the write-back talks to: `github` and `gitlab`
 * through their APIs (pull requests, merge requests), `git` over plain Git
 * (SSH deploy key or HTTPS token; no change requests).
 * @public
 */
export type GitHostKind = 'github' | 'gitlab' | 'git';

/**
 * Where a change went:
 * - `pull-request` (GitHub) or `merge-request` (GitLab): a change request on `branch`
 * - `branch`: a commit on the entity's own branch (`push-branch`), from which people open the PR
 * - `commit`: a commit straight onto the base branch (`push`)
 * @public
 */
export type ChangeKind = 'pull-request' | 'merge-request' | 'branch' | 'commit';

/** Where the plugin's change of an image (or entity) went. @public */
export interface ChangeDestination {
  kind: ChangeKind;
  /** How the host names it: `#12` on GitHub, `!12` on GitLab, the short sha of a commit. */
  reference: string;
  /** The change request's page; commits and branches are linked through the SCM integrations. */
  url?: string;
  /** The branch the change is on (the base branch itself for `commit`). */
  branch: string;
  /** The plugin's last commit on `branch`. */
  commitSha?: string;
  /** The change request's number (`pull-request`, `merge-request`). */
  number?: number;
  /** The change request's state (`pull-request`, `merge-request`). */
  state?: 'open' | 'closed' | 'merged';
  /** The tag the change writes for this image (per-image changes only). */
  tag?: string;
}

/** How `host` names change request `number`: `!12` on GitLab, `#12` elsewhere. @public */
export function changeRequestReference(
  host: GitHostKind | undefined,
  number: number,
): string {
  return `${host === 'gitlab' ? '!' : '#'}${number}`;
}

/** What `host` calls a change request. @public */
export function changeRequestNoun(
  host: GitHostKind | undefined,
): 'merge request' | 'pull request' {
  return host === 'gitlab' ? 'merge request' : 'pull request';
}

/** Where the tag now in Git was read from. @public */
export interface CurrentTagSource {
  file: string;
  line: number;
}

/** A push a registry webhook reported. @public */
export interface PushEventInfo {
  /** When it arrived (ISO 8601). */
  receivedAt: string;
  /** `distribution`, `dockerhub`, `github`, `harbor` or `quay`. */
  provider: string;
  tag?: string;
  /** True until the scan it asked for has run. */
  pending: boolean;
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
  /**
   * The digest Git pins (or will pin) with the latest tag, for images that
   * pin digests (`:digest` setters, `name:tag@sha256:…`); the card shows
   * its first 12 hex digits.
   */
  digest?: string;
  /** The last push a registry webhook reported for the image's repository. */
  lastPushEvent?: PushEventInfo;
  error?: ImageAutomationError;
  /** Extra information, e.g. why a newer tag is held back. */
  message?: string;
  /** The pull request that carries (or carried) the image's update; see also `change`. */
  pullRequest?: PullRequestInfo;
  /**
   * Where the plugin's change of this image went: its pull or merge request,
   * or the branch and commit it was pushed to.
   */
  change?: ChangeDestination;
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
  /** The kind of host the write-back reached, once it has written (for `#12` or `!12`). */
  gitHost?: GitHostKind;
  /** Where the entity's last change went, whichever images it carried. */
  change?: ChangeDestination;
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
  /** The Git repository the manifests live in, for links to commits and branches. */
  repository?: string;
  /** Where the entity's last change went: its change request, or its branch and commit. */
  change?: ChangeDestination;
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
