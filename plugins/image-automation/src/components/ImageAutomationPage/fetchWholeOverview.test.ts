import { OverviewEntry } from '@image-automation/plugin-image-automation-common';
import { fetchWholeOverview } from './fetchWholeOverview';

function entries(count: number, from = 0): OverviewEntry[] {
  return Array.from({ length: count }, (_, i) => ({
    entityRef: `component:default/e${from + i}`,
    images: [],
    registries: [],
    counts: {
      'up-to-date': 1,
      'update-available': 0,
      'pr-open': 0,
      error: 0,
      pending: 0,
    },
    imagesBehind: 0,
    openPullRequests: [],
    errors: 0,
  }));
}

describe('fetchWholeOverview', () => {
  it('follows the pages the backend serves until it has every entry', async () => {
    // The backend caps pages at 150 whatever limit the client asks for.
    const all = entries(320);
    const getOverview = jest.fn(async ({ offset = 0 }) => ({
      items: all.slice(offset, offset + 150),
      totalItems: all.length,
      offset,
      limit: 150,
    }));
    const result = await fetchWholeOverview(
      { getOverview },
      { states: ['error'] },
    );
    expect(result.map(e => e.entityRef)).toEqual(all.map(e => e.entityRef));
    expect(getOverview.mock.calls.map(([q]) => q.offset)).toEqual([
      0, 150, 300,
    ]);
    expect(getOverview.mock.calls[0][0].states).toEqual(['error']);
  });

  it('stops at an empty page even if the total promised more', async () => {
    const getOverview = jest.fn(async ({ offset = 0 }) => ({
      items: offset === 0 ? entries(2) : [],
      totalItems: 10,
      offset,
      limit: 200,
    }));
    await expect(fetchWholeOverview({ getOverview }, {})).resolves.toHaveLength(
      2,
    );
    expect(getOverview).toHaveBeenCalledTimes(2);
  });
});
