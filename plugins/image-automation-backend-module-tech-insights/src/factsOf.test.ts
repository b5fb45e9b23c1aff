import type { OverviewEntry } from '@image-automation/plugin-image-automation-common';
import { factsOf } from './factsOf';

const NOW = Date.parse('2026-12-01T12:00:00Z');

function entry(overrides: Partial<OverviewEntry>): OverviewEntry {
  return {
    entityRef: 'component:default/api',
    mode: 'pull-request',
    images: [],
    registries: [],
    counts: {
      'up-to-date': 0,
      'update-available': 0,
      'pr-open': 0,
      error: 0,
      pending: 0,
    },
    imagesBehind: 0,
    openPullRequests: [],
    errors: 0,
    ...overrides,
  };
}

describe('factsOf', () => {
  it('gives images behind, the wait of the oldest pending update in days, errors and mode', () => {
    expect(
      factsOf(
        entry({
          imagesBehind: 2,
          oldestPendingSince: '2026-11-16T00:00:00Z',
          errors: 1,
          mode: 'push',
        }),
        NOW,
      ),
    ).toEqual({
      imagesBehind: 2,
      oldestPendingUpdateDays: 15.5,
      errors: 1,
      mode: 'push',
    });
  });

  it('counts no wait when nothing is pending, or when the clock is behind', () => {
    expect(factsOf(entry({}), NOW).oldestPendingUpdateDays).toBe(0);
    expect(
      factsOf(entry({ oldestPendingSince: '2026-12-02T00:00:00Z' }), NOW)
        .oldestPendingUpdateDays,
    ).toBe(0);
  });
});
