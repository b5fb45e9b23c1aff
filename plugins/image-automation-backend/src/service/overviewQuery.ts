import type {
  ImageState,
  OverviewEntry,
  OverviewSortField,
} from '@image-automation/plugin-image-automation-common';

/** The overview's filters; an empty list or text matches everything. */
export interface OverviewFilters {
  owners: string[];
  states: ImageState[];
  registries: string[];
  text: string;
}

const lower = (s: string) => s.toLocaleLowerCase('en-US');

/**
 * Whether an entry passes every filter: one of the owners, an image in one
 * of the states, an image in one of the registries, and every word of the
 * text somewhere in its ref, title, owner, system or images.
 */
export function matchesOverviewFilters(
  entry: OverviewEntry,
  filters: OverviewFilters,
  ignore: { registries?: boolean } = {},
): boolean {
  if (filters.owners.length) {
    const owners = new Set(filters.owners.map(lower));
    if (!entry.owner || !owners.has(lower(entry.owner))) return false;
  }
  if (filters.states.length && !filters.states.some(s => entry.counts[s] > 0)) {
    return false;
  }
  if (
    !ignore.registries &&
    filters.registries.length &&
    !entry.registries.some(r => filters.registries.includes(r))
  ) {
    return false;
  }
  const words = lower(filters.text).split(/\s+/).filter(Boolean);
  if (words.length) {
    const haystack = lower(
      [entry.entityRef, entry.title, entry.owner, entry.system, ...entry.images]
        .filter(Boolean)
        .join('\n'),
    );
    if (!words.every(word => haystack.includes(word))) return false;
  }
  return true;
}

const time = (iso?: string) => (iso ? Date.parse(iso) : undefined);

/** The value an entry is sorted by; undefined sorts last in both directions. */
const SORT_KEYS: Record<
  OverviewSortField,
  (entry: OverviewEntry) => string | number | undefined
> = {
  entity: e => lower(e.title ?? e.entityRef),
  owner: e => (e.owner ? lower(e.owner) : undefined),
  behind: e => e.imagesBehind,
  // Ascending puts the longest wait first: the oldest time is the smallest.
  pending: e => time(e.oldestPendingSince),
  errors: e => e.errors,
  checked: e => time(e.lastCheckedAt),
};

/**
 * A comparator for the overview's sort; ties fall back to the entity ref so
 * pages never overlap or skip an entry between requests.
 */
export function compareOverviewEntries(
  sort: OverviewSortField,
  order: 'asc' | 'desc',
): (a: OverviewEntry, b: OverviewEntry) => number {
  const key = SORT_KEYS[sort];
  const direction = order === 'asc' ? 1 : -1;
  return (a, b) => {
    const ka = key(a);
    const kb = key(b);
    if (ka !== kb) {
      if (ka === undefined) return 1;
      if (kb === undefined) return -1;
      return (ka < kb ? -1 : 1) * direction;
    }
    return a.entityRef < b.entityRef ? -1 : Number(a.entityRef > b.entityRef);
  };
}
