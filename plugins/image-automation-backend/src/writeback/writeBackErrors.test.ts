/*
 * Write-back failures reach the card typed and worded: which integration is
 * missing, which credential or permission is wrong, which branch is protected.
 */
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { metricsServiceMock } from '@backstage/backend-test-utils/alpha';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  GithubEmulator,
  StartedRegistry,
  startGithubEmulator,
  startRegistry,
} from '@internal/image-automation-test-harness';
import { createAutomationEngine } from '../engine/createAutomationEngine';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const GOOD = 'good-token';
const READ_ONLY = 'read-only-token';

let registry: StartedRegistry;
let github: GithubEmulator;

beforeAll(async () => {
  [registry, github] = await Promise.all([
    startRegistry(),
    startGithubEmulator({ tokens: [GOOD, READ_ONLY] }),
  ]);
  await registry.pushTags('team/api', ['1.0.0', '1.1.0']);
  await github.createRepository('acme', 'deploy', {
    files: {
      'deploy/api.yaml': `image: ${registry.host}/team/api:1.0.0 # {"$imagepolicy": "api"}\n`,
    },
  });
  github.setTokenPermissions(READ_ONLY, {
    contents: 'read',
    pull_requests: 'read',
    metadata: 'read',
  });
});
afterAll(async () => {
  await Promise.all([registry?.stop(), github?.stop()]);
});

function entity(annotations: Record<string, string>): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'api',
      namespace: 'default',
      annotations: {
        'backstage.io/managed-by-location':
          'url:https://github.com/acme/deploy/blob/main/catalog-info.yaml',
        'image-automation/repo': 'https://github.com/acme/deploy',
        'image-automation/image': `${registry.host}/team/api`,
        'image-automation/policy': 'semver: ^1.0.0',
        'image-automation/files': 'deploy/api.yaml',
        ...annotations,
      },
    },
    spec: {
      type: 'service',
      owner: 'group:default/team-a',
      lifecycle: 'production',
    },
  };
}

async function checkOnce(subject: Entity, token: string) {
  const knex = await databases.init('SQLITE_3');
  const { engine, store } = await createAutomationEngine({
    config: mockServices.rootConfig({
      data: {
        integrations: {
          github: [
            { host: 'github.com', apiBaseUrl: github.apiBaseUrl, token },
          ],
        },
        imageAutomation: {
          registries: [{ host: registry.host, insecure: true }],
          git: {
            allowedRepositories: ['git.example.com/acme/*'],
            allowPush: ['github.com/acme/deploy'],
          },
        },
      },
    }),
    logger: mockServices.logger.mock(),
    database: mockServices.database.mock({ getClient: async () => knex }),
    catalog: catalogServiceMock({ entities: [subject] }),
    auth: mockServices.auth(),
    metrics: metricsServiceMock.mock(),
  });
  await engine.runCycle();
  const [image] = await store.listImages();
  return image;
}

describe('write-back errors', () => {
  it('names the missing integration for a host', async () => {
    const image = await checkOnce(
      entity({
        'image-automation/repo': 'https://git.example.com/acme/deploy',
      }),
      GOOD,
    );
    expect(image).toMatchObject({
      state: 'error',
      errorKind: 'git-no-integration',
      latestTag: '1.1.0',
    });
    expect(image.errorMessage).toMatch(
      /no Git host is configured for git\.example\.com: add integrations\.github or integrations\.gitlab for git\.example\.com/,
    );
  });

  it('says the credentials were rejected', async () => {
    const image = await checkOnce(entity({}), 'wrong-token');
    expect(image).toMatchObject({ state: 'error', errorKind: 'git-auth' });
    expect(image.errorMessage).toMatch(
      /rejected the credentials for acme\/deploy .*401 Bad credentials.*integrations\.github/,
    );
  });

  it('names the permission a read-only token lacks', async () => {
    const image = await checkOnce(entity({}), READ_ONLY);
    expect(image).toMatchObject({
      state: 'error',
      errorKind: 'git-permission',
    });
    expect(image.errorMessage).toMatch(/needs the permission contents=write/);
  });

  it('reports a protected base branch in push mode', async () => {
    github.setProtectedBranch('acme', 'deploy', 'main', true);
    try {
      const image = await checkOnce(
        entity({ 'image-automation/mode': 'push' }),
        GOOD,
      );
      expect(image).toMatchObject({
        state: 'error',
        errorKind: 'git-protected-branch',
      });
      expect(image.errorMessage).toMatch(/protected .* use mode pull-request/);
      expect(
        await github.readFile('acme', 'deploy', 'main', 'deploy/api.yaml'),
      ).toContain(':1.0.0');
    } finally {
      github.setProtectedBranch('acme', 'deploy', 'main', false);
    }
  });
});
