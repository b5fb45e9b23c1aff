import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  TestDatabases,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { metricsServiceMock } from '@backstage/backend-test-utils/alpha';
import { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  GithubEmulator,
  StartedProxy,
  StartedRegistry,
  forward,
  startGithubEmulator,
  startProxy,
  startRegistry,
} from '@internal/image-automation-test-harness';
import { AddressInfo } from 'node:net';
import request from 'supertest';
import { imageAutomationPlugin } from '../plugin';

jest.setTimeout(120_000);

const TOKEN = 'registry-webhook-token';
// One database per backend: each test's backend keeps running until the file ends.
const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const GITHUB_TOKEN = 'webhook-e2e-github-token';

let github: GithubEmulator;
let repositories = 0;
beforeAll(async () => {
  github = await startGithubEmulator({ tokens: [GITHUB_TOKEN] });
});
afterAll(() => github?.stop());
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

  const gitRepository = `deploy-${++repositories}`;
  await github.createRepository('acme', gitRepository, {
    files: {
      'deploy/api.yaml': `image: ${registry.host}/team/api:1.0.0 # {"$imagepolicy": "api"}\n`,
    },
  });
  const entity: Entity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'api',
      namespace: 'default',
      annotations: {
        'backstage.io/source-location': `url:https://github.com/acme/${gitRepository}/tree/main/`,
        'backstage.io/managed-by-location': `url:https://github.com/acme/${gitRepository}/blob/main/catalog-info.yaml`,
        'image-automation/image': `${registry.host}/team/api`,
        'image-automation/policy': 'semver: ^1.0.0',
        'image-automation/files': 'deploy/api.yaml',
      },
    },
    spec: {
      type: 'service',
      owner: 'group:default/team-a',
      lifecycle: 'production',
    },
  };
  const knex = await databases.init('SQLITE_3');
  const { server } = await startTestBackend({
    features: [
      imageAutomationPlugin,
      mockServices.database.factory({ knex }),
      createServiceFactory({
        service: catalogServiceRef,
        deps: {},
        factory: () => catalogServiceMock({ entities: [entity] }),
      }),
      mockServices.rootConfig.factory({
        data: {
          integrations: {
            github: [
              {
                host: 'github.com',
                apiBaseUrl: github.apiBaseUrl,
                token: GITHUB_TOKEN,
              },
            ],
          },
          imageAutomation: {
            // the schedule is far away: only pushes can bring a check sooner
            schedule: {
              frequency: { hours: 6 },
              timeout: { minutes: 5 },
            },
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
  return { relay, registry, server, answers, gitRepository };
}

/** The tag the open pull request's branch holds, once there is one. */
async function proposedTag(gitRepository: string): Promise<string | undefined> {
  const [pull] = (await github.listPullRequests('acme', gitRepository)).filter(
    p => p.state === 'open',
  );
  if (!pull) return undefined;
  const file = await github.readFile(
    'acme',
    gitRepository,
    pull.head,
    'deploy/api.yaml',
  );
  return /team\/api:([^ ]+) /.exec(file ?? '')?.[1];
}

async function waitForAsync<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 100));
  }
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

  it('updates the pull request within 10 s of a push, without waiting for the schedule', async () => {
    const { relay, registry, server, answers, gitRepository } =
      await startSystem(TOKEN);
    stops.push(
      () => relay.stop(),
      () => registry.stop(),
    );
    await registry.pushTags('team/api', ['1.1.0']);
    // the cycle at startup (or the push of 1.1.0) opens the pull request
    expect(
      await waitForAsync(
        'the first pull request',
        async () =>
          (await proposedTag(gitRepository)) === '1.1.0' ? true : undefined,
        30_000,
      ),
    ).toBe(true);

    // A repository is scanned for pushes at most once per 10 s: the next
    // push comes after that quiet period, as pushes of one repository do.
    await new Promise(resolve => setTimeout(resolve, 10_000));
    const pushedAt = Date.now();
    await registry.pushTags('team/api', ['1.2.0']);
    await waitForAsync(
      'the pull request to propose 1.2.0',
      async () =>
        (await proposedTag(gitRepository)) === '1.2.0' ? true : undefined,
      10_000,
    );
    expect(Date.now() - pushedAt).toBeLessThan(10_000);
    // the card follows once the cycle has stored what it wrote
    const image = await waitForAsync(
      'the card to show the push',
      async () => {
        const card = await request(server).get(
          '/api/image-automation/entities/component/default/api',
        );
        const shown = card.body.images?.[0];
        return shown?.latestTag === '1.2.0' ? shown : undefined;
      },
      5_000,
    );
    // (a registry may deliver an event twice: the copy waits out the
    // 10-second limit, so the push may still show as pending here)
    expect(image.lastPushEvent).toMatchObject({
      provider: 'distribution',
      tag: '1.2.0',
    });
    expect(answers).toContainEqual({
      status: 202,
      body: {
        status: 'scheduled',
        scheduled: [`${registry.host}/team/api`],
        unknown: [],
      },
    });
    // blob uploads and the scan's pulls were answered 2xx and ignored
    expect(
      answers.some(a => a.status === 200 && a.body.status === 'ignored'),
    ).toBe(true);
    expect(answers.every(a => a.status === 200 || a.status === 202)).toBe(true);

    await registry.pushTags('team/unused', ['1.0.0']);
    expect(
      await waitFor('the unknown repository', () =>
        answers.find(
          a =>
            a.body?.status === 'unknown-repository' &&
            a.body.unknown[0].endsWith('/team/unused'),
        ),
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
    // the startup cycle pulls manifests: no pull event may come of it
    await waitForAsync(
      'the startup cycle',
      async () => {
        const res = await request(server).get(
          '/api/image-automation/entities/component/default/api',
        );
        // this backend's check, not one an earlier test's left behind
        return res.body.images?.[0]?.image === `${registry.host}/team/api`
          ? true
          : undefined;
      },
      30_000,
    );
    await registry.pushTags('team/api', ['1.2.0']);
    await waitFor('the push notification', () =>
      answers.find(a => a.body?.status === 'scheduled'),
    );
    // nor of the blob uploads of either push
    await new Promise(resolve => setTimeout(resolve, 300));
    expect(answers.length).toBeGreaterThan(0);
    expect(
      answers.every(
        a =>
          a.body.status === 'scheduled' ||
          a.body.status === 'unknown-repository',
      ),
    ).toBe(true);
  });

  it('answers 401 to a registry with the wrong token, and scans nothing', async () => {
    const { relay, registry, server, answers } = await startSystem(
      'not-the-token',
    );
    stops.push(
      () => relay.stop(),
      () => registry.stop(),
    );
    const view = async () =>
      (
        await request(server).get(
          '/api/image-automation/entities/component/default/api',
        )
      ).body;
    const checked = await waitForAsync(
      'the startup cycle',
      async () => {
        const body = await view();
        return body.images?.[0]?.image === `${registry.host}/team/api`
          ? body.images[0]
          : undefined;
      },
      30_000,
    );
    await registry.pushTags('team/api', ['1.1.0']);
    await waitFor('refused notifications', () =>
      answers.length > 0 ? true : undefined,
    );
    await new Promise(resolve => setTimeout(resolve, 2_000));
    expect(answers.every(a => a.status === 401)).toBe(true);
    expect(answers[0].body.error.message).toBe(
      "the distribution webhook's token does not match",
    );
    const after = (await view()).images[0];
    expect(after.lastScanAt).toBe(checked.lastScanAt);
    expect(after.latestTag).toBe(checked.latestTag);
    expect(after.lastPushEvent).toBeUndefined();
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
