import { hash } from 'node:crypto';
import type { ImageRecord } from '../domain/records';

/** What an image's status is made of: every field but `updatedAt`, which says when the others last changed. */
const STATUS_FIELDS = [
  'repository',
  'image',
  'policy',
  'state',
  'currentTag',
  'currentFile',
  'currentLine',
  'latestTag',
  'versionsBehind',
  'pendingSince',
  'message',
  'errorKind',
  'errorMessage',
  'digest',
] as const satisfies ReadonlyArray<keyof ImageRecord>;

function sameStatus(a: ImageRecord, b: ImageRecord): boolean {
  return STATUS_FIELDS.every(field => a[field] === b[field]);
}

/**
 * What a check changed in an entity's stored images: undefined when it
 * changed nothing (nothing to write: a steady cycle over thousands of
 * entities writes only what moved), else the entity's images, each keeping
 * its `updatedAt` unless its status changed.
 */
export function changedImages(
  checked: ImageRecord[],
  stored: ImageRecord[],
): ImageRecord[] | undefined {
  if (sameImages(checked, stored)) return undefined;
  return checked.map(image => {
    const previous = stored.find(i => i.imageName === image.imageName);
    return previous && sameStatus(image, previous)
      ? { ...image, updatedAt: previous.updatedAt }
      : image;
  });
}

/** Whether two sets of an entity's images say the same, `updatedAt` aside. */
export function sameImages(a: ImageRecord[], b: ImageRecord[]): boolean {
  if (a.length !== b.length) return false;
  return a.every(image => {
    const other = b.find(i => i.imageName === image.imageName);
    return other !== undefined && sameStatus(image, other);
  });
}

/**
 * An entity's images as one short digest: equal when `sameImages` holds
 * (an absent field and a null one alike), so a memo can keep the digest of
 * what a check decided instead of the images themselves.
 */
export function imagesFingerprint(images: ImageRecord[]): string {
  const statuses = images
    .map(image => [
      image.imageName,
      ...STATUS_FIELDS.map(field => image[field] ?? null),
    ])
    .sort(([a], [b]) => ((a as string) < (b as string) ? -1 : 1));
  return hash('sha256', JSON.stringify(statuses), 'base64url');
}
