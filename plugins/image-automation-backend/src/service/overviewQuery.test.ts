import { OverviewEntry } from '@image-automation/plugin-image-automation-common';
import {
  compareOverviewEntries,
  matchesOverviewFilters,
  OverviewFilters,
} from './overviewQuery';

function entry(overrides: Partial<OverviewEntry>): OverviewEntry {
  return {
    entityRef: 'component:default/x',
    mode: 'pull-request',
    images: ['ghcr.io/acme/x'],
    registries: ['ghcr.io'],
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
    ...overrides,
  };
}

const none: OverviewFilters = {
  owners: [],
  states: [],
  registries: [],
  text: '',
};

describe('matchesOverviewFilters', () => {
  const payments = entry({
    entityRef: 'component:default/payments-api',
    title: 'Payments API',
    owner: 'group:default/team-a',
    system: 'system:default/billing',
    images: ['docker.io/library/nginx', 'ghcr.io/acme/payments'],
    registries: ['docker.io', 'ghcr.io'],
    counts: {
      'up-to-date': 1,
      'update-available': 0,
      'pr-open': 0,
      error: 1,
      pending: 0,
    },
  });

  it.each<[string, Partial<OverviewFilters>, boolean]>([
    ['no filter', {}, true],
    ['its owner, in any case', { owners: ['Group:Default/Team-A'] }, true],
    ['another owner', { owners: ['group:default/team-b'] }, false],
    ['one of its states', { states: ['pr-open', 'error'] }, true],
    ['a state none of its images is in', { states: ['pending'] }, false],
    ['one of its registries', { registries: ['docker.io'] }, true],
    ['another registry', { registries: ['quay.io'] }, false],
    ['words from the title and an image', { text: 'payments NGINX' }, true],
    ['the system', { text: 'billing' }, true],
    ['a word it lacks', { text: 'payments checkout' }, false],
  ])('%s', (_, filters, expected) => {
    expect(matchesOverviewFilters(payments, { ...none, ...filters })).toBe(
      expected,
    );
  });

  it('has no owner to match when the entity names none', () => {
    expect(
      matchesOverviewFilters(entry({}), {
        ...none,
        owners: ['group:default/a'],
      }),
    ).toBe(false);
  });

  it('can leave the registry filter out, for the registry picker', () => {
    expect(
      matchesOverviewFilters(
        payments,
        { ...none, registries: ['quay.io'] },
        { registries: true },
      ),
    ).toBe(true);
  });
});

describe('compareOverviewEntries', () => {
  const a = entry({
    entityRef: 'component:default/a',
    imagesBehind: 2,
    oldestPendingSince: '2026-11-01T00:00:00Z',
    lastCheckedAt: '2026-11-26T00:00:00Z',
  });
  const b = entry({
    entityRef: 'component:default/b',
    imagesBehind: 5,
    oldestPendingSince: '2026-10-01T00:00:00Z',
  });
  const c = entry({
    entityRef: 'component:default/c',
    imagesBehind: 2,
    lastCheckedAt: '2026-11-20T00:00:00Z',
  });
  const refs = (entries: OverviewEntry[]) =>
    entries.map(e => e.entityRef.slice(-1));

  it('sorts by images behind, ties by entity ref', () => {
    expect(
      refs([c, b, a].sort(compareOverviewEntries('behind', 'desc'))),
    ).toEqual(['b', 'a', 'c']);
    expect(
      refs([c, b, a].sort(compareOverviewEntries('behind', 'asc'))),
    ).toEqual(['a', 'c', 'b']);
  });

  it('puts the longest wait first, and entries without one last in both directions', () => {
    expect(
      refs([c, a, b].sort(compareOverviewEntries('pending', 'asc'))),
    ).toEqual(['b', 'a', 'c']);
    expect(
      refs([c, a, b].sort(compareOverviewEntries('pending', 'desc'))),
    ).toEqual(['a', 'b', 'c']);
  });

  it('sorts by last check', () => {
    expect(
      refs([a, b, c].sort(compareOverviewEntries('checked', 'desc'))),
    ).toEqual(['a', 'c', 'b']);
  });
});
