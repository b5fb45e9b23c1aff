/** Whether two tag lists hold the same tags with the same first-seen times. */
export function sameTags(
  a: Record<string, number> | undefined,
  b: Record<string, number> | undefined,
): boolean {
  if (a === b) return true;
  if (!a || !b) return false;
  const keys = Object.keys(a);
  if (keys.length !== Object.keys(b).length) return false;
  return keys.every(tag => b[tag] === a[tag]);
}
