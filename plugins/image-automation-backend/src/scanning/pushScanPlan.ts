import { PushEventRecord } from '../database/RegistryFactsStore';

/** A repository is scanned for pushes at most this often, however many arrive. */
export const PUSH_SCAN_MIN_INTERVAL_MS = 10_000;

export interface PushScanPlan {
  /** Repositories to scan now, past the one-minute floor of scheduled scans. */
  due: string[];
  /** When the next held-back repository may be scanned, if any is. */
  retryInMs?: number;
}

/**
 * Which pending pushes this cycle acts on. A registry pushing the same
 * repository many times a second (CI building several tags) costs one scan
 * per 10 s; the rest wait for `retryInMs`, never for the schedule.
 */
export function planPushScans(
  pending: PushEventRecord[],
  now: number,
): PushScanPlan {
  const due: string[] = [];
  let retryInMs: number | undefined;
  for (const push of pending) {
    if (push.pendingSince === undefined) continue;
    const next =
      push.lastPushScanAt === undefined
        ? now
        : push.lastPushScanAt + PUSH_SCAN_MIN_INTERVAL_MS;
    if (next <= now) due.push(push.repository);
    else retryInMs = Math.min(retryInMs ?? Infinity, next - now);
  }
  return retryInMs === undefined ? { due } : { due, retryInMs };
}
