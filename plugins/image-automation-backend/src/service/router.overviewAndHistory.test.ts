import {
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { metricsServiceMock } from '@backstage/backend-test-utils/alpha';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { ImageState } from '@image-automation/plugin-image-automation-common';
import { Knex } from 'knex';
import request from 'supertest';
import { DatabaseImageAutomationStore } from '../database/DatabaseImageAutomationStore';
import { imageAutomationPlugin } from '../plugin';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const NOW = Date.now();
const DAY = 24 * 3600_000;
const SHA = '0123456789abcdef0123456789abcdef01234567';

interface Seeded {
  name: string;
  owner: string;
  images: Array<{
    repository: string;
    state: ImageState;
    pendingDays?: number;
  }>;
  checkedAgo?: number;
}

/** Twelve entities over two owners, three registries and every state. */
const SEED: Seeded[] = Array.from({ length: 12 }, (_, i) => ({
  name: `svc-${String(i).padStart(2, '0')}`,
  owner: i % 3 === 0 ? 'group:default/team-b' : 'group:default/team-a',
  images: [
    {
      repository: [
        'ghcr.io/acme/svc',
        'docker.io/library/nginx',
        'quay.io/x/y',
      ][i % 3],
      state: (['up-to-date', 'update-available', 'pr-open', 'error'] as const)[
        i % 4
      ],
      pendingDays: i % 4 === 1 || i % 4 === 2 ? i : undefined,
    },
  ],
  checkedAgo: i * 60_000,
}));

async function seed(knex: Knex) {
  const store = await DatabaseImageAutomationStore.create({
    database: mockServices.database.mock({ getClient: async () => knex }),
  });
  await store.saveDiscoveredEntities(
    SEED.map(s => ({
      entityRef: `component:default/${s.name}`,
      title: s.name,
      owner: s.owner,
      mode: 'pull-request' as const,
      gitRepository: 'https://github.com/acme/deploy',
      configProblems: [],
      lastSeenAt: NOW,
    })),
  );
  await store.replaceImages(
    SEED.map(s => `component:default/${s.name}`),
    SEED.flatMap(s =>
      s.images.map(i => ({
        entityRef: `component:default/${s.name}`,
        imageName: s.name,
        repository: i.repository,
        image: i.repository,
        policy: 'semver ^1.0.0',
        state: i.state,
        currentTag: '1.0.0',
        latestTag: i.state === 'up-to-date' ? '1.0.0' : '1.1.0',
        versionsBehind: i.state === 'up-to-date' ? 0 : 1,
        pendingSince:
          i.pendingDays !== undefined ? NOW - i.pendingDays * DAY : undefined,
        errorKind: i.state === 'error' ? 'registry-auth' : undefined,
        errorMessage: i.state === 'error' ? 'denied' : undefined,
        updatedAt: NOW,
      })),
    ),
  );
  for (const s of SEED) {
    await store.markChecked(
      [`component:default/${s.name}`],
      NOW - (s.checkedAgo ?? 0),
      () => NOW + DAY,
    );
  }
  // Where two entities' changes went: a pushed branch, a GitLab merge request.
  await store.saveWriteBack({
    entityRef: 'component:default/svc-01',
    gitRepository: 'https://github.com/acme/deploy',
    hostKind: 'git',
    branch: 'image-automation/svc-01',
    state: 'pushed',
    targetTags: { 'svc-01': '1.1.0' },
    lastCommitSha: SHA,
    updatedAt: NOW,
  });
  await store.saveWriteBack({
    entityRef: 'component:default/svc-02',
    gitRepository: 'https://github.com/acme/deploy',
    hostKind: 'gitlab',
    branch: 'image-automation/svc-02',
    state: 'open',
    prNumber: 5,
    prUrl: 'https://gitlab.example.com/acme/deploy/-/merge_requests/5',
    prState: 'open',
    targetTags: { 'svc-02': '1.1.0' },
    lastCommitSha: SHA,
    updatedAt: NOW,
  });
  await store.appendHistory(
    Array.from({ length: 25 }, (_, i) => ({
      entityRef: 'component:default/svc-00',
      imageName: 'svc-00',
      event: 'update-available' as const,
      fromTag: '1.0.0',
      toTag: `1.${i + 1}.0`,
      createdAt: NOW - (25 - i) * 60_000,
    })),
  );
  return store;
}

function entity(name: string, owner: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: { 'image-automation/image': 'x' },
    },
    spec: { type: 'service', owner, lifecycle: 'production' },
  };
}

