import { createHash, hash } from 'node:crypto';
import type { FirstSeenTags } from '@image-automation/plugin-image-automation-common';
import type {
  EntityRecord,
  ImageRecord,
  WriteBackRecord,
} from '../domain/records';
import type { GitSnapshot } from '../scm/port';
import { imagesFingerprint } from './imageChanges';

/** Entities remembered at most: a bound against the unexpected, not a budget. */
const MEMO_LIMIT = 100_000;

/**
 * Everything an entity's check decides from, in comparable form. A check
 * is a function of these alone when it is replayable (see
 * `CheckMemo.remember`): no clock, no registry or host call of its own.
 */
export interface CheckInputs {
  /** The entity as discovered: its digest. */
  entity: string;
  /** The manifests read: branch, and each path with its blob id or as missing. */
  files: string;
  /** Per image, the version of its repository's tag list this cycle. */
  tagLists: string;
  /** The write-back record the check started from, as stored. */
  writeBack: string;
}

/** Digests, not the inputs and images: a fleet's memo stays a few hundred bytes an entity. */
interface Remembered {
  inputs: string;
  /** What the check decided: the images as it left them (imagesFingerprint). */
  images: string;
}

/**
 * Remembers, per entity, what its last check read and decided, so that a
 * check which would read exactly the same again (same entity, same blobs,
 * same tag lists, same stored write-back, and the images stored as that
 * check left them) is answered from memory instead of parsing manifests
 * and evaluating policies again: a steady cycle over thousands of
 * unchanged entities then costs little beyond its scans. This holds because
 * deciding is idempotent: an evaluation fed its own result decides the same
 * again (tested in CheckMemo.test.ts).
 *
 * Only checks that read nothing else are remembered: none with a minimum
 * age or newest-build policy (they depend on the clock or on build times),
 * none pinning digests (read from the registry every cycle), none whose
 * write-back reads or writes the host (an open change request is polled),
 * none over a failed scan or Git read. Kept per process: a replica that
 * has not checked an entity yet checks it in full.
 */
export class CheckMemo {
  private readonly checks = new Map<string, Remembered>();
  /**
   * Per repository, a fingerprint of the tag list last seen, not the list:
   * a fleet's tag lists are megabytes, and every cycle reads them anew.
   */
  private readonly tagLists = new Map<
    string,
    { fingerprint: string; version: number }
  >();
  /** Each cycle's scan, by identity: its entities ask for the same list many times. */
  private readonly versions = new WeakMap<
    FirstSeenTags,
    { repository: string; version: number }
  >();
  private nextVersion = 1;

  /**
   * The version of `repository`'s tag list: the same as long as the tags
   * and their first-seen times stay the same. Called with each cycle's scan,
   * which is never changed once made.
   */
  tagListVersion(repository: string, tags: FirstSeenTags): number {
    const seen = this.versions.get(tags);
    if (seen?.repository === repository) return seen.version;
    const fingerprint = fingerprintOf(tags);
    let known = this.tagLists.get(repository);
    if (known?.fingerprint !== fingerprint) {
      if (!known && this.tagLists.size >= MEMO_LIMIT) this.tagLists.clear();
      known = { fingerprint, version: this.nextVersion++ };
      this.tagLists.set(repository, known);
    }
    this.versions.set(tags, { repository, version: known.version });
    return known.version;
  }

  /**
   * The images the check of `entity` would decide, when its last check read
   * the same `inputs` and the images stored now are the ones it left: those
   * stored images (`updatedAt` aside, what it decided). Undefined otherwise
   * (the entity is checked in full).
   */
  recall(
    entity: EntityRecord,
    inputs: CheckInputs,
    stored: ImageRecord[],
  ): ImageRecord[] | undefined {
    const last = this.checks.get(entity.entityRef);
    if (!last || last.inputs !== inputsFingerprint(inputs)) return undefined;
    if (last.images !== imagesFingerprint(stored)) return undefined;
    return stored;
  }

  /** Keeps what a replayable check read and decided. */
  remember(entity: EntityRecord, inputs: CheckInputs, images: ImageRecord[]) {
    if (!this.checks.has(entity.entityRef) && this.checks.size >= MEMO_LIMIT)
      this.checks.clear();
    this.checks.set(entity.entityRef, {
      inputs: inputsFingerprint(inputs),
      images: imagesFingerprint(images),
    });
  }

  /** Drops what was kept of `entityRef`: its next check runs in full. */
  forget(entityRef: string) {
    this.checks.delete(entityRef);
  }
}

/** The manifests a check read, as one comparable string. */
export function filesRead(snapshot: GitSnapshot): string {
  const parts = [snapshot.branch];
  for (const [path, file] of snapshot.files)
    parts.push(`${path}@${file.blobSha}`);
  for (const path of snapshot.missing) parts.push(`${path}!`);
  return parts.join('\u0000');
}

/** A write-back record as one comparable string ('' for none). */
export function writeBackRead(record: WriteBackRecord | undefined): string {
  return record ? JSON.stringify(record) : '';
}

/** The tags and their first-seen times, in any order, as one digest. */
function fingerprintOf(tags: FirstSeenTags): string {
  const times = new Float64Array(tags.size);
  for (let index = 0; index < tags.size; index++)
    times[index] = tags.timeAt(index);
  // JSON keeps the tags apart whatever a registry lists.
  return createHash('sha256')
    .update(JSON.stringify(tags.tags))
    .update(new Uint8Array(times.buffer))
    .digest('base64url');
}

/** The inputs as one digest; JSON keeps the fields apart whatever they hold. */
function inputsFingerprint(inputs: CheckInputs): string {
  return hash(
    'sha256',
    JSON.stringify([
      inputs.entity,
      inputs.files,
      inputs.tagLists,
      inputs.writeBack,
    ]),
    'base64url',
  );
}
