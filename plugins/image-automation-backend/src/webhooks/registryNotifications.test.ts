import { createServiceFactory } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { metricsServiceMock } from '@backstage/backend-test-utils/alpha';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  StartedProxy,
  StartedRegistry,
  forward,
  startProxy,
  startRegistry,
} from '@internal/image-automation-test-harness';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { imageAutomationPlugin } from '../plugin';

jest.setTimeout(60_000);

const TOKEN = 'registry-webhook-token';
const WEBHOOK_PATH = '/api/image-automation/webhooks/distribution';

/** What the backend answered to each notification the registry sent. */
interface Answer {
  status: number;
  body: any;
}

/**
 * The real CNCF registry (Debian's docker-registry) with
 * `notifications.endpoints` pointing at the real plugin, through a relay
 * that notes the plugin's answers. The relay exists so the registry can be
 * configured before the backend's port is known.
 */
async function startSystem(
  registryToken: string,
  ignore: { ignoreActions?: string[]; ignoreMediaTypes?: string[] } = {},
) {
  let backendUrl = 'http://127.0.0.1:9';
  const answers: Answer[] = [];
  const relay: StartedProxy = await startProxy(backendUrl, (req, res) => {
    const chunks: Buffer[] = [];
    const write = res.write.bind(res) as (
      chunk: any,
      ...rest: any[]
    ) => boolean;
    const end = res.end.bind(res) as (chunk?: any, ...rest: any[]) => any;
    (res as any).write = (chunk: any, ...rest: any[]) => {
      if (chunk) chunks.push(Buffer.from(chunk));
      return write(chunk, ...rest);
    };
    (res as any).end = (chunk?: any, ...rest: any[]) => {
      if (chunk && typeof chunk !== 'function') chunks.push(Buffer.from(chunk));
      const text = Buffer.concat(chunks).toString('utf8');
      let body: unknown = text;
      try {
        body = JSON.parse(text);
      } catch {
        // not JSON
      }
      answers.push({ status: res.statusCode, body });
      return end(chunk, ...rest);
    };
    forward(backendUrl, req, res);
    return true;
  });
  const registry: StartedRegistry = await startRegistry({
    notifications: {
      url: `${relay.url}${WEBHOOK_PATH}`,
      headers: { Authorization: `Bearer ${registryToken}` },
      backoff: '500ms',
      ...ignore,
    },
  });

  const entity: Entity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'api',
      namespace: 'default',
      annotations: {
        'image-automation/image': `${registry.host}/team/api`,
        'image-automation/policy': 'semver: ^1.0.0',
        'image-automation/files': 'deploy/api.yaml',
        'image-automation/repo': 'https://github.com/acme/deploy',
        'image-automation/mode': 'observe',
      },
    },
    spec: {
      type: 'service',
      owner: 'group:default/team-a',
      lifecycle: 'production',
    },
  };
  const { server } = await startTestBackend({
    features: [
      imageAutomationPlugin,
      createServiceFactory({
        service: catalogServiceRef,
        deps: {},
        factory: () => catalogServiceMock({ entities: [entity] }),
      }),
      mockServices.rootConfig.factory({
        data: {
          imageAutomation: {
            enabled: false,
            registries: [{ host: registry.host, insecure: true }],
            webhooks: { distribution: { token: TOKEN } },
          },
        },
      }),
      mockServices.permissions.mock({
        authorize: async requests =>
          requests.map(() => ({ result: AuthorizeResult.ALLOW })),
      }).factory,
      metricsServiceMock.factory(),
    ],
  });
  backendUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // Pushed once the backend listens: a notification refused by a dead
  // endpoint would be retried ahead of every later one.
  await registry.pushTags('team/api', ['1.0.0']);
  return { relay, registry, server, answers };
}

async function waitFor<T>(
  what: string,
  probe: () => T | undefined,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 50));
  }
}

describe('registry notifications into the plugin', () => {
  const stops: Array<() => Promise<void>> = [];
  afterEach(async () => {
    for (const stop of stops.splice(0).reverse()) await stop();
  });

  it('schedules a scan for a tag pushed to a repository an entity uses, and answers 2xx to the rest', async () => {
    const { relay, registry, server, answers } = await startSystem(TOKEN);
    stops.push(
      () => relay.stop(),
      () => registry.stop(),
    );
    // the check makes the repository known (and sends pull events)
    await request(server).post(
      '/api/image-automation/entities/component/default/api/refresh',
    );
    answers.length = 0;

    await registry.pushTags('team/api', ['1.1.0']);
    const scheduled = await waitFor('the push notification', () =>
      answers.find(a => a.body?.status === 'scheduled'),
    );
    expect(scheduled).toEqual({
      status: 202,
      body: {
        status: 'scheduled',
        scheduled: [`${registry.host}/team/api`],
        unknown: [],
      },
    });
    // blob uploads of the push were answered 2xx and ignored
    expect(
      answers.some(a => a.status === 200 && a.body.status === 'ignored'),
    ).toBe(true);
    expect(answers.every(a => a.status === 200 || a.status === 202)).toBe(true);

    await registry.pushTags('team/unused', ['1.0.0']);
    expect(
      await waitFor('the unknown repository', () =>
        answers.find(a => a.body?.status === 'unknown-repository'),
      ),
    ).toMatchObject({ status: 202 });
  });

  it('gets only the manifest push from a registry that ignores pulls and blob uploads, as the README configures it', async () => {
    const { relay, registry, server, answers } = await startSystem(TOKEN, {
      ignoreActions: ['pull'],
      ignoreMediaTypes: ['application/octet-stream'],
    });
    stops.push(
      () => relay.stop(),
      () => registry.stop(),
    );
    await waitFor('the first push notification', () =>
      answers.find(a => a.body?.status === 'unknown-repository'),
    );
    // the check pulls manifests: no pull event may come of it
    await request(server).post(
      '/api/image-automation/entities/component/default/api/refresh',
    );
    await registry.pushTags('team/api', ['1.2.0']);
    await waitFor('the push notification', () =>
      answers.find(a => a.body?.status === 'scheduled'),
    );
    // nor of the blob uploads of either push
    await new Promise(resolve => setTimeout(resolve, 300));
    expect(answers.map(a => a.body.status)).toEqual([
      'unknown-repository',
      'scheduled',
    ]);
  });

  it('answers 401 to a registry with the wrong token', async () => {
    const { relay, registry, answers } = await startSystem('not-the-token');
    stops.push(
      () => relay.stop(),
      () => registry.stop(),
    );
    await registry.pushTags('team/api', ['1.1.0']);
    await waitFor('refused notifications', () =>
      answers.length > 0 ? true : undefined,
    );
    expect(answers.every(a => a.status === 401)).toBe(true);
    expect(answers[0].body.error.message).toBe(
      "the distribution webhook's token does not match",
    );
  });

  it('refuses to start with a webhook that has no secret', async () => {
    await expect(
      startTestBackend({
        features: [
          imageAutomationPlugin,
          createServiceFactory({
            service: catalogServiceRef,
            deps: {},
            factory: () => catalogServiceMock({ entities: [] }),
          }),
          mockServices.rootConfig.factory({
            data: {
              imageAutomation: {
                enabled: false,
                webhooks: { distribution: {} },
              },
            },
          }),
          metricsServiceMock.factory(),
        ],
      }),
    ).rejects.toThrow('imageAutomation.webhooks.distribution.token is missing');
  });
});