async function start(options: {
  read: 'allow' | 'deny' | { readableOwners: string[] };
}) {
  const knex = await databases.init('SQLITE_3');
  await seed(knex);
  const catalog = catalogServiceMock({
    entities: SEED.map(s => entity(s.name, s.owner)),
  });
  const getEntitiesByRefs = jest.fn(async (req: { entityRefs: string[] }) => ({
    items: req.entityRefs.map(ref => {
      const s = SEED.find(e => `component:default/${e.name}` === ref);
      const { read } = options;
      return s &&
        typeof read === 'object' &&
        read.readableOwners.includes(s.owner)
        ? entity(s.name, s.owner)
        : undefined;
    }),
  }));
  catalog.getEntitiesByRefs = getEntitiesByRefs as any;
  const getEntityByRef = catalog.getEntityByRef.bind(catalog);
  catalog.getEntityByRef = (async (ref: string, opts: any) => {
    const found = await getEntityByRef(ref, opts);
    const { read } = options;
    if (read === 'deny') return undefined;
    if (
      typeof read === 'object' &&
      !read.readableOwners.includes((found?.spec as any)?.owner)
    )
      return undefined;
    return found;
  }) as any;
  const authorizeConditional = jest.fn(async (requests: unknown[]) =>
    requests.map(() => {
      if (options.read === 'allow') return { result: AuthorizeResult.ALLOW };
      if (options.read === 'deny') return { result: AuthorizeResult.DENY };
      return {
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'catalog',
        resourceType: 'catalog-entity',
        conditions: {
          rule: 'IS_ENTITY_OWNER',
          resourceType: 'catalog-entity',
          params: { claims: [] },
        },
      };
    }),
  );
  const { server } = await startTestBackend({
    features: [
      imageAutomationPlugin,
      createServiceFactory({
        service: catalogServiceRef,
        deps: {},
        factory: () => catalog,
      }),
      mockServices.database.factory({ knex }),
      mockServices.rootConfig.factory({
        data: { imageAutomation: { enabled: false } },
      }),
      mockServices.permissions.mock({
        authorizeConditional: authorizeConditional as any,
        authorize: async requests =>
          requests.map(() => ({ result: AuthorizeResult.ALLOW })),
      }).factory,
      metricsServiceMock.factory(),
    ],
  });
  const get = async (query: string) => {
    const response = await request(server).get(
      `/api/image-automation/overview${query}`,
    );
    return response;
  };
  const names = (body: { items: Array<{ entityRef: string }> }) =>
    body.items.map(i => i.entityRef.replace('component:default/', ''));
  const history = (name: string, query = '') =>
    request(server).get(
      `/api/image-automation/entities/component/default/${name}/history${query}`,
    );
  const entityOf = (name: string) =>
    request(server).get(
      `/api/image-automation/entities/component/default/${name}`,
    );
  return {
    get,
    names,
    getEntitiesByRefs,
    authorizeConditional,
    history,
    entityOf,
  };
}

