import type {
  AutomationSpec,
  TagPolicy,
} from '@image-automation/plugin-image-automation-common';
import type { EntityRecord, WriteBackRecord } from '../domain/records';
import type { BranchHead, GitRepository } from '../scm/port';
import type { CycleVerdict } from './decideWriteBack';

/** One image the entity's manifests should move to a newer tag. */
export interface PendingUpdate {
  imageName: string;
  /** The image repository as the user wrote it, e.g. `ghcr.io/acme/api`. */
  image: string;
  fromTag?: string;
  toTag: string;
}

/** What the engine hands the write-back for one entity. */
export interface WriteBackRequest {
  entity: EntityRecord;
  spec: AutomationSpec;
  repository: GitRepository;
  /** The base branch head the decisions were made at. */
  base: BranchHead;
  /** This cycle's verdict over every image. */
  verdict: CycleVerdict;
  /** The images due an update. */
  updates: PendingUpdate[];
  /** Each image's policy: places are compared with their target by it. */
  policies: ReadonlyMap<string, TagPolicy>;
  previous?: WriteBackRecord;
  /** The scheduler's abort: no write starts once it fired. */
  signal?: AbortSignal;
}

/**
 * Writes decisions back to Git (change request, push or push-branch). The
 * engine calls it once per entity per cycle, whatever the verdict, so a
 * stale change request can be closed, a declined one recorded and an
 * undecided cycle held.
 */
export interface WriteBackHandler {
  writeBack(request: WriteBackRequest): Promise<WriteBackRecord | undefined>;
  /**
   * Whether `writeBack(request)` would read or write the host (an open
   * change request to poll, something to write). When false it decides
   * from the request and the stored record alone.
   */
  touchesHost(request: WriteBackRequest): boolean;
  /**
   * An entity that left the catalog over a grace period ago: closes its open
   * change request with a comment. `repository` is undefined when the entity
   * named none.
   */
  closeForGoneEntity(input: {
    entity: EntityRecord;
    repository: GitRepository;
    previous: WriteBackRecord;
  }): Promise<void>;
}
