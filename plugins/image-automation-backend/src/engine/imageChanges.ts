import type { ImageRecord } from '../domain/records';

/** Every field but `updatedAt`, which says when the others last changed. */
function sameStatus(a: ImageRecord, b: ImageRecord): boolean {
  return (
    a.repository === b.repository &&
    a.image === b.image &&
    a.policy === b.policy &&
    a.state === b.state &&
    a.currentTag === b.currentTag &&
    a.currentFile === b.currentFile &&
    a.currentLine === b.currentLine &&
    a.latestTag === b.latestTag &&
    a.versionsBehind === b.versionsBehind &&
    a.pendingSince === b.pendingSince &&
    a.message === b.message &&
    a.errorKind === b.errorKind &&
    a.errorMessage === b.errorMessage &&
    a.digest === b.digest
  );
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
