import type {
  EntityImageAutomation,
  HistoryEventKind,
} from '@image-automation/plugin-image-automation-common';
import { HistoryEvent } from '../domain/records';

/** The history kinds read back to know what was already said about an image. */
export const DERIVED_KINDS: HistoryEventKind[] = [
  'error',
  'recovered',
  'declined',
  'state-changed',
  'update-available',
  'pr-opened',
  'pr-updated',
  'pushed',
];

/**
 * What the history must add after an entity's status changed: an image
 * going into error (with the error and its fix) or out of it, an image
 * found up to date (its first scan, or after its update was merged), and a
 * pull request closed without merging. `latest` holds the newest event of
 * each of DERIVED_KINDS per image, so a state is recorded once however many cycles it lasts and
 * whichever replica ran them. Pure.
 */
export function deriveStatusEvents(
  status: EntityImageAutomation,
  latest: HistoryEvent[],
  now: number,
): HistoryEvent[] {
  const events: HistoryEvent[] = [];
  const newestFor = (
    imageName: string | undefined,
    kinds: HistoryEventKind[],
  ) =>
    latest
      .filter(e => e.imageName === imageName && kinds.includes(e.event))
      .sort((a, b) => b.createdAt - a.createdAt)[0];

  for (const image of status.images) {
    const last = newestFor(image.name, ['error', 'recovered']);
    if (image.state === 'error' && last?.event !== 'error') {
      events.push({
        entityRef: status.entityRef,
        imageName: image.name,
        event: 'error',
        detail: image.error?.message,
        createdAt: now,
      });
    } else if (image.state !== 'error' && last?.event === 'error') {
      events.push({
        entityRef: status.entityRef,
        imageName: image.name,
        event: 'recovered',
        detail: `now ${image.state.replace(/-/g, ' ')}`,
        createdAt: now,
      });
    } else if (image.state === 'up-to-date') {
      // Updates found and written are the engine's own events; what it does
      // not say is that an image reached (or started at) the newest tag.
      const told = newestFor(
        image.name,
        DERIVED_KINDS.filter(k => k !== 'declined'),
      );
      if (told?.event !== 'state-changed' && told?.event !== 'recovered') {
        events.push({
          entityRef: status.entityRef,
          imageName: image.name,
          event: 'state-changed',
          toTag: image.currentTag,
          detail: told ? 'now up to date' : 'first scan: up to date',
          createdAt: now,
        });
      }
    }
  }

  // The plugin closes its own pull request only when Git already holds the
  // targets; closed while an update is still due means someone declined it.
  const declined = status.images.find(
    i => i.pullRequest?.state === 'closed' && i.state === 'update-available',
  )?.pullRequest;
  if (
    declined &&
    newestFor(undefined, ['declined'])?.prNumber !== declined.number
  ) {
    events.push({
      entityRef: status.entityRef,
      event: 'declined',
      prNumber: declined.number,
      detail: `${declined.url} was closed without merging`,
      createdAt: now,
    });
  }
  return events;
}
