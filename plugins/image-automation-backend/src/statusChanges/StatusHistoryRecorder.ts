import { ImageAutomationStore } from '../database/ImageAutomationStore';
import { EntityStatusChange } from '../service/EntityStatusReadModel';
import { DERIVED_KINDS, deriveStatusEvents } from './deriveStatusEvents';

/**
 * Adds to the history what the engine's own events do not say: errors
 * beginning and ending, and declined pull requests. Two queries per batch
 * of changed entities.
 */
export class StatusHistoryRecorder {
  constructor(
    private readonly store: ImageAutomationStore,
    private readonly now: () => number = Date.now,
  ) {}

  readonly onChange = async (changes: EntityStatusChange[]): Promise<void> => {
    const present = changes.filter(c => c.status);
    if (!present.length) return;
    const latest = await this.store.latestHistoryEvents(
      present.map(c => c.entityRef),
      DERIVED_KINDS,
    );
    const now = this.now();
    const events = present.flatMap(change =>
      deriveStatusEvents(
        change.status!,
        latest.filter(e => e.entityRef === change.entityRef),
        now,
      ),
    );
    if (events.length) await this.store.appendHistory(events);
  };
}
