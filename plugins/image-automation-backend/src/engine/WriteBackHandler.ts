import type { AutomationSpec } from '@image-automation/plugin-image-automation-common';
import {
  EntityRecord,
  WriteBackRecord,
} from '../database/ImageAutomationStore';
import { BranchHead } from '../scm/GitManifestReader';

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
  /** The base branch head the decisions were made at. */
  base: BranchHead;
  /** Every image's target tag (image name → tag), due or not. */
  targetTags: Record<string, string>;
  /** The images whose tag in Git differs from their target. */
  updates: PendingUpdate[];
  previous?: WriteBackRecord;
}

/**
 * Writes decisions back to Git (pull request or push). The engine calls it
 * once per entity per cycle, with an empty `updates` list when Git is up to
 * date, so a stale pull request can be closed.
 */
export interface WriteBackHandler {
  writeBack(request: WriteBackRequest): Promise<WriteBackRecord | undefined>;
}
