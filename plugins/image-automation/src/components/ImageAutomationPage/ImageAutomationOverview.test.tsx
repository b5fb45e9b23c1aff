import { ConfigReader } from '@backstage/config';
import { identityApiRef } from '@backstage/core-plugin-api';
import {
  ScmIntegrationsApi,
  scmIntegrationsApiRef,
} from '@backstage/integration-react';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import {
  OverviewEntry,
  OverviewResponse,
  summarizeOverview,
} from '@image-automation/plugin-image-automation-common';
import {
  act,
  fireEvent,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import { useLocation } from 'react-router-dom';
import { ImageAutomationApi, imageAutomationApiRef } from '../../api';
import {
  mockImageAutomationApi,
  overviewEntry,
  responseError,
} from '../../testing/fixtures';
import { ImageAutomationOverview } from './ImageAutomationOverview';

const DAY = 24 * 3600 * 1000;

/** An entity in push-branch mode, whose last change is a commit on its branch. */
const PUSHED_BRANCH = overviewEntry({
  entityRef: 'component:default/web',
  mode: 'push-branch',
  repository: 'https://github.com/acme/web',
  change: {
    kind: 'branch',
    reference: '0123456',
    branch: 'image-automation/web',
    commitSha: '0123456789abcdef0123456789abcdef01234567',
  },
});
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
];

function page(
  items: OverviewEntry[],
  totalItems = items.length,
): OverviewResponse {
  const summary = summarizeOverview(items, Date.now());
  return {
    items,
    totalItems,
    offset: 0,
    limit: 20,
    summary,
    registries: ['docker.io', 'ghcr.io'],
  };
}

/** Shows the page's URL query, as a person would see it in the address bar. */
function AddressBar() {
  return <output aria-label="address">{useLocation().search}</output>;
}

