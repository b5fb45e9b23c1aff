import type { SignalsService } from '@backstage/plugin-signals-node';
import { imageAutomationStatusChannel } from '@image-automation/plugin-image-automation-common';
import { EntityStatusChange } from '../service/EntityStatusReadModel';

/** The signal channel of one entity's status; the card listens on it. */
export const statusChannelOf = imageAutomationStatusChannel;

/**
 * Tells open cards that their entity's status changed, so they reload it
 * instead of polling. The message carries only the ref: the card reads the
 * status through the permission-checked endpoint.
 */
export class StatusSignals {
  constructor(private readonly signals: SignalsService) {}

  readonly onChange = async (changes: EntityStatusChange[]): Promise<void> => {
    await Promise.all(
      changes.map(({ entityRef }) =>
        this.signals.publish({
          recipients: { type: 'broadcast' },
          channel: statusChannelOf(entityRef),
          message: { entityRef },
        }),
      ),
    );
  };
}
