import { LoggerService } from '@backstage/backend-plugin-api';
import { RegistryFactsStore } from '../database/RegistryFactsStore';
import { PushEventSink, PushRecording } from './PushEventSink';
import { PushedImage } from './WebhookProvider';

/**
 * Records pushes to repositories that entities use and asks for a cycle at
 * once. The cycle (the one global scheduled task) scans the pushed
 * repositories and evaluates only their entities: the request handler never
 * scans or writes itself, so replicas never race on a branch.
 */
export class ScheduledPushEventSink implements PushEventSink {
  constructor(
    private readonly options: {
      facts: RegistryFactsStore;
      /** Starts the scheduled cycle now (scheduler.triggerTask). */
      triggerCycle: () => Promise<void>;
      logger: LoggerService;
      now?: () => number;
    },
  ) {}

  async recordPushes(
    provider: string,
    images: PushedImage[],
  ): Promise<PushRecording> {
    const { facts, logger } = this.options;
    const now = this.options.now ?? Date.now;
    const known = await facts.knownRepositories(images.map(i => i.repository));
    const pushed = images.filter(i => known.has(i.repository));
    const unknown = [
      ...new Set(images.map(i => i.repository).filter(r => !known.has(r))),
    ];
    if (pushed.length === 0) return { scheduled: [], unknown };
    await facts.recordPushEvents(
      pushed.map(image => ({ ...image, provider })),
      now(),
    );
    try {
      await this.options.triggerCycle();
    } catch (error) {
      // A cycle already running picks the pending pushes up when it ends;
      // with cycles disabled they wait for the next one anyone starts.
      logger.debug(
        `Push recorded; the cycle was not started now: ${
          (error as Error).message
        }`,
      );
    }
    return { scheduled: [...known], unknown };
  }
}
