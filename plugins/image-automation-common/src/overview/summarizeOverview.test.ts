import { ImageState, OverviewEntry } from '../api';
import { summarizeOverview } from './summarizeOverview';

const NOW = Date.parse('2026-11-26T12:00:00Z');
const HOUR = 3600 * 1000;

function entry(
  counts: Partial<Record<ImageState, number>>,
  oldestPendingSince?: string,
): OverviewEntry {
  return {
    entityRef: 'component:default/x',
    mode: 'pull-request',
    images: [],
    registries: [],
    counts: {
      'up-to-date': 0,
      'update-available': 0,
      'pr-open': 0,
      error: 0,
      pending: 0,
      ...counts,
    },
    imagesBehind: 0,
    oldestPendingSince,
    openPullRequests: [],
    errors: 0,
  };
}

const ago = (hours: number) => new Date(NOW - hours * HOUR).toISOString();

describe('summarizeOverview', () => {
  it('adds up the images of each state over all entities', () => {
    const summary = summarizeOverview(
      [
        entry({ 'up-to-date': 2, error: 1 }),
        entry({ 'up-to-date': 1, 'pr-open': 3 }),
      ],
      NOW,
    );
    expect(summary.imagesByState).toEqual([
      { state: 'error', count: 1 },
      { state: 'update-available', count: 0 },
      { state: 'pr-open', count: 3 },
      { state: 'pending', count: 0 },
      { state: 'up-to-date', count: 3 },
    ]);
  });

  it.each([
    [1, '< 1 day'],
    [23.9, '< 1 day'],
    [24, '1–7 days'],
    [6 * 24 + 23, '1–7 days'],
    [7 * 24, '1–4 weeks'],
    [28 * 24, '> 4 weeks'],
    [400 * 24, '> 4 weeks'],
  ])('puts an update pending for %p hours under "%s"', (hours, label) => {
    const summary = summarizeOverview([entry({}, ago(hours))], NOW);
    expect(
      summary.entitiesByPendingAge.filter(bucket => bucket.count > 0),
    ).toEqual([{ label, count: 1 }]);
  });

  it('leaves entities without a pending update out of the age buckets', () => {
    const summary = summarizeOverview([entry({ 'up-to-date': 1 })], NOW);
    expect(summary.entitiesByPendingAge.map(b => b.count)).toEqual([
      0, 0, 0, 0,
    ]);
  });
});
