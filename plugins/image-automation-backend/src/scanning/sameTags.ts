import type { FirstSeenTags } from '@image-automation/plugin-image-automation-common';

/** Whether two tag lists hold the same tags with the same first-seen times. */
export function sameTags(
  a: FirstSeenTags | undefined,
  b: FirstSeenTags | undefined,
): boolean {
  if (a === b) return true;
  return a !== undefined && a.equals(b);
}
