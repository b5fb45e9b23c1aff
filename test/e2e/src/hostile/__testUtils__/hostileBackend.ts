import { createServiceFactory } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { metricsServiceMock } from '@backstage/backend-test-utils/alpha';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
// eslint-disable-next-line @backstage/no-mixed-plugin-imports -- the suite drives the real backend plugin in process
import imageAutomationPlugin from '@image-automation/plugin-image-automation-backend';
import request from 'supertest';

/** The token the GitHub emulator accepts and the backend's integration uses. */
export const GITHUB_TOKEN = 'hostile-input-token';

/** What the plugin's GET/refresh endpoints return for one entity (SPEC §7). */
export interface EntityState {
  entityRef: string;
  mode: string;
  configProblems: Array<{ key: string; message: string; example?: string }>;
  images: Array<{
    name: string;
    image: string;
    state: string;
    currentTag?: string;
    latestTag?: string;
    message?: string;
    error?: { kind: string; message: string };
    pullRequest?: {
      number: number;
      url: string;
      state: string;
      branch: string;
    };
  }>;
}

export interface HostileBackend {
  /** POST …/refresh for `component:default/<name>`: the HTTP status and the entity's state. */
  refresh(
    name: string,
  ): Promise<{ status: number; body: EntityState; elapsedMs: number }>;
  /** GET …/entities/component/default/<name>. */
  get(name: string): Promise<{ status: number; body: EntityState }>;
  /** Status of GET /health: 200 while the backend still serves. */
  health(): Promise<number>;
}

/** A Component entity in the default namespace with only the given annotations. */
export function component(
  name: string,
  annotations: Record<string, string>,
): Entity {
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

/**
 * Starts the real image automation backend plugin in process, as
 * `router.test.ts` does, with the given catalog and config. The scheduled
 * cycle runs only when triggered: checks happen only through the refresh
 * endpoint ("Check now" triggers the cycle), so each test decides when the
 * plugin meets its hostile input. The operator allows every `acme`
 * repository (the entities name them without a managed-by location).
 * `startTestBackend` stops the backend after the test file.
 */
export async function startHostileBackend(options: {
  entities: Entity[];
  /** `integrations.github[0].apiBaseUrl`: the GitHub emulator. */
  githubApiBaseUrl: string;
  /** `imageAutomation.registries` entries: the allowlist. */
  registries: Array<{ host: string; insecure?: boolean }>;
}): Promise<HostileBackend> {
  const catalog = catalogServiceMock({ entities: options.entities });
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
          app: { baseUrl: 'http://backstage.example' },
          integrations: {
            github: [
              {
                host: 'github.com',
                apiBaseUrl: options.githubApiBaseUrl,
                token: GITHUB_TOKEN,
              },
            ],
          },
          imageAutomation: {
            schedule: {
              frequency: { trigger: 'manual' },
              timeout: { minutes: 2 },
            },
            registries: options.registries,
            git: { allowedRepositories: ['github.com/acme/*'] },
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
  const path = (name: string) =>
    `/api/image-automation/entities/component/default/${name}`;
  return {
    async refresh(name) {
      const started = performance.now();
      const response = await request(server).post(`${path(name)}/refresh`);
      return {
        status: response.status,
        body: response.body,
        elapsedMs: performance.now() - started,
      };
    },
    async get(name) {
      const response = await request(server).get(path(name));
      return { status: response.status, body: response.body };
    },
    async health() {
      return (await request(server).get('/api/image-automation/health')).status;
    },
  };
}
