import { Entity } from '@backstage/catalog-model';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { EntityImageAutomation } from '@image-automation/plugin-image-automation-common';
import {
  act,
  fireEvent,
  screen,
  waitFor,
  within,
} from '@testing-library/react';
import { ImageAutomationApi, imageAutomationApiRef } from '../../api';
import {
  AUTOMATED_ENTITY,
  automation,
  ENTITY_REF,
  entityWith,
  image,
  mockImageAutomationApi,
  responseError,
} from '../../testing/fixtures';
import { EntityImageAutomationCard } from './EntityImageAutomationCard';

async function renderCard(options: {
  api: ImageAutomationApi;
  entity?: Entity;
}) {
  const { api, entity = AUTOMATED_ENTITY } = options;
  return renderInTestApp(
    <TestApiProvider
      apis={[
        [imageAutomationApiRef, api],
        [permissionApiRef, mockApis.permission()],
      ]}
    >
      <EntityProvider entity={entity}>
        <EntityImageAutomationCard />
      </EntityProvider>
    </TestApiProvider>,
  );
}

const answering = (result: EntityImageAutomation) =>
  mockImageAutomationApi({ getEntity: async () => result });

/** The table row of the image named `name`. */
async function rowOf(name: string) {
  const cell = await screen.findByText(name);
  return cell.closest('tr') as HTMLElement;
}

