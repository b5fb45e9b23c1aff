import type {
  EntityImageAutomation,
  ImageStatus,
} from '@image-automation/plugin-image-automation-common';
import { HistoryEvent } from '../domain/records';
import { deriveStatusEvents } from './deriveStatusEvents';

const REF = 'component:default/api';
const NOW = 1_000_000;

function image(overrides: Partial<ImageStatus>): ImageStatus {
  return {
    name: 'api',
    image: 'ghcr.io/acme/api',
    policy: 'semver ^1',
    state: 'up-to-date',
    ...overrides,
  };
}
function status(images: ImageStatus[]): EntityImageAutomation {
  return { entityRef: REF, mode: 'pull-request', images, configProblems: [] };
}
const failing = image({
  state: 'error',
  error: { kind: 'registry-auth', message: 'denied: add a token for ghcr.io' },
});
const marker = (
  event: HistoryEvent['event'],
  extra: Partial<HistoryEvent> = {},
): HistoryEvent => ({
  entityRef: REF,
  imageName: 'api',
  event,
  createdAt: 10,
  ...extra,
});

describe('deriveStatusEvents', () => {
  it('records an error once, with its message, when an image goes into error', () => {
    expect(deriveStatusEvents(status([failing]), [], NOW)).toEqual([
      {
        entityRef: REF,
        imageName: 'api',
        event: 'error',
        detail: 'denied: add a token for ghcr.io',
        createdAt: NOW,
      },
    ]);
    // The next cycles, still failing: nothing new.
    expect(
      deriveStatusEvents(status([failing]), [marker('error')], NOW),
    ).toEqual([]);
  });

  it('records the recovery of an image that was in error, and nothing for one that never was', () => {
    expect(
      deriveStatusEvents(status([image({})]), [marker('error')], NOW),
    ).toEqual([
      expect.objectContaining({
        event: 'recovered',
        imageName: 'api',
        detail: 'now up to date',
      }),
    ]);
    // Never in error: no error or recovery, whatever else the scan says.
    expect(
      deriveStatusEvents(status([image({})]), [], NOW).map(e => e.event),
    ).not.toContain('recovered');
    expect(
      deriveStatusEvents(
        status([image({})]),
        [
          marker('error', { createdAt: 1 }),
          marker('recovered', { createdAt: 2 }),
        ],
        NOW,
      ),
    ).toEqual([]);
  });

  it('records an error that comes back after a recovery', () => {
    expect(
      deriveStatusEvents(
        status([failing]),
        [
          marker('error', { createdAt: 1 }),
          marker('recovered', { createdAt: 2 }),
        ],
        NOW,
      ),
    ).toEqual([expect.objectContaining({ event: 'error' })]);
  });

  it('records a pull request closed while its update is still due as declined, once', () => {
    const declined = status([
      image({
        state: 'update-available',
        pullRequest: {
          number: 7,
          url: 'https://github.com/acme/d/pull/7',
          state: 'closed',
          branch: 'b',
        },
      }),
    ]);
    expect(deriveStatusEvents(declined, [], NOW)).toEqual([
      {
        entityRef: REF,
        event: 'declined',
        prNumber: 7,
        detail: 'https://github.com/acme/d/pull/7 was closed without merging',
        createdAt: NOW,
      },
    ]);
    expect(
      deriveStatusEvents(
        declined,
        [marker('declined', { imageName: undefined, prNumber: 7 })],
        NOW,
      ),
    ).toEqual([]);
  });

  it('does not call a pull request the plugin closed itself (Git holds the target) declined', () => {
    const closedByPlugin = status([
      image({
        pullRequest: { number: 7, url: 'u', state: 'closed', branch: 'b' },
      }),
    ]);
    expect(
      deriveStatusEvents(closedByPlugin, [], NOW).map(e => e.event),
    ).not.toContain('declined');
  });

  it("records an image's first scan result, and its reaching the newest tag after an update, once each", () => {
    const upToDate = status([image({ currentTag: '1.2.0' })]);
    expect(deriveStatusEvents(upToDate, [], NOW)).toEqual([
      {
        entityRef: REF,
        imageName: 'api',
        event: 'state-changed',
        toTag: '1.2.0',
        detail: 'first scan: up to date',
        createdAt: NOW,
      },
    ]);
    expect(
      deriveStatusEvents(upToDate, [marker('state-changed')], NOW),
    ).toEqual([]);
    // Merged: the pull request came after the last up-to-date.
    expect(
      deriveStatusEvents(
        upToDate,
        [
          marker('state-changed', { createdAt: 1 }),
          marker('pr-opened', { createdAt: 2 }),
        ],
        NOW,
      ),
    ).toEqual([
      expect.objectContaining({
        event: 'state-changed',
        detail: 'now up to date',
      }),
    ]);
  });

  it('says nothing of an image waiting for its update: the engine recorded it', () => {
    const behind = status([
      image({ state: 'update-available', latestTag: '1.3.0' }),
    ]);
    expect(
      deriveStatusEvents(behind, [marker('update-available')], NOW),
    ).toEqual([]);
  });
});
