import { LoggerService, SchedulerService } from '@backstage/backend-plugin-api';
import { Config, readDurationFromConfig } from '@backstage/config';
import { durationToMilliseconds } from '@backstage/types';
import { ImageAutomationStore } from '../database/ImageAutomationStore';

const DEFAULT_RETENTION_MS = 90 * 24 * 3600_000;
export const HISTORY_RETENTION_TASK_ID = 'image-automation-history-retention';

/**
 * Deletes history older than `imageAutomation.history.retention`, and the
 * scanned repositories no image uses any more (an entity that changed its
 * image leaves one behind), on a schedule of its own.
 */
export class HistoryRetention {
  static fromConfig(
    config: Config,
    options: {
      store: ImageAutomationStore;
      logger: LoggerService;
      now?: () => number;
    },
  ): HistoryRetention {
    const key = 'imageAutomation.history.retention';
    const retentionMs = config.has(key)
      ? durationToMilliseconds(readDurationFromConfig(config, { key }))
      : DEFAULT_RETENTION_MS;
    return new HistoryRetention(
      retentionMs,
      options.store,
      options.logger,
      options.now ?? Date.now,
    );
  }

  constructor(
    readonly retentionMs: number,
    private readonly store: ImageAutomationStore,
    private readonly logger: LoggerService,
    private readonly now: () => number,
  ) {}

  /** Once cluster-wide, every six hours. */
  async schedule(scheduler: SchedulerService): Promise<void> {
    await scheduler.scheduleTask({
      id: HISTORY_RETENTION_TASK_ID,
      scope: 'global',
      frequency: { hours: 6 },
      timeout: { minutes: 10 },
      initialDelay: { minutes: 1 },
      fn: async () => {
        await this.prune();
      },
    });
  }

  async prune(): Promise<number> {
    const deleted = await this.store.deleteHistoryBefore(
      this.now() - this.retentionMs,
    );
    if (deleted) {
      this.logger.info(`Deleted ${deleted} history events past the retention`);
    }
    const repositories = await this.store.deleteUnusedRepositories();
    if (repositories) {
      this.logger.info(
        `Forgot ${repositories} image repositories no entity uses`,
      );
    }
    return deleted;
  }
}