describe('EntityImageAutomationCard', () => {
  let consoleError: jest.SpyInstance;
  beforeEach(() => {
    consoleError = jest.spyOn(console, 'error');
  });
  afterEach(() => {
    // React reports invalid DOM nesting (a <pre> inside a <p>) on console.error.
    const nestingWarnings = consoleError.mock.calls.filter(([format]) =>
      String(format).includes('validateDOMNesting'),
    );
    // eslint-disable-next-line jest/no-standalone-expect -- checked after every test
    expect(nestingWarnings).toEqual([]);
    consoleError.mockRestore();
  });

  it('shows an up-to-date image with its tag, source, policy and last check', async () => {
    const api = answering(automation({}));
    await renderCard({ api });

    const row = await rowOf('ghcr.io/acme/payments-api');
    expect(within(row).getAllByText('1.4.2')).toHaveLength(2);
    expect(
      within(row).getByText('deploy/prod/deployment.yaml:21'),
    ).toBeInTheDocument();
    expect(within(row).getByText('semver >=1.4.0 <2.0.0')).toBeInTheDocument();
    expect(within(row).getByText('Up to date')).toBeInTheDocument();
    expect(within(row).getByText('none')).toBeInTheDocument();
    const lastChecked = within(row).getByText('5 minutes ago');
    expect(lastChecked.tagName).toBe('TIME');
    expect(lastChecked).toHaveAttribute('title', expect.stringMatching(/\d{4}/));
    expect(api.getEntity).toHaveBeenCalledWith(ENTITY_REF);
    expect(
      screen.getByText(/Updates through pull requests to https:\/\/github.com\/acme\/payments/),
    ).toBeInTheDocument();
  });

  it('shows an available update and how many versions behind it is', async () => {
    await renderCard({
      api: answering(
        automation({
          images: [
            image({
              state: 'update-available',
              latestTag: '1.6.0',
              versionsBehind: 3,
              message: 'Held back by minimumAge 2h: 1.7.0',
            }),
          ],
        }),
      ),
    });
    const row = await rowOf('ghcr.io/acme/payments-api');
    expect(within(row).getByText('Update available')).toBeInTheDocument();
    expect(within(row).getByText('1.6.0')).toBeInTheDocument();
    expect(within(row).getByText('3 versions')).toBeInTheDocument();
    expect(
      within(row).getByText('Held back by minimumAge 2h: 1.7.0'),
    ).toBeInTheDocument();
  });

  it('links the open pull request', async () => {
    await renderCard({
      api: answering(
        automation({
          images: [
            image({
              state: 'pr-open',
              latestTag: '1.6.0',
              versionsBehind: 1,
              pullRequest: {
                number: 42,
                url: 'https://github.com/acme/payments/pull/42',
                state: 'open',
                branch: 'image-automation/payments-api',
              },
            }),
          ],
        }),
      ),
    });
    const link = await screen.findByRole('link', { name: /PR open #42/ });
    expect(link).toHaveAttribute(
      'href',
      'https://github.com/acme/payments/pull/42',
    );
  });

  it("shows an image's error in the backend's words, right under its row", async () => {
    const message =
      'registry ghcr.io denied access: add a token for ghcr.io under imageAutomation.registries';
    await renderCard({
      api: answering(
        automation({
          images: [
            image({
              state: 'error',
              latestTag: undefined,
              versionsBehind: undefined,
              error: { kind: 'registry-auth', message },
            }),
            image({ name: 'worker', image: 'ghcr.io/acme/worker' }),
          ],
        }),
      ),
    });
    const row = await rowOf('ghcr.io/acme/payments-api');
    expect(within(row).getByText('Error')).toBeInTheDocument();
    const alert = screen.getByRole('alert');
    expect(alert).toHaveTextContent(message);
    expect(alert.closest('tr')?.previousElementSibling).toBe(row);
  });

  it('shows an image still waiting for its first scan', async () => {
    await renderCard({
      api: answering(
        automation({
          images: [
            image({
              state: 'pending',
              currentTag: undefined,
              currentSource: undefined,
              latestTag: undefined,
              versionsBehind: undefined,
              lastScanAt: undefined,
            }),
          ],
        }),
      ),
    });
    const row = await rowOf('ghcr.io/acme/payments-api');
    expect(within(row).getByText('Waiting for first scan')).toBeInTheDocument();
    expect(within(row).getByText('never')).toBeInTheDocument();
  });

  it('lists configuration problems with the key at fault and an example', async () => {
    await renderCard({
      api: answering(
        automation({
          images: [],
          configProblems: [
            {
              key: 'image-automation/policy',
              message: 'unknown policy "latest": use semver, alphabetical or numerical',
              example: 'image-automation/policy: "semver: >=1.0.0"',
            },
          ],
        }),
      ),
    });
    const problems = await screen.findByRole('region', {
      name: 'configuration problems',
    });
    expect(within(problems).getByText('image-automation/policy')).toBeInTheDocument();
    expect(
      within(problems).getByText(/unknown policy "latest"/),
    ).toBeInTheDocument();
    expect(
      within(problems).getByText('image-automation/policy: "semver: >=1.0.0"'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it('shows the setup guide, without asking the backend, for an entity without annotations', async () => {
    const api = mockImageAutomationApi({});
    await renderCard({ api, entity: entityWith({}) });
    expect(
      screen.getByText('No image automation for this entity'),
    ).toBeInTheDocument();
    expect(
      screen.getByText(/image-automation\/image: ghcr.io\/acme\/payments-api/),
    ).toBeInTheDocument();
    expect(api.getEntity).not.toHaveBeenCalled();
    expect(
      screen.queryByRole('button', { name: /check now/i }),
    ).not.toBeInTheDocument();
  });

  it('says the entity waits for its first scan when the backend does not know it yet', async () => {
    const notFound = await responseError(
      404,
      'NotFoundError',
      'No image automation status for component:default/payments-api',
    );
    await renderCard({
      api: mockImageAutomationApi({
        getEntity: async () => {
          throw notFound;
        },
      }),
    });
    expect(
      await screen.findByText(/Waiting for the first scan/),
    ).toBeInTheDocument();
    expect(await screen.findByRole('button', { name: /check now/i })).toBeEnabled();
  });

  it('shows any other API error in a ResponseErrorPanel', async () => {
    const forbidden = await responseError(
      500,
      'Error',
      'database is not reachable',
    );
    await renderCard({
      api: mockImageAutomationApi({
        getEntity: async () => {
          throw forbidden;
        },
      }),
    });
    expect(
      await screen.findByText('Error: database is not reachable'),
    ).toBeInTheDocument();
    expect(screen.queryByText(/Waiting for the first scan/)).toBeNull();
  });

  it('hides Check now from users without the refresh permission', async () => {
    // usePermission caches answers per entity ref for the whole test file, so
    // this test asks about an entity no other test has.
    const locked = entityWith({ 'image-automation/image': 'ghcr.io/acme/locked' });
    locked.metadata.name = 'locked';
    const permissionApi = mockApis.permission.mock({
      authorize: async () => ({ result: AuthorizeResult.DENY }),
    });
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [imageAutomationApiRef, answering(automation({}))],
          [permissionApiRef, permissionApi],
        ]}
      >
        <EntityProvider entity={locked}>
          <EntityImageAutomationCard />
        </EntityProvider>
      </TestApiProvider>,
    );
    await rowOf('ghcr.io/acme/payments-api');
    await waitFor(() =>
      expect(permissionApi.authorize).toHaveBeenCalledWith(
        expect.objectContaining({ resourceRef: 'component:default/locked' }),
      ),
    );
    // Let the denial reach the card before looking for the button.
    await act(() => permissionApi.authorize.mock.results[0].value);
    expect(
      screen.queryByRole('button', { name: /check now/i }),
    ).not.toBeInTheDocument();
  });

  it('checks now: shows progress, then the fresh result', async () => {
    let answerRefresh: (result: EntityImageAutomation) => void = () => {};
    const api = mockImageAutomationApi({
      getEntity: async () => automation({}),
      refreshEntity: () =>
        new Promise(resolve => {
          answerRefresh = resolve;
        }),
    });
    await renderCard({ api });
    await rowOf('ghcr.io/acme/payments-api');

    fireEvent.click(await screen.findByRole('button', { name: /check now/i }));
    const button = await screen.findByRole('button', { name: /checking/i });
    expect(button).toBeDisabled();
    expect(api.refreshEntity).toHaveBeenCalledWith(ENTITY_REF);

    answerRefresh(
      automation({
        images: [
          image({ state: 'update-available', latestTag: '1.5.0', versionsBehind: 1 }),
        ],
      }),
    );
    expect(await screen.findByText('Update available')).toBeInTheDocument();
    expect(screen.getByText('1.5.0')).toBeInTheDocument();
    expect(await screen.findByRole('button', { name: /check now/i })).toBeEnabled();
  });

  it('says so when Check now fails, and keeps the last result', async () => {
    const forbidden = await responseError(
      403,
      'NotAllowedError',
      'You may not refresh component:default/payments-api',
    );
    await renderCard({
      api: mockImageAutomationApi({
        getEntity: async () => automation({}),
        refreshEntity: async () => {
          throw forbidden;
        },
      }),
    });
    await rowOf('ghcr.io/acme/payments-api');
    fireEvent.click(await screen.findByRole('button', { name: /check now/i }));
    expect(
      await screen.findByText('Error: The check failed'),
    ).toBeInTheDocument();
    expect(
      screen.getByText('You may not refresh component:default/payments-api'),
    ).toBeVisible();
    expect(screen.getByText('Up to date')).toBeInTheDocument();
  });
});
