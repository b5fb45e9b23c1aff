import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { HistoryEntry } from '@image-automation/plugin-image-automation-common';
import { fireEvent, screen, within } from '@testing-library/react';
import { imageAutomationApiRef } from '../../api';
import { mockImageAutomationApi, responseError } from '../../testing/fixtures';
import { HistoryTimeline } from './HistoryTimeline';

const minutesAgo = (m: number) =>
  new Date(Date.now() - m * 60_000).toISOString();

const EVENTS: HistoryEntry[] = [
  {
    id: '5',
    event: 'error',
    at: minutesAgo(1),
    imageName: 'api',
    detail: 'registry ghcr.io denied access: add a token',
  },
  { id: '4', event: 'declined', at: minutesAgo(2), prNumber: 42 },
  {
    id: '3',
    event: 'pr-opened',
    at: minutesAgo(3),
    imageName: 'api',
    prNumber: 42,
    fromTag: '1.0.0',
    toTag: '1.1.0',
  },
  {
    id: '2',
    event: 'update-available',
    at: minutesAgo(4),
    imageName: 'api',
    fromTag: '1.0.0',
    toTag: '1.1.0',
  },
  {
    id: '1',
    event: 'pushed',
    at: minutesAgo(60),
    imageName: 'worker',
    fromTag: '2.0.0',
    toTag: '2.1.0',
    commitSha: 'abcdef1234567',
  },
];

async function renderTimeline(
  api: ReturnType<typeof mockImageAutomationApi>,
  gitHost?: 'github' | 'gitlab' | 'git',
) {
  return renderInTestApp(
    <TestApiProvider apis={[[imageAutomationApiRef, api]]}>
      <HistoryTimeline
        entityRef="component:default/api"
        version={1}
        gitHost={gitHost}
      />
    </TestApiProvider>,
  );
}

async function itemsOf(events: HistoryEntry[], gitHost?: 'gitlab' | 'git') {
  await renderTimeline(
    mockImageAutomationApi({
      getHistory: async () => ({
        items: events,
        totalItems: events.length,
        offset: 0,
        limit: 10,
      }),
    }),
    gitHost,
  );
  const list = await screen.findByRole('list', { name: 'History' });
  return within(list)
    .getAllByRole('listitem')
    .map(li => li.textContent);
}

describe('HistoryTimeline', () => {
  it('lists what happened, newest first, each with its time', async () => {
    const api = mockImageAutomationApi({
      getHistory: async () => ({
        items: EVENTS,
        totalItems: 5,
        offset: 0,
        limit: 10,
      }),
    });
    await renderTimeline(api);
    const list = await screen.findByRole('list', { name: 'History' });
    const items = within(list)
      .getAllByRole('listitem')
      .map(li => li.textContent);
    expect(items).toEqual([
      '1 minute agoapi: error — registry ghcr.io denied access: add a token',
      '2 minutes agopull request #42 was closed without merging',
      '3 minutes agoapi: opened pull request #42 1.0.0 → 1.1.0',
      '4 minutes agoapi: 1.1.0 is available (Git has 1.0.0)',
      '1 hour agoworker: pushed 2.0.0 → 2.1.0 in commit abcdef1',
    ]);
    expect(api.getHistory).toHaveBeenCalledWith('component:default/api', {
      offset: 0,
      limit: 10,
    });
    expect(screen.queryByRole('button', { name: /Show older/ })).toBeNull();
  });

  it('names the commit of a branch updated in push-branch mode', async () => {
    expect(
      await itemsOf(
        [
          {
            id: '1',
            event: 'branch-updated',
            at: minutesAgo(1),
            imageName: 'web',
            fromTag: '1.0.0',
            toTag: '1.2.1',
            commitSha: '0123456789abcdef',
          },
        ],
        'git',
      ),
    ).toEqual([
      '1 minute agoweb: updated the branch 1.0.0 → 1.2.1 in commit 0123456',
    ]);
  });

  it('names GitLab merge requests as GitLab does: !N', async () => {
    expect(
      await itemsOf(
        [
          { id: '3', event: 'merged', at: minutesAgo(1), prNumber: 7 },
          { id: '2', event: 'declined', at: minutesAgo(2), prNumber: 6 },
          {
            id: '1',
            event: 'pr-opened',
            at: minutesAgo(3),
            imageName: 'api',
            prNumber: 7,
            toTag: '1.1.0',
            commitSha: 'fedcba9876543210',
          },
        ],
        'gitlab',
      ),
    ).toEqual([
      '1 minute agomerge request !7 was merged',
      '2 minutes agomerge request !6 was closed without merging',
      '3 minutes agoapi: opened merge request !7 to 1.1.0',
    ]);
  });

  it('loads older entries a page at a time', async () => {
    const api = mockImageAutomationApi({
      getHistory: async (_ref, page) =>
        page?.offset
          ? { items: EVENTS.slice(4), totalItems: 5, offset: 4, limit: 10 }
          : { items: EVENTS.slice(0, 4), totalItems: 5, offset: 0, limit: 10 },
    });
    await renderTimeline(api);
    fireEvent.click(
      await screen.findByRole('button', { name: 'Show older (1 more)' }),
    );
    expect(await screen.findByText(/worker: pushed/)).toBeInTheDocument();
    expect(api.getHistory).toHaveBeenLastCalledWith('component:default/api', {
      offset: 4,
      limit: 10,
    });
    expect(
      within(screen.getByRole('list', { name: 'History' })).getAllByRole(
        'listitem',
      ),
    ).toHaveLength(5);
  });

  it('says so when nothing has happened yet', async () => {
    await renderTimeline(mockImageAutomationApi({}));
    expect(
      await screen.findByText(/Nothing has happened yet/),
    ).toBeInTheDocument();
  });

  it("shows the backend's error", async () => {
    const failed = await responseError(500, 'Error', 'history table missing');
    await renderTimeline(
      mockImageAutomationApi({
        getHistory: async () => {
          throw failed;
        },
      }),
    );
    expect(
      await screen.findAllByText(/history table missing/),
    ).not.toHaveLength(0);
  });
});
