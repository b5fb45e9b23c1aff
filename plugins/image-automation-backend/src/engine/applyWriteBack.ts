import type { ImageRecord, WriteBackRecord } from '../domain/records';

/** Folds the write-back's state into an image row (PR open, declined, write error). */
export function applyWriteBack(
  record: ImageRecord,
  writeBack: WriteBackRecord | undefined,
) {
  if (!writeBack || record.state === 'error') return;
  const proposed = writeBack.targetTags?.[record.imageName];
  const open =
    writeBack.state === 'open' ||
    (!writeBack.state && writeBack.prState === 'open');
  if (
    record.state === 'update-available' &&
    open &&
    writeBack.prState === 'open' &&
    proposed === record.latestTag
  ) {
    record.state = 'pr-open';
  }
  if (writeBack.errorKind && record.state !== 'up-to-date') {
    Object.assign(record, {
      state: 'error',
      errorKind: writeBack.errorKind,
      errorMessage: writeBack.errorMessage,
    });
    return;
  }
  const declined = writeBack.declinedTags?.[record.imageName];
  if (record.state === 'update-available' && declined && writeBack.note) {
    record.message = [record.message, writeBack.note]
      .filter(Boolean)
      .join('; ');
  }
}
