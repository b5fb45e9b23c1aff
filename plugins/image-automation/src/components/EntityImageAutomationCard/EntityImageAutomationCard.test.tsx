import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { alertApiRef } from '@backstage/core-plugin-api';
import {
  ScmIntegrationsApi,
  scmIntegrationsApiRef,
} from '@backstage/integration-react';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import { signalApiRef } from '@backstage/plugin-signals-react';
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
  reportElementWidth,
  responseError,
} from '../../testing/fixtures';
import { EntityImageAutomationCard } from './EntityImageAutomationCard';

const integrations = ScmIntegrationsApi.fromConfig(
  new ConfigReader({
    integrations: {
      github: [{ host: 'github.com' }],
      gitlab: [
        {
          host: 'gitlab.example.com',
          apiBaseUrl: 'https://gitlab.example.com/api/v4',
        },
      ],
    },
  }),
);
const SHA = '0123456789abcdef0123456789abcdef01234567';

/** usePermission caches answers per entity ref for the whole file: each permission test uses its own entity. */
let entityCounter = 0;
function ownEntity(): Entity {
  const entity = entityWith({ ...AUTOMATED_ENTITY.metadata.annotations });
  entity.metadata.name = `entity-${++entityCounter}`;
  return entity;
}

async function renderCard(options: {
  api: ImageAutomationApi;
  entity?: Entity;
  permission?: 'allow' | 'deny' | 'never-answers';
}) {
  const { api, entity = AUTOMATED_ENTITY, permission = 'allow' } = options;
  const alertApi = { post: jest.fn(), alert$: jest.fn() };
  const subscribers = new Map<string, (message: object) => void>();
  const signalApi = {
    subscribe: jest.fn((channel: string, onMessage: (m: object) => void) => {
      subscribers.set(channel, onMessage);
      return { unsubscribe: () => subscribers.delete(channel) };
    }),
  };
  const permissionApi = mockApis.permission.mock({
    authorize: async () => {
      if (permission === 'never-answers') return new Promise(() => {});
      return {
        result:
          permission === 'allow' ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
      };
    },
  });
  const rendered = await renderInTestApp(
    <TestApiProvider
      apis={[
        [imageAutomationApiRef, api],
        [permissionApiRef, permissionApi],
        [scmIntegrationsApiRef, integrations],
        [alertApiRef, alertApi],
        [signalApiRef, signalApi],
      ]}
    >
      <EntityProvider entity={entity}>
        <EntityImageAutomationCard />
      </EntityProvider>
    </TestApiProvider>,
  );
  /** What the signals backend does when the entity's status changed. */
  const signal = (channel: string) =>
    act(() => subscribers.get(channel)?.({ entityRef: 'x' }));
  return { ...rendered, alertApi, permissionApi, signal };
}

const answering = (result: EntityImageAutomation) =>
  mockImageAutomationApi({ getEntity: async () => result });

/** The table row of the image named `name`. */
async function rowOf(name: string) {
  const cell = await screen.findByText(name);
  return cell.closest('tr') as HTMLElement;
}

function columnHeaders() {
  return within(screen.getByRole('table', { name: 'images' }))
    .getAllByRole('columnheader')
    .map(header => header.textContent);
}

async function expand(name: string) {
  fireEvent.click(
    await screen.findByRole('button', { name: `Details of ${name}` }),
  );
}

