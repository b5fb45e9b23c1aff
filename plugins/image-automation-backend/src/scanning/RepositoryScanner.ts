import { LoggerService } from '@backstage/backend-plugin-api';
import {
  FirstSeenTags,
  ImageReference,
} from '@image-automation/plugin-image-automation-common';
import { RegistryClient } from '@image-automation/plugin-image-automation-node';
import { ImageAutomationStore } from '../database/ImageAutomationStore';
import { RepositoryRecord } from '../domain/records';
import { ImageAutomationMetrics } from '../metrics';
import { sameTags } from './sameTags';

/** Scans of one repository closer together than this reuse the stored tags. */
export const MIN_SCAN_INTERVAL_MS = 60_000;
/**
 * How early a cycle may come and still count as on time. The scheduler starts
 * cycles one frequency apart give or take its polling, while an entity is
 * marked checked (and a repository scanned) a few seconds into its cycle: with
 * entity intervals equal to the frequency, a strict comparison would skip
 * every other cycle and check each entity at half the rate asked for.
 */
export const SCHEDULE_TOLERANCE_MS = 10_000;
const MAX_BACKOFF_MS = 60 * 60_000;
/** Scanned repositories stored per statement group while the scan goes on. */
const SAVE_BATCH = 100;

export interface ScanOutcome {
  record: RepositoryRecord;
  /** False when the stored tags were reused (recent scan or backoff). */
  scanned: boolean;
}

/**
 * Lists the tags of each image repository once per cycle, however many
 * entities use it, and keeps when each tag was first seen (for minimumAge).
 * A failing repository keeps its last known tags and backs off
 * exponentially, so one broken registry neither blocks the others nor gets
 * hammered.
 */
export class RepositoryScanner {
  constructor(
    private readonly options: {
      registry: RegistryClient;
      store: ImageAutomationStore;
      logger: LoggerService;
      metrics: ImageAutomationMetrics;
      now: () => number;
    },
  ) {}

  /**
   * Scans every repository that is due. Once `signal` aborts, no new scan
   * starts: those repositories keep their stored tags for this cycle.
   */
  async scan(
    images: Map<string, ImageReference>,
    signal?: AbortSignal,
    /** Repositories a registry reported a push for: scanned past the floor. */
    pushed: ReadonlySet<string> = new Set(),
    scanOptions: {
      /** Told of each repository's outcome as soon as it is known, before the scan ends. */
      onScanned?: (key: string, outcome: ScanOutcome) => void;
      /** The stored records, read ahead by readStored; any missing is read now. */
      stored?: Promise<Map<string, RepositoryRecord>>;
    } = {},
  ): Promise<Map<string, ScanOutcome>> {
    const { store, now } = this.options;
    const stored = new Map(await scanOptions.stored);
    const unread = [...images.keys()].filter(key => !stored.has(key));
    if (unread.length) {
      for (const [key, record] of await this.readStored(unread))
        stored.set(key, record);
    }
    const outcomes = new Map<string, ScanOutcome>();
    // Results are stored in batches while the scan goes on, so the cycle
    // does not wait for a thousand rows at its end; a repository is reported
    // scanned once its row is stored, so nothing is decided on tags (and
    // first-seen times) that were not kept. Repositories that list the tags
    // stored already only get their scan times written, not their tags again.
    // A batch that fails to store costs its own repositories: the others are
    // still stored and reported, and the scan fails at its end.
    type Pending = { key: string; outcome: ScanOutcome };
    let unsaved: Pending[] = [];
    let saving: Promise<void> = Promise.resolve();
    const failures: unknown[] = [];
    const save = () => {
      const batch = unsaved;
      unsaved = [];
      if (!batch.length) return;
      const changed: Pending[] = [];
      const unchanged: Pending[] = [];
      for (const p of batch) {
        const same = sameTags(p.outcome.record.tags, stored.get(p.key)?.tags);
        (same ? unchanged : changed).push(p);
      }
      saving = saving.then(async () => {
        try {
          if (changed.length)
            await store.saveRepositories(changed.map(p => p.outcome.record));
          if (unchanged.length)
            await store.saveScanTimes(unchanged.map(p => p.outcome.record));
        } catch (error) {
          failures.push(error);
          return;
        }
        for (const p of batch) scanOptions.onScanned?.(p.key, p.outcome);
      });
    };
    const settle = (key: string, outcome: ScanOutcome) => {
      outcomes.set(key, outcome);
      if (!outcome.scanned) {
        scanOptions.onScanned?.(key, outcome);
        return;
      }
      unsaved.push({ key, outcome });
      if (unsaved.length >= SAVE_BATCH) save();
    };
    const started = now();
    await Promise.all(
      [...images].map(async ([key, image]) => {
        const previous = stored.get(key);
        if (
          previous &&
          (signal?.aborted ||
            (!pushed.has(key) && !this.isDue(previous, started)))
        ) {
          settle(key, { record: previous, scanned: false });
          return;
        }
        if (signal?.aborted) return;
        settle(key, {
          record: await this.scanOne(key, image, previous),
          scanned: true,
        });
      }),
    );
    save();
    await saving;
    if (failures.length) throw failures[0];
    return outcomes;
  }

  /** The stored records of `repositories`: what scan starts from, to read ahead of it. */
  readStored(repositories: string[]): Promise<Map<string, RepositoryRecord>> {
    return this.options.store.getRepositories(repositories);
  }

  private isDue(record: RepositoryRecord, now: number): boolean {
    if (record.backoffUntil && record.backoffUntil > now) return false;
    return (
      !record.lastScanAt ||
      now + SCHEDULE_TOLERANCE_MS - record.lastScanAt >= MIN_SCAN_INTERVAL_MS
    );
  }

  private async scanOne(
    key: string,
    image: ImageReference,
    previous: RepositoryRecord | undefined,
  ): Promise<RepositoryRecord> {
    const { registry, logger, metrics, now } = this.options;
    const started = now();
    try {
      const { tags } = await registry.listTags(image);
      const scannedAt = now();
      metrics.recordScan(image.registry, scannedAt - started, tags.length);
      return {
        repository: key,
        tags: FirstSeenTags.listed(tags, previous?.tags, scannedAt),
        lastScanAt: scannedAt,
        lastSuccessAt: scannedAt,
        consecutiveFailures: 0,
      };
    } catch (error) {
      const failedAt = now();
      const kind = (error as { kind?: string }).kind ?? 'unexpected';
      const failures = (previous?.consecutiveFailures ?? 0) + 1;
      metrics.recordScanError(image.registry, kind);
      logger.warn(
        `Scanning ${key} failed (${kind}): ${(error as Error).message}`,
        {
          repository: key,
          errorKind: kind,
        },
      );
      return {
        repository: key,
        // The last known tags stay: decisions keep working, and downgrade
        // protection keeps a short list from rolling anything back.
        tags: previous?.tags,
        lastScanAt: failedAt,
        lastSuccessAt: previous?.lastSuccessAt,
        lastErrorKind: `registry-${kind}`,
        lastErrorMessage: (error as Error).message,
        consecutiveFailures: failures,
        backoffUntil:
          failures > 1
            ? failedAt +
              Math.min(
                MIN_SCAN_INTERVAL_MS * 2 ** (failures - 1),
                MAX_BACKOFF_MS,
              )
            : undefined,
      };
    }
  }
}