async function renderOverview(api: ImageAutomationApi, url = '/') {
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [imageAutomationApiRef, api],
        [
          scmIntegrationsApiRef,
          ScmIntegrationsApi.fromConfig(
            new ConfigReader({
              integrations: { github: [{ host: 'github.com' }] },
            }),
          ),
        ],
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
      <AddressBar />
    </TestApiProvider>,
    {
      routeEntries: [url],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
}

const answering = (response: OverviewResponse) =>
  mockImageAutomationApi({ getOverview: async () => response });

const address = () => screen.getByLabelText('address').textContent;

describe('ImageAutomationOverview', () => {
  it("asks the backend for the first page of the signed-in user's entities and lists them", async () => {
    const api = answering(page(ENTRIES, 45));
    await renderOverview(api);

    expect(await screen.findByText('payments-api')).toBeInTheDocument();
    expect(api.getOverview).toHaveBeenCalledTimes(1);
    expect(api.getOverview).toHaveBeenCalledWith({
      owners: ['user:default/alice', 'group:default/team-a'],
      states: undefined,
      registries: undefined,
      text: undefined,
      sort: 'entity',
      order: 'asc',
      offset: 0,
      limit: 20,
    });
    const row = screen.getByText('checkout').closest('tr') as HTMLElement;
    expect(within(row).getByText('team-b')).toBeInTheDocument();
    expect(within(row).getByText('1 month')).toBeInTheDocument();
    expect(screen.getByRole('link', { name: /^#7/ })).toHaveAttribute(
      'href',
      'https://github.com/acme/payments/pull/7',
    );
    expect(screen.getByText(/1.20 of 45/)).toBeInTheDocument();
  });

  it("names each entity's latest change: a pushed branch by its name and commit", async () => {
    await renderOverview(answering(page([...ENTRIES, PUSHED_BRANCH])));
    const row = (await screen.findByText('web')).closest('tr') as HTMLElement;
    expect(
      within(row).getByRole('link', { name: /^image-automation\/web/ }),
    ).toHaveAttribute(
      'href',
      'https://github.com/acme/web/tree/image-automation/web',
    );
    expect(within(row).getByRole('link', { name: /^0123456/ })).toHaveAttribute(
      'href',
      'https://github.com/acme/web/commit/0123456789abcdef0123456789abcdef01234567',
    );
    expect(
      screen.getByRole('columnheader', { name: 'Latest change' }),
    ).toBeInTheDocument();
  });

  it('sends the filters to the backend and keeps them in the URL', async () => {
    const api = answering(page(ENTRIES));
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
      expect(api.getOverview).toHaveBeenLastCalledWith(
        expect.objectContaining({
          owners: undefined,
          states: ['error'],
          registries: ['docker.io'],
          offset: 0,
        }),
      ),
    );
    expect(address()).toBe('?owner=all&state=error&registry=docker.io');
  });

  it('opens a shared view from its URL', async () => {
    const api = answering(page(ENTRIES, 60));
    await renderOverview(
      api,
      '/?owner=all&state=pr-open&q=pay&sort=behind&order=desc&page=2',
    );
    await screen.findByText('payments-api');
    expect(api.getOverview).toHaveBeenCalledWith({
      owners: undefined,
      states: ['pr-open'],
      registries: undefined,
      text: 'pay',
      sort: 'behind',
      order: 'desc',
      offset: 20,
      limit: 20,
    });
    expect(screen.getByLabelText('Search')).toHaveValue('pay');
    expect(screen.getByLabelText('State')).toHaveValue('pr-open');
  });

  it('searches once typing pauses, not per keystroke', async () => {
    jest.useFakeTimers();
    try {
      const api = answering(page(ENTRIES));
      await renderOverview(api);
      await screen.findByText('payments-api');
      const search = screen.getByLabelText('Search');
      fireEvent.change(search, { target: { value: 'ng' } });
      fireEvent.change(search, { target: { value: 'nginx' } });
      await act(async () => {
        jest.advanceTimersByTime(400);
      });
      await waitFor(() =>
        expect(api.getOverview).toHaveBeenLastCalledWith(
          expect.objectContaining({ text: 'nginx', offset: 0 }),
        ),
      );
      expect(api.getOverview).toHaveBeenCalledTimes(2);
      expect(address()).toBe('?q=nginx');
    } finally {
      jest.useRealTimers();
    }
  });

  it('sorts on the server when a column header is clicked', async () => {
    const api = answering(page(ENTRIES));
    await renderOverview(api);
    await screen.findByText('payments-api');

    fireEvent.click(screen.getByRole('button', { name: 'Images behind' }));
    await waitFor(() =>
      expect(api.getOverview).toHaveBeenLastCalledWith(
        expect.objectContaining({ sort: 'behind', order: 'asc' }),
      ),
    );
    fireEvent.click(screen.getByRole('button', { name: /Images behind/ }));
    await waitFor(() =>
      expect(api.getOverview).toHaveBeenLastCalledWith(
        expect.objectContaining({ sort: 'behind', order: 'desc' }),
      ),
    );
    expect(address()).toBe('?sort=behind&order=desc');
  });

  it('pages on the server', async () => {
    const api = answering(page(ENTRIES, 45));
    await renderOverview(api);
    await screen.findByText('payments-api');
    fireEvent.click(screen.getByRole('button', { name: /next page/i }));
    await waitFor(() =>
      expect(api.getOverview).toHaveBeenLastCalledWith(
        expect.objectContaining({ offset: 20, limit: 20 }),
      ),
    );
    expect(address()).toBe('?page=2');
  });

  it("shows the backend's summary over every matching entity", async () => {
    await renderOverview(answering(page(ENTRIES)));
    await screen.findByText('payments-api');

    const byState = screen.getByRole('list', { name: 'Images by state' });
    for (const bar of [
      'Error: 1 images',
      'Update available: 1 images',
      'PR open: 1 images',
      'Waiting for first scan: 0 images',
      'Up to date: 1 images',
    ]) {
      expect(within(byState).getByLabelText(bar)).toBeInTheDocument();
    }
    const byAge = screen.getByRole('list', {
      name: 'Entities by age of their oldest pending update',
    });
    for (const bar of ['1–7 days: 1 entities', '> 4 weeks: 1 entities']) {
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
      await screen.findAllByText(/The image automation store is not ready yet/),
    ).not.toHaveLength(0);
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });
});
