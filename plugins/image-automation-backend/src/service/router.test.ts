import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { metricsServiceMock } from '@backstage/backend-test-utils/alpha';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  StartedRegistry,
  startRegistry,
} from '@internal/image-automation-test-harness';
import request from 'supertest';
import { imageAutomationPlugin } from '../plugin';

jest.setTimeout(60_000);

let registry: StartedRegistry;
beforeAll(async () => {
  registry = await startRegistry();
  await registry.pushTags('team/api', ['1.0.0', '1.1.0']);
});
afterAll(() => registry?.stop());

function service(name: string, annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: {
      type: 'service',
      owner: 'group:default/team-a',
      lifecycle: 'production',
    },
    relations: [{ type: 'ownedBy', targetRef: 'group:default/team-a' }],
  };
}

async function start(options: {
  entities: Entity[];
  readable?: (ref: string) => boolean;
  refreshAllowed?: boolean;
}) {
  const catalog = catalogServiceMock({ entities: options.entities });
  const readable = options.readable ?? (() => true);
  const getEntityByRef = catalog.getEntityByRef.bind(catalog);
  const getEntitiesByRefs = catalog.getEntitiesByRefs.bind(catalog);
  catalog.getEntityByRef = async (ref, opts) =>
    readable(String(ref)) ? getEntityByRef(ref, opts) : undefined;
  catalog.getEntitiesByRefs = async (req, opts) => {
    const result = await getEntitiesByRefs(req, opts);
    return {
      items: result.items.map((e, i) =>
        readable(req.entityRefs[i]) ? e : undefined,
      ),
    };
  };
  const { server } = await startTestBackend({
    features: [
      imageAutomationPlugin,
      createServiceFactory({
        service: catalogServiceRef,
        deps: {},
        factory: () => catalog,
      }),
      mockServices.rootConfig.factory({
        data: {
          imageAutomation: {
            // Runs only when triggered: "Check now" triggers the cycle.
            schedule: {
              frequency: { trigger: 'manual' },
              timeout: { minutes: 1 },
            },
            registries: [{ host: registry.host, insecure: true }],
          },
        },
      }),
      mockServices.permissions.mock({
        authorize: async requests =>
          requests.map(() => ({
            result:
              options.refreshAllowed === false
                ? AuthorizeResult.DENY
                : AuthorizeResult.ALLOW,
          })),
      }).factory,
      metricsServiceMock.factory(),
    ],
  });
  return server;
}

const api = service('api', {
  'image-automation/image': `127.0.0.1:0/placeholder`,
});

describe('image automation REST API', () => {
  it('answers /health without credentials', async () => {
    const server = await start({ entities: [] });
    const response = await request(server).get('/api/image-automation/health');
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ status: 'ok' });
  });

  it('checks an entity on refresh and then serves its state', async () => {
    const entity = service('api', {
      'image-automation/image': `${registry.host}/team/api`,
      'image-automation/policy': 'semver: ^1.0.0',
      'image-automation/files': 'deploy/api.yaml',
      'image-automation/repo': 'https://github.com/acme/deploy',
      'image-automation/mode': 'observe',
      'backstage.io/managed-by-location':
        'url:https://github.com/acme/deploy/blob/main/catalog-info.yaml',
    });
    const server = await start({ entities: [entity] });

    const before = await request(server).get(
      '/api/image-automation/entities/component/default/api',
    );
    expect(before.status).toBe(404);
    expect(before.body.error.message).toMatch(
      /not been checked for image automation yet/,
    );

    const refreshed = await request(server).post(
      '/api/image-automation/entities/component/default/api/refresh',
    );
    expect(refreshed.status).toBe(200);
    expect(refreshed.body).toMatchObject({
      entityRef: 'component:default/api',
      mode: 'observe',
      configProblems: [],
      images: [
        {
          name: 'api',
          image: `${registry.host}/team/api`,
          policy: expect.stringContaining('1.0.0'),
          latestTag: '1.1.0',
          // No GitHub integration for github.com: the card says how to fix it.
          state: 'error',
          error: {
            kind: 'git-auth',
            message: expect.stringContaining('integrations.github'),
          },
        },
      ],
    });

    const after = await request(server).get(
      '/api/image-automation/entities/component/default/api',
    );
    expect(after.body).toEqual(refreshed.body);
  });

  it('refuses a refresh without the refresh permission', async () => {
    const server = await start({ entities: [api], refreshAllowed: false });
    const response = await request(server).post(
      '/api/image-automation/entities/component/default/api/refresh',
    );
    expect(response.status).toBe(403);
  });

  it('hides entities the caller may not read, on every endpoint', async () => {
    const server = await start({ entities: [api], readable: () => false });
    expect(
      (
        await request(server).get(
          '/api/image-automation/entities/component/default/api',
        )
      ).status,
    ).toBe(404);
    expect(
      (
        await request(server).post(
          '/api/image-automation/entities/component/default/api/refresh',
        )
      ).status,
    ).toBe(404);
  });

  it('lists the overview filtered by owner, state and readability', async () => {
    const visible = service('visible', {
      'image-automation/image': `${registry.host}/team/api`,
      'image-automation/policy': 'semver: ^1.0.0',
      'image-automation/files': 'deploy/api.yaml',
      'image-automation/repo': 'https://github.com/acme/deploy',
      'backstage.io/managed-by-location':
        'url:https://github.com/acme/deploy/blob/main/catalog-info.yaml',
    });
    const hidden = service('hidden', { ...visible.metadata.annotations });
    const server = await start({
      entities: [visible, hidden],
      readable: ref => !ref.endsWith('/hidden'),
    });
    await request(server).post(
      '/api/image-automation/entities/component/default/visible/refresh',
    );
    await request(server).post(
      '/api/image-automation/entities/component/default/hidden/refresh',
    );

    const all = await request(server).get('/api/image-automation/overview');
    expect(all.status).toBe(200);
    expect(all.body).toMatchObject({ totalItems: 1, offset: 0, limit: 50 });
    expect(all.body.items[0]).toMatchObject({
      entityRef: 'component:default/visible',
      owner: 'group:default/team-a',
      images: [`${registry.host}/team/api`],
      registries: [registry.host],
      counts: { error: 1 },
    });

    const otherOwner = await request(server).get(
      '/api/image-automation/overview?owner=group:default/other',
    );
    expect(otherOwner.body.totalItems).toBe(0);
    const upToDate = await request(server).get(
      '/api/image-automation/overview?state=up-to-date',
    );
    expect(upToDate.body.totalItems).toBe(0);
    const badState = await request(server).get(
      '/api/image-automation/overview?state=sideways',
    );
    expect(badState.status).toBe(400);
    expect(badState.body.error.message).toMatch(/state/);
  });

  it('rejects unauthenticated calls to the API', async () => {
    const server = await start({ entities: [api] });
    const response = await request(server)
      .get('/api/image-automation/overview')
      .set('authorization', mockCredentials.none.header());
    expect(response.status).toBe(401);
  });
});