describe('GET /overview', () => {
  it('pages on the server, in a stable order, with the total over every page', async () => {
    const { get, names, getEntitiesByRefs } = await start({ read: 'allow' });
    const first = await get('?limit=5');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ totalItems: 12, offset: 0, limit: 5 });
    expect(names(first.body)).toEqual([
      'svc-00',
      'svc-01',
      'svc-02',
      'svc-03',
      'svc-04',
    ]);
    const last = await get('?limit=5&offset=10');
    expect(names(last.body)).toEqual(['svc-10', 'svc-11']);
    // The summary covers every matching entity, not the page.
    const byState = Object.fromEntries(
      first.body.summary.imagesByState.map(
        (s: { state: string; count: number }) => [s.state, s.count],
      ),
    );
    expect(byState).toMatchObject({
      'up-to-date': 3,
      'update-available': 3,
      'pr-open': 3,
      error: 3,
    });
    expect(first.body.registries).toEqual(['docker.io', 'ghcr.io', 'quay.io']);
    // A policy that allows catalog reads needs no catalog request at all.
    expect(getEntitiesByRefs).not.toHaveBeenCalled();
  });

  it("says where each entity's change went, and each image's in the entity view", async () => {
    const { get, entityOf } = await start({ read: 'allow' });
    const rows = (await get('?limit=5')).body.items as Array<{
      entityRef: string;
      change?: unknown;
    }>;
    const changeOf = (name: string) =>
      rows.find(r => r.entityRef === `component:default/${name}`)?.change;
    expect(changeOf('svc-01')).toEqual({
      kind: 'branch',
      reference: '0123456',
      branch: 'image-automation/svc-01',
      commitSha: SHA,
    });
    expect(changeOf('svc-02')).toMatchObject({
      kind: 'merge-request',
      reference: '!5',
      url: 'https://gitlab.example.com/acme/deploy/-/merge_requests/5',
    });
    expect(changeOf('svc-00')).toBeUndefined();

    const svc02 = await entityOf('svc-02');
    expect(svc02.status).toBe(200);
    expect(svc02.body.gitHost).toBe('gitlab');
    expect(svc02.body.images[0].change).toEqual({
      kind: 'merge-request',
      reference: '!5',
      url: 'https://gitlab.example.com/acme/deploy/-/merge_requests/5',
      branch: 'image-automation/svc-02',
      commitSha: SHA,
      number: 5,
      state: 'open',
      tag: '1.1.0',
    });
  });

  it('filters by owner, state, registry and text together', async () => {
    const { get, names } = await start({ read: 'allow' });
    const teamB = await get('?owner=group:default/team-b');
    expect(names(teamB.body)).toEqual(['svc-00', 'svc-03', 'svc-06', 'svc-09']);
    const errorsOrPrs = await get('?state=error&state=pr-open');
    expect(names(errorsOrPrs.body)).toEqual([
      'svc-02',
      'svc-03',
      'svc-06',
      'svc-07',
      'svc-10',
      'svc-11',
    ]);
    const quay = await get('?registry=quay.io&owner=group:default/team-a');
    expect(names(quay.body)).toEqual(['svc-02', 'svc-05', 'svc-08', 'svc-11']);
    // The registry picker keeps offering team-a's other registry.
    expect(quay.body.registries).toEqual(['docker.io', 'quay.io']);
    const text = await get('?q=NGINX%20svc-0');
    expect(names(text.body)).toEqual(['svc-01', 'svc-04', 'svc-07']);
  });

  it('sorts by images behind, oldest pending update and last check', async () => {
    const { get, names } = await start({ read: 'allow' });
    const pending = await get('?sort=pending&order=asc&limit=3');
    expect(names(pending.body)).toEqual(['svc-10', 'svc-09', 'svc-06']);
    const checked = await get('?sort=checked&order=desc&limit=2');
    expect(names(checked.body)).toEqual(['svc-00', 'svc-01']);
    const errors = await get('?sort=errors&order=desc&limit=3');
    expect(names(errors.body)).toEqual(['svc-03', 'svc-07', 'svc-11']);
  });

  it('shows only what the catalog lets the caller read, asking once for all candidates', async () => {
    const { get, names, getEntitiesByRefs } = await start({
      read: { readableOwners: ['group:default/team-b'] },
    });
    const page = await get('?limit=2');
    expect(page.body.totalItems).toBe(4);
    expect(names(page.body)).toEqual(['svc-00', 'svc-03']);
    expect(page.body.registries).toEqual(['ghcr.io']);
    expect(getEntitiesByRefs).toHaveBeenCalledTimes(1);
    expect(getEntitiesByRefs.mock.calls[0][0].entityRefs).toHaveLength(12);
  });

  it('shows nothing when catalog reads are denied', async () => {
    const { get, getEntitiesByRefs } = await start({ read: 'deny' });
    const page = await get('');
    expect(page.body).toMatchObject({
      items: [],
      totalItems: 0,
      registries: [],
    });
    expect(getEntitiesByRefs).not.toHaveBeenCalled();
  });

  it.each([
    ['?state=sideways', /state/],
    ['?sort=colour', /sort/],
    ['?limit=0', /limit/],
    ['?order=up', /order/],
  ])('refuses %s in plain words', async (query, message) => {
    const { get } = await start({ read: 'allow' });
    const response = await get(query);
    expect(response.status).toBe(400);
    expect(response.body.error.message).toMatch(message);
  });
});

describe('GET /entities/:kind/:namespace/:name/history', () => {
  it('pages the history newest first, with the total', async () => {
    const { history } = await start({ read: 'allow' });
    const first = await history('svc-00', '?limit=10');
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ totalItems: 25, offset: 0, limit: 10 });
    expect(
      first.body.items.map((e: { toTag: string }) => e.toTag).slice(0, 2),
    ).toEqual(['1.25.0', '1.24.0']);
    expect(first.body.items[0]).toMatchObject({
      event: 'update-available',
      imageName: 'svc-00',
      fromTag: '1.0.0',
      at: new Date(NOW - 60_000).toISOString(),
      id: expect.any(String),
    });
    const last = await history('svc-00', '?offset=20&limit=10');
    expect(last.body.items).toHaveLength(5);
    expect(last.body.items[4].toTag).toBe('1.1.0');
  });

  it('answers an empty page for an entity with no history yet', async () => {
    const { history } = await start({ read: 'allow' });
    const page = await history('svc-01');
    expect(page.status).toBe(200);
    expect(page.body).toEqual({
      items: [],
      totalItems: 0,
      offset: 0,
      limit: 20,
    });
  });

  it('hides the history of an entity the caller may not read, as if it did not exist', async () => {
    const { history } = await start({
      read: { readableOwners: ['group:default/team-a'] },
    });
    // svc-00 belongs to team-b.
    const hidden = await history('svc-00');
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.message).toMatch(
      /No entity component:default\/svc-00/,
    );
    expect((await history('svc-01')).status).toBe(200);
  });

  it('refuses a page size above 200', async () => {
    const { history } = await start({ read: 'allow' });
    const response = await history('svc-00', '?limit=1000');
    expect(response.status).toBe(400);
    expect(response.body.error.message).toMatch(/limit/);
  });
});
