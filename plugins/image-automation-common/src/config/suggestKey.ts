/**
 * The known key closest to a misspelt one (`polcy` → `policy`), or undefined
 * when none is close enough to be a plausible typo.
 */
export function suggestKey(
  unknown: string,
  known: readonly string[],
): string | undefined {
  const wanted = unknown.toLowerCase();
  let best: { key: string; distance: number } | undefined;
  for (const key of known) {
    const distance = editDistance(wanted, key.toLowerCase());
    if (!best || distance < best.distance) best = { key, distance };
  }
  // A third of the word, at least one edit: `polcy`, `fles` and `filterTag`
  // are typos; `owner` is not a misspelt `image`.
  if (best && best.distance <= Math.max(1, Math.floor(best.key.length / 3))) {
    return best.key;
  }
  return undefined;
}

/** `unknown key "polcy"` plus `; did you mean "policy"?` when there is a close match. */
export function describeUnknownKey(
  unknown: string,
  known: readonly string[],
): string {
  const suggestion = suggestKey(unknown, known);
  const hint = suggestion
    ? `did you mean ${JSON.stringify(suggestion)}?`
    : `known keys: ${known.map(k => JSON.stringify(k)).join(', ')}`;
  return `unknown key ${JSON.stringify(unknown)}; ${hint}`;
}

/** Levenshtein distance with transpositions counted as one edit (`plociy`). */
function editDistance(a: string, b: string): number {
  const rows = a.length + 1;
  const cols = b.length + 1;
  // d[i][j]: edits between the first i characters of a and the first j of b.
  const d: number[][] = Array.from({ length: rows }, () =>
    new Array<number>(cols).fill(0),
  );
  for (let i = 0; i < rows; i++) d[i][0] = i;
  for (let j = 0; j < cols; j++) d[0][j] = j;
  for (let i = 1; i < rows; i++) {
    for (let j = 1; j < cols; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i][j] = Math.min(
        d[i - 1][j] + 1,
        d[i][j - 1] + 1,
        d[i - 1][j - 1] + cost,
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d[i][j] = Math.min(d[i][j], d[i - 2][j - 2] + 1);
      }
    }
  }
  return d[rows - 1][cols - 1];
}
