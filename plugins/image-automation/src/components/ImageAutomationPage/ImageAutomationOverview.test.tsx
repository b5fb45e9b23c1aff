import { identityApiRef } from '@backstage/core-plugin-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { OverviewEntry } from '@image-automation/plugin-image-automation-common';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { ImageAutomationApi, imageAutomationApiRef } from '../../api';
import {
  mockImageAutomationApi,
  overviewEntry,
  responseError,
} from '../../testing/fixtures';
import { ImageAutomationOverview } from './ImageAutomationOverview';

const DAY = 24 * 3600 * 1000;
const daysAgo = (days: number) =>
  new Date(Date.now() - days * DAY).toISOString();

const ENTRIES: OverviewEntry[] = [
  overviewEntry({
    entityRef: 'component:default/payments-api',
    owner: 'group:default/team-a',
    imagesBehind: 1,
    oldestPendingSince: daysAgo(3),
    openPullRequests: [
      {
        number: 7,
        url: 'https://github.com/acme/payments/pull/7',
        state: 'open',
        branch: 'image-automation/payments-api',
      },
    ],
    counts: { 'pr-open': 1, 'up-to-date': 1 },
  }),
  overviewEntry({
    entityRef: 'component:default/checkout',
    owner: 'group:default/team-b',
    registries: ['docker.io'],
    imagesBehind: 2,
    oldestPendingSince: daysAgo(40),
    errors: 1,
    counts: { 'update-available': 1, error: 1 },
  }),
  overviewEntry({
    entityRef: 'component:default/cache',
    owner: 'group:default/team-a',
    imagesBehind: 0,
    counts: { 'up-to-date': 2 },
  }),
];

async function renderOverview(api: ImageAutomationApi) {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [imageAutomationApiRef, api],
        [
          identityApiRef,
          mockApis.identity({
            userEntityRef: 'user:default/alice',
            ownershipEntityRefs: ['user:default/alice', 'group:default/team-a'],
          }),
        ],
      ]}
    >
      <ImageAutomationOverview />
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

const answering = (items: OverviewEntry[]) =>
  mockImageAutomationApi({
    getOverview: async () => ({
      items,
      totalItems: items.length,
      offset: 0,
      limit: 200,
    }),
  });

/** The entity names of the table's rows, top to bottom. */
function entityColumn(): string[] {
  const table = screen.getByRole('table');
  return within(table)
    .getAllByRole('row')
    .slice(1)
    .map(row => within(row).getAllByRole('cell')[0].textContent ?? '');
}

/** The header's sort control of a column. */
function sortButton(column: string): HTMLElement {
  const [button] = screen
    .getAllByRole('button', { name: column })
    .filter(element => element.classList.contains('MuiTableSortLabel-root'));
  return button;
}

describe('ImageAutomationOverview', () => {
  it("starts with the signed-in user's entities and lists them with owner, PRs and errors", async () => {
    const api = answering(ENTRIES);
    await renderOverview(api);

    expect(await screen.findByText('payments-api')).toBeInTheDocument();
    expect(api.getOverview).toHaveBeenCalledWith({
      owners: ['user:default/alice', 'group:default/team-a'],
      states: undefined,
      registries: undefined,
      offset: 0,
      limit: 200,
    });
    const row = screen.getByText('checkout').closest('tr') as HTMLElement;
    expect(within(row).getByText('team-b')).toBeInTheDocument();
    expect(within(row).getByText('1 month')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: /^#7/ })).toHaveAttribute(
      'href',
      'https://github.com/acme/payments/pull/7',
    );
  });

  it('asks for every owner, a state and a registry when the filters say so', async () => {
    const api = answering(ENTRIES);
    await renderOverview(api);
    await screen.findByText('payments-api');

    fireEvent.change(screen.getByLabelText('Owner'), {
      target: { value: 'all' },
    });
    fireEvent.change(screen.getByLabelText('State'), {
      target: { value: 'error' },
    });
    fireEvent.change(screen.getByLabelText('Registry'), {
      target: { value: 'docker.io' },
    });

    await waitFor(() =>
      expect(api.getOverview).toHaveBeenLastCalledWith({
        owners: undefined,
        states: ['error'],
        registries: ['docker.io'],
        offset: 0,
        limit: 200,
      }),
    );
  });

  it('sorts by images behind when the column header is clicked', async () => {
    await renderOverview(answering(ENTRIES));
    await screen.findByText('payments-api');
    expect(entityColumn()).toEqual(['payments-api', 'checkout', 'cache']);

    fireEvent.click(sortButton('Images behind'));
    expect(entityColumn()).toEqual(['cache', 'payments-api', 'checkout']);
    fireEvent.click(sortButton('Images behind'));
    expect(entityColumn()).toEqual(['checkout', 'payments-api', 'cache']);
  });

  it('sums the images by state and the entities by age of their oldest pending update', async () => {
    await renderOverview(answering(ENTRIES));
    await screen.findByText('payments-api');

    const byState = screen.getByRole('list', { name: 'Images by state' });
    for (const bar of [
      'Error: 1 images',
      'Update available: 1 images',
      'PR open: 1 images',
      'Waiting for first scan: 0 images',
      'Up to date: 3 images',
    ]) {
      expect(within(byState).getByLabelText(bar)).toBeInTheDocument();
    }
    const byAge = screen.getByRole('list', {
      name: 'Entities by age of their oldest pending update',
    });
    for (const bar of [
      '< 1 day: 0 entities',
      '1–7 days: 1 entities',
      '1–4 weeks: 0 entities',
      '> 4 weeks: 1 entities',
    ]) {
      expect(within(byAge).getByLabelText(bar)).toBeInTheDocument();
    }
  });

  it("shows the backend's error instead of the table", async () => {
    const failure = await responseError(
      503,
      'ServiceUnavailableError',
      'The image automation store is not ready yet',
    );
    await renderOverview(
      mockImageAutomationApi({
        getOverview: async () => {
          throw failure;
        },
      }),
    );
    expect(
      await screen.findByText(
        'Error: The image automation store is not ready yet',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });
});
