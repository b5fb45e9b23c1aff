import type { OverviewEntry } from '@image-automation/plugin-image-automation-common';

const DAY_MS = 24 * 3600_000;

/** The facts of one entity, as Tech Insights stores them. */
export interface ImageAutomationFacts {
  [name: string]: number | string;
  imagesBehind: number;
  oldestPendingUpdateDays: number;
  errors: number;
  mode: string;
}

/**
 * One overview row as facts: how many images are behind, how many days the
 * oldest pending update has waited (0 when none waits), how many errors,
 * and the write-back mode. Pure.
 */
export function factsOf(
  entry: OverviewEntry,
  now: number,
): ImageAutomationFacts {
  const waitedMs = entry.oldestPendingSince
    ? Math.max(0, now - Date.parse(entry.oldestPendingSince))
    : 0;
  return {
    imagesBehind: entry.imagesBehind,
    oldestPendingUpdateDays: Math.round((waitedMs / DAY_MS) * 100) / 100,
    errors: entry.errors,
    mode: entry.mode,
  };
}
