/*
 * The automation an entity asks for, parsed from its annotations (SPEC §3):
 * the shorthand keys or the full form of `image-automation/config`.
 */
import type { WriteBackMode } from '../api';

/** A Flux-shaped tag policy (ImagePolicy `spec.policy` plus `spec.filterTags`). @public */
export interface PolicySpec {
  semver?: { range: string };
  alphabetical?: { order?: 'asc' | 'desc' };
  numerical?: { order?: 'asc' | 'desc' };
  /** The tag built last; `platform` (`os/arch[/variant]`) for multi-arch tags, default linux/amd64. */
  newestBuild?: { platform?: string };
  filterTags?: { pattern?: string; extract?: string };
}

/**
 * Flux's `digestReflectionPolicy`: when the chosen tag's digest is read
 * for `:digest` setters and `name:tag@sha256:…` refs. `Never` writes no
 * digest; `IfNotPresent` reads it when the chosen tag changes and keeps it
 * while the tag stays; `Always` reads it every cycle, so a tag pushed again
 * (same tag, new digest) becomes an update.
 * @public
 */
export type DigestReflectionPolicy = 'Never' | 'IfNotPresent' | 'Always';

/** One image an entity keeps up to date. @public */
export interface ImageAutomationSpec {
  /** What setter markers refer to: `# {"$imagepolicy": "<name>"}`. */
  name: string;
  /** The image repository without tag or digest, as written by the user. */
  image: string;
  policy: PolicySpec;
  /** Files holding the image, relative to the repository root. */
  files: string[];
  /** Structured target for files without setter markers. */
  container?: string;
  /** Propose tags the policy orders below the one in Git (off by default). */
  allowDowngrade: boolean;
  /** Hold a new tag back until it has been seen this long, in milliseconds. */
  minimumAgeMs?: number;
  /**
   * As written in the full form. Unset, an image whose files pin a digest
   * behaves as `IfNotPresent` (Flux defaults to `Never`, which would leave
   * such pins stale).
   */
  digestReflectionPolicy?: DigestReflectionPolicy;
}

/** How and where updates are written back. @public */
export interface GitWriteBackSpec {
  mode: WriteBackMode;
  /** Default: the repository's default branch. */
  baseBranch?: string;
  /** Default: `image-automation/<kind>-<namespace>-<name>`. */
  pushBranch?: string;
  commit?: {
    /** Go-template-like text with Flux's data: `.Updated.Images`, `.Changed.Changes`. */
    messageTemplate?: string;
    author?: { name?: string; email?: string };
  };
  pullRequest?: {
    titleTemplate?: string;
    bodyTemplate?: string;
    labels?: string[];
  };
}

/** Everything an entity's annotations ask for. @public */
export interface AutomationSpec {
  images: ImageAutomationSpec[];
  git: GitWriteBackSpec;
  /** `image-automation/repo`, else the entity's source location. */
  repository?: string;
  /** How often this entity is checked, in milliseconds (never below the floor). */
  intervalMs?: number;
}

/**
 * The parts of a catalog entity the parser reads. Structural, so that callers
 * pass a Backstage `Entity` without this package depending on catalog-model.
 * Values are checked at run time: the CLI passes raw YAML, where an
 * annotation may not be a string.
 * @public
 */
export interface EntityLike {
  kind: string;
  metadata: {
    name: string;
    namespace?: string;
    annotations?: Record<string, string>;
  };
}