describe('EntityImageAutomationCard', () => {
  let consoleError: jest.SpyInstance;
  let restoreWidth: (() => void) | undefined;
  beforeEach(() => {
    consoleError = jest.spyOn(console, 'error');
  });
  afterEach(() => {
    restoreWidth?.();
    restoreWidth = undefined;
    // React reports invalid DOM nesting (a <pre> inside a <p>) on console.error.
    const nestingWarnings = consoleError.mock.calls.filter(([format]) =>
      String(format).includes('validateDOMNesting'),
    );
    // eslint-disable-next-line jest/no-standalone-expect -- checked after every test
    expect(nestingWarnings).toEqual([]);
    consoleError.mockRestore();
  });

  describe('at half width (md=6)', () => {
    it('shows one row per image with the essentials, and two columns only', async () => {
      restoreWidth = reportElementWidth(520);
      const api = answering(automation({}));
      await renderCard({ api });

      const row = await rowOf('ghcr.io/acme/payments-api');
      expect(columnHeaders()).toEqual(['Image', 'State', 'Details']);
      expect(within(row).getByText('1.4.2')).toBeInTheDocument();
      expect(within(row).getByText('Up to date')).toBeInTheDocument();
      expect(within(row).queryByText('semver >=1.4.0 <2.0.0')).toBeNull();
      expect(api.getEntity).toHaveBeenCalledWith(ENTITY_REF);
    });

    it('lets an image path wrap only after a slash, never mid-word', async () => {
      await renderCard({
        api: answering(
          automation({
            images: [
              image({ image: 'docker.io/library/nginx', name: 'nginx' }),
            ],
          }),
        ),
      });
      const name = (await screen.findByText(/docker\.io/)).closest('p')!;
      expect(name.innerHTML).toBe('docker.io/<wbr>library/<wbr>nginx');
    });

    it('shows the tag moving and how far behind it is, with the details on expand', async () => {
      await renderCard({
        api: answering(
          automation({
            images: [
              image({
                state: 'update-available',
                latestTag: '1.6.0',
                versionsBehind: 3,
                pendingSince: new Date(
                  Date.now() - 3 * 24 * 3600_000,
                ).toISOString(),
                message: 'Held back by minimumAge 2h: 1.7.0',
              }),
            ],
          }),
        ),
      });
      const row = await rowOf('ghcr.io/acme/payments-api');
      expect(within(row).getByText('1.4.2 → 1.6.0')).toBeInTheDocument();
      expect(within(row).getByText('3 versions behind')).toBeInTheDocument();
      expect(
        screen.queryByText('Held back by minimumAge 2h: 1.7.0'),
      ).toBeNull();

      await expand('payments-api');
      const details = screen.getByRole('button', {
        name: 'Details of payments-api',
      });
      expect(details).toHaveAttribute('aria-expanded', 'true');
      expect(screen.getByText('semver >=1.4.0 <2.0.0')).toBeInTheDocument();
      expect(
        screen.getByText('Held back by minimumAge 2h: 1.7.0'),
      ).toBeInTheDocument();
      expect(screen.getByText('3 days')).toBeInTheDocument();
    });
  });

  describe('at full width', () => {
    it('gives tags, policy and distance columns of their own', async () => {
      restoreWidth = reportElementWidth(1100);
      await renderCard({
        api: answering(
          automation({
            images: [
              image({
                state: 'update-available',
                latestTag: '1.6.0',
                versionsBehind: 3,
              }),
            ],
          }),
        ),
      });
      const row = await rowOf('ghcr.io/acme/payments-api');
      expect(columnHeaders()).toEqual([
        'Image',
        'Current tag',
        'Latest allowed',
        'Policy',
        'State',
        'Behind',
        'Details',
      ]);
      expect(within(row).getByText('1.4.2')).toBeInTheDocument();
      expect(within(row).getByText('1.6.0')).toBeInTheDocument();
      expect(
        within(row).getByText('semver >=1.4.0 <2.0.0'),
      ).toBeInTheDocument();
      expect(within(row).getByText('3 versions')).toBeInTheDocument();
    });
  });

  it('shows one checked time: the entity check, in the subheader', async () => {
    await renderCard({
      api: answering(
        automation({
          lastCheckedAt: new Date(Date.now() - 2 * 60_000).toISOString(),
        }),
      ),
    });
    await rowOf('ghcr.io/acme/payments-api');
    expect(screen.getAllByText(/checked/i)).toHaveLength(1);
    const checked = screen.getByText('2 minutes ago');
    expect(checked.tagName).toBe('TIME');
    expect(checked).toHaveAttribute('title', expect.stringMatching(/\d{4}/));
  });

  it('links the repository and the file:line the tag was read from through the SCM integrations', async () => {
    await renderCard({ api: answering(automation({})) });
    expect(
      await screen.findByRole('link', {
        name: /^https:\/\/github.com\/acme\/payments/,
      }),
    ).toHaveAttribute('href', 'https://github.com/acme/payments');
    await expand('payments-api');
    expect(
      screen.getByRole('link', { name: /^deploy\/prod\/deployment.yaml:21/ }),
    ).toHaveAttribute(
      'href',
      'https://github.com/acme/payments/tree/HEAD/deploy/prod/deployment.yaml#L21',
    );
  });

  it('leaves the repository as text on a host no integration knows', async () => {
    await renderCard({
      api: answering(
        automation({
          repository: 'https://git.internal.example/acme/payments',
        }),
      ),
    });
    expect(
      await screen.findByText(/git\.internal\.example/),
    ).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: /git\.internal/ })).toBeNull();
    await expand('payments-api');
    expect(
      screen.getByText('deploy/prod/deployment.yaml:21').closest('a'),
    ).toBeNull();
  });

  it('links the open pull request from the state', async () => {
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

  it('links an open GitLab merge request as GitLab names it: !12', async () => {
    await renderCard({
      api: answering(
        automation({
          repository: 'https://gitlab.example.com/acme/payments',
          gitHost: 'gitlab',
          images: [
            image({
              state: 'pr-open',
              latestTag: '1.6.0',
              versionsBehind: 1,
              change: {
                kind: 'merge-request',
                reference: '!12',
                url: 'https://gitlab.example.com/acme/payments/-/merge_requests/12',
                branch: 'image-automation/payments-api',
                commitSha: SHA,
                number: 12,
                state: 'open',
                tag: '1.6.0',
              },
            }),
          ],
        }),
      ),
    });
    const chip = await screen.findByRole('link', { name: /^MR open !12/ });
    expect(chip).toHaveAttribute(
      'href',
      'https://gitlab.example.com/acme/payments/-/merge_requests/12',
    );
    await expand('payments-api');
    expect(screen.getByText('Merge request')).toBeInTheDocument();
    const details = screen.getByRole('link', { name: /^!12 \(open\)/ });
    expect(details).toHaveAttribute(
      'href',
      'https://gitlab.example.com/acme/payments/-/merge_requests/12',
    );
    expect(details.parentElement).toHaveTextContent(/\(1\.6\.0\)$/);
  });

  it('names a push-branch change by its branch and commit, linked through the SCM integrations', async () => {
    await renderCard({
      api: answering(
        automation({
          mode: 'push-branch',
          images: [
            image({
              state: 'update-available',
              latestTag: '1.6.0',
              change: {
                kind: 'branch',
                reference: '0123456',
                branch: 'image-automation/payments-api',
                commitSha: SHA,
                tag: '1.6.0',
              },
            }),
          ],
        }),
      ),
    });
    await expand('payments-api');
    expect(screen.getByText('Branch')).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: /^image-automation\/payments-api/ }),
    ).toHaveAttribute(
      'href',
      'https://github.com/acme/payments/tree/image-automation/payments-api',
    );
    expect(screen.getByRole('link', { name: /^0123456/ })).toHaveAttribute(
      'href',
      `https://github.com/acme/payments/commit/${SHA}`,
    );
  });

  it('names a push on a plain Git server by its commit and branch, as text', async () => {
    await renderCard({
      api: answering(
        automation({
          mode: 'push',
          repository: 'ssh://git@git.internal:2222/team/payments.git',
          gitHost: 'git',
          images: [
            image({
              change: {
                kind: 'commit',
                reference: '0123456',
                branch: 'main',
                commitSha: SHA,
                tag: '1.4.2',
              },
            }),
          ],
        }),
      ),
    });
    await expand('payments-api');
    expect(screen.getByText('Commit')).toBeInTheDocument();
    expect(screen.getByTitle(SHA)).toHaveTextContent('0123456');
    expect(screen.getByText('main')).toBeInTheDocument();
    expect(screen.queryByRole('link', { name: /^0123456/ })).toBeNull();
  });

  it.each(['merged', 'closed'] as const)(
    'keeps the link of a %s pull request',
    async state => {
      await renderCard({
        api: answering(
          automation({
            images: [
              image({
                pullRequest: {
                  number: 41,
                  url: 'https://github.com/acme/payments/pull/41',
                  state,
                  branch: 'image-automation/payments-api',
                },
              }),
            ],
          }),
        ),
      });
      await expand('payments-api');
      expect(
        screen.getByRole('link', { name: new RegExp(`^#41 \\(${state}\\)`) }),
      ).toHaveAttribute('href', 'https://github.com/acme/payments/pull/41');
    },
  );

  it("shows an image's error in the backend's words in its row, without an alert per row", async () => {
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
            image({
              name: 'worker',
              image: 'ghcr.io/acme/worker',
              state: 'error',
              error: { kind: 'registry-auth', message: 'worker failed too' },
            }),
          ],
        }),
      ),
    });
    const row = await rowOf('ghcr.io/acme/payments-api');
    expect(within(row).getByText('Error')).toBeInTheDocument();
    expect(within(row).getByText(message)).toBeInTheDocument();
    expect(screen.queryAllByRole('alert')).toEqual([]);
    // One live region for the whole card, silent on the first load.
    const status = screen.getAllByRole('status');
    expect(status).toHaveLength(1);
    expect(status[0]).toHaveTextContent('');
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
    expect(within(row).getByText('no tag read yet')).toBeInTheDocument();
    await expand('payments-api');
    expect(screen.getByText('not yet')).toBeInTheDocument();
  });

  it('lists configuration problems with the key at fault and an example', async () => {
    await renderCard({
      api: answering(
        automation({
          images: [],
          configProblems: [
            {
              key: 'image-automation/policy',
              message:
                'unknown policy "latest": use semver, alphabetical or numerical',
              example: 'image-automation/policy: "semver: >=1.0.0"',
            },
          ],
        }),
      ),
    });
    const problems = await screen.findByRole('region', {
      name: 'configuration problems',
    });
    expect(
      within(problems).getByText('image-automation/policy'),
    ).toBeInTheDocument();
    expect(
      within(problems).getByText(/unknown policy "latest"/),
    ).toBeInTheDocument();
    expect(
      within(problems).getByText('image-automation/policy: "semver: >=1.0.0"'),
    ).toBeInTheDocument();
    expect(screen.queryByRole('table')).not.toBeInTheDocument();
  });

  it('shows the empty state of an entity whose annotations name no image', async () => {
    await renderCard({ api: answering(automation({ images: [] })) });
    expect(await screen.findByText('No images named')).toBeInTheDocument();
  });

  it('shows the missing-annotation state, without asking the backend, for an entity without annotations', async () => {
    const api = mockImageAutomationApi({});
    await renderCard({ api, entity: entityWith({}) });
    expect(screen.getByText(/Missing Annotation/i)).toBeInTheDocument();
    expect(
      screen.getAllByText(/image-automation\/image/).length,
    ).toBeGreaterThan(0);
    expect(api.getEntity).not.toHaveBeenCalled();
    expect(
      screen.queryByRole('button', { name: /check now/i }),
    ).not.toBeInTheDocument();
  });

  it('reports a misspelt annotation, the only one of its entity, with the key it was meant to be', async () => {
    const api = mockImageAutomationApi({});
    await renderCard({
      api,
      entity: entityWith({
        'image-automation/imgae': 'ghcr.io/acme/payments-api',
      }),
    });
    const problems = screen.getByRole('region', {
      name: 'configuration problems',
    });
    expect(
      within(problems).getByText('image-automation/imgae'),
    ).toBeInTheDocument();
    expect(
      within(problems).getByText(/did you mean image-automation\/image\?/),
    ).toBeInTheDocument();
    expect(api.getEntity).not.toHaveBeenCalled();
  });

  it('says the entity waits for its first scan, and that Check now is there when allowed', async () => {
    const notFound = await responseError(
      404,
      'NotFoundError',
      'not checked yet',
    );
    await renderCard({
      entity: ownEntity(),
      api: mockImageAutomationApi({
        getEntity: async () => {
          throw notFound;
        },
      }),
    });
    expect(
      await screen.findByText('Waiting for the first scan'),
    ).toBeInTheDocument();
    expect(
      await screen.findByRole('button', { name: /check now/i }),
    ).toBeEnabled();
    expect(screen.getByText(/press Check now/)).toBeInTheDocument();
  });

  it('does not tell someone who may not check to press Check now', async () => {
    const notFound = await responseError(
      404,
      'NotFoundError',
      'not checked yet',
    );
    const { permissionApi } = await renderCard({
      entity: ownEntity(),
      permission: 'deny',
      api: mockImageAutomationApi({
        getEntity: async () => {
          throw notFound;
        },
      }),
    });
    expect(
      await screen.findByText('Waiting for the first scan'),
    ).toBeInTheDocument();
    await waitFor(() => expect(permissionApi.authorize).toHaveBeenCalled());
    await waitFor(() =>
      expect(screen.getByRole('button', { name: /check now/i })).toBeDisabled(),
    );
    expect(screen.queryByText(/press Check now/)).toBeNull();
  });

  it('shows any other API error in a ResponseErrorPanel', async () => {
    const failed = await responseError(
      500,
      'Error',
      'database is not reachable',
    );
    await renderCard({
      api: mockImageAutomationApi({
        getEntity: async () => {
          throw failed;
        },
      }),
    });
    expect(
      await screen.findAllByText(/database is not reachable/),
    ).not.toHaveLength(0);
    expect(screen.queryByText(/Waiting for the first scan/)).toBeNull();
  });

  it('shows Check now disabled, with the reason as a tooltip, to users without the refresh permission', async () => {
    const entity = ownEntity();
    const { permissionApi } = await renderCard({
      entity,
      permission: 'deny',
      api: answering(automation({})),
    });
    await rowOf('ghcr.io/acme/payments-api');
    await waitFor(() =>
      expect(permissionApi.authorize).toHaveBeenCalledWith(
        expect.objectContaining({ resourceRef: stringify(entity) }),
      ),
    );
    await waitFor(() =>
      expect(screen.getByRole('button', { name: /check now/i })).toBeDisabled(),
    );
    const button = screen.getByRole('button', { name: /check now/i });
    expect(button).toHaveAccessibleDescription(
      /You do not have permission to check/,
    );
    fireEvent.mouseOver(button.parentElement!);
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      /You do not have permission to check this entity now/,
    );
  });

  it('shows Check now disabled while the permission is being asked', async () => {
    await renderCard({
      entity: ownEntity(),
      permission: 'never-answers',
      api: answering(automation({})),
    });
    await rowOf('ghcr.io/acme/payments-api');
    const button = screen.getByRole('button', { name: /check now/i });
    expect(button).toBeDisabled();
    expect(button).toHaveAccessibleDescription(/Checking whether you may/);
  });

  it('checks now: shows progress, then the fresh result and the outcome as an alert', async () => {
    let answerRefresh: (result: EntityImageAutomation) => void = () => {};
    const api = mockImageAutomationApi({
      getEntity: async () => automation({}),
      refreshEntity: () =>
        new Promise(resolve => {
          answerRefresh = result => resolve({ kind: 'checked', result });
        }),
    });
    const { alertApi } = await renderCard({ api, entity: ownEntity() });
    await rowOf('ghcr.io/acme/payments-api');

    await waitFor(() =>
      expect(screen.getByRole('button', { name: /check now/i })).toBeEnabled(),
    );
    fireEvent.click(screen.getByRole('button', { name: /check now/i }));
    const button = await screen.findByRole('button', { name: /checking/i });
    expect(button).toBeDisabled();
    expect(api.refreshEntity).toHaveBeenCalled();

    answerRefresh(
      automation({
        images: [
          image({
            state: 'update-available',
            latestTag: '1.5.0',
            versionsBehind: 1,
          }),
        ],
      }),
    );
    expect(await screen.findByText('Update available')).toBeInTheDocument();
    expect(screen.getByText('1.4.2 → 1.5.0')).toBeInTheDocument();
    expect(
      await screen.findByRole('button', { name: /check now/i }),
    ).toBeEnabled();
    expect(alertApi.post).toHaveBeenCalledWith(
      expect.objectContaining({
        severity: 'success',
        message: expect.stringMatching(/1 image, 1 behind/),
      }),
    );
    // The live region tells a screen reader what changed.
    expect(screen.getByRole('status')).toHaveTextContent(
      '1 of 1 images behind',
    );
  });

  it('says the check was requested when the backend leaves it to the scheduled task', async () => {
    const api = mockImageAutomationApi({
      getEntity: async () => automation({}),
      refreshEntity: async () => ({ kind: 'requested' }),
    });
    const { alertApi } = await renderCard({ api, entity: ownEntity() });
    await rowOf('ghcr.io/acme/payments-api');
    await waitFor(() =>
      expect(screen.getByRole('button', { name: /check now/i })).toBeEnabled(),
    );
    fireEvent.click(screen.getByRole('button', { name: /check now/i }));
    await waitFor(() =>
      expect(alertApi.post).toHaveBeenCalledWith(
        expect.objectContaining({
          severity: 'info',
          message: expect.stringMatching(/requested/),
        }),
      ),
    );
  });

  it('says so when Check now fails, and keeps the last result', async () => {
    const forbidden = await responseError(
      403,
      'NotAllowedError',
      'You may not refresh component:default/payments-api',
    );
    const { alertApi } = await renderCard({
      entity: ownEntity(),
      api: mockImageAutomationApi({
        getEntity: async () => automation({}),
        refreshEntity: async () => {
          throw forbidden;
        },
      }),
    });
    await rowOf('ghcr.io/acme/payments-api');
    await waitFor(() =>
      expect(screen.getByRole('button', { name: /check now/i })).toBeEnabled(),
    );
    fireEvent.click(screen.getByRole('button', { name: /check now/i }));
    await waitFor(() =>
      expect(alertApi.post).toHaveBeenCalledWith(
        expect.objectContaining({
          severity: 'error',
          message: expect.stringMatching(
            /You may not refresh component:default\/payments-api/,
          ),
        }),
      ),
    );
    expect(screen.getByText('Up to date')).toBeInTheDocument();
  });

  it('shows the history timeline on request', async () => {
    const api = mockImageAutomationApi({
      getEntity: async () => automation({}),
      getHistory: async () => ({
        items: [
          {
            id: '1',
            event: 'update-available',
            at: new Date().toISOString(),
            imageName: 'payments-api',
            fromTag: '1.4.2',
            toTag: '1.5.0',
          },
        ],
        totalItems: 1,
        offset: 0,
        limit: 10,
      }),
    });
    await renderCard({ api });
    await rowOf('ghcr.io/acme/payments-api');
    expect(api.getHistory).not.toHaveBeenCalled();
    fireEvent.click(screen.getByRole('button', { name: 'Show history' }));
    const list = await screen.findByRole('list', { name: 'History' });
    expect(
      within(list).getByText(
        'payments-api: 1.5.0 is available (Git has 1.4.2)',
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Hide history' }),
    ).toHaveAttribute('aria-expanded', 'true');
  });

  it("reloads when the backend signals that the entity's status changed, without polling", async () => {
    let answer = automation({});
    const api = mockImageAutomationApi({ getEntity: async () => answer });
    const { signal } = await renderCard({ api });
    await rowOf('ghcr.io/acme/payments-api');
    expect(api.getEntity).toHaveBeenCalledTimes(1);

    answer = automation({
      images: [
        image({
          state: 'update-available',
          latestTag: '1.5.0',
          versionsBehind: 1,
        }),
      ],
    });
    await signal('image-automation:component:default/payments-api');
    expect(await screen.findByText('Update available')).toBeInTheDocument();
    expect(api.getEntity).toHaveBeenCalledTimes(2);
    expect(screen.getByRole('status')).toHaveTextContent(
      '1 of 1 images behind',
    );
  });
});

function stringify(entity: Entity) {
  return `component:default/${entity.metadata.name}`;
}
