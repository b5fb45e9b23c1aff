import { IMAGE_STATES, ImageState, OverviewEntry } from '../api';

const DAY_MS = 24 * 3600 * 1000;

/** How long an update has been waiting, in the buckets the summary chart shows. @public */
export const PENDING_AGE_BUCKETS = [
  { label: '< 1 day', upToDays: 1 },
  { label: '1–7 days', upToDays: 7 },
  { label: '1–4 weeks', upToDays: 28 },
  { label: '> 4 weeks', upToDays: Infinity },
] as const;

/** @public */
export interface OverviewSummary {
  /** Images in each state, over every listed entity. */
  imagesByState: Array<{ state: ImageState; count: number }>;
  /** Entities with a pending update, by how long their oldest one has waited. */
  entitiesByPendingAge: Array<{ label: string; count: number }>;
}

/**
 * How far behind the listed entities are, for the summary chart. The backend
 * sums every entity the overview's filters select, not only one page.
 * @public
 */
export function summarizeOverview(
  entries: OverviewEntry[],
  now: number,
): OverviewSummary {
  const imagesByState = IMAGE_STATES.map(state => ({
    state,
    count: entries.reduce((sum, entry) => sum + (entry.counts[state] ?? 0), 0),
  }));

  const ageCounts: number[] = PENDING_AGE_BUCKETS.map(() => 0);
  for (const entry of entries) {
    if (!entry.oldestPendingSince) continue;
    const waitedDays = (now - Date.parse(entry.oldestPendingSince)) / DAY_MS;
    const bucket = PENDING_AGE_BUCKETS.findIndex(
      ({ upToDays }) => waitedDays < upToDays,
    );
    ageCounts[bucket] += 1;
  }

  return {
    imagesByState,
    entitiesByPendingAge: PENDING_AGE_BUCKETS.map(({ label }, index) => ({
      label,
      count: ageCounts[index],
    })),
  };
}
