import { TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  GithubEmulator,
  StartedRegistry,
  startGithubEmulator,
  startRegistry,
} from '@internal/image-automation-test-harness';
import {
  componentEntity,
  engineOverMockServices,
  markedDeployment,
} from '../__testUtils__/engineFixtures';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const TOKEN = 'requests-per-cycle-token';
const ENTITIES_PER_REPOSITORY = 20;
const TEN_MINUTES = 10 * 60_000;

let registry: StartedRegistry;
let github: GithubEmulator;

const manifest = (name: string, tag: string) =>
  markedDeployment(name, `${registry.host}/team/api:${tag}`, {
    container: 'app',
  });

beforeAll(async () => {
  [registry, github] = await Promise.all([
    startRegistry(),
    startGithubEmulator({ tokens: [TOKEN] }),
  ]);
  await registry.pushTags('team/api', ['1.0.0', '1.1.0']);
});

afterAll(() => Promise.all([registry?.stop(), github?.stop()]));

let repositories = 0;

/** A fresh Git repository of `count` manifests, one entity each. */
const fleet = (count: number, mode = 'observe') => fleetOn(github, count, mode);

async function fleetOn(on: GithubEmulator, count: number, mode = 'observe') {
  const name = `deploy-${++repositories}`;
  const files: Record<string, string> = {};
  const entities: Entity[] = [];
  for (let i = 0; i < count; i++) {
    const app = `${name}-app${i}`;
    files[`apps/${app}.yaml`] = manifest(app, '1.0.0');
    entities.push(
      componentEntity(app, {
        'backstage.io/source-location': `url:https://github.com/acme/${name}/tree/main/`,
        'backstage.io/managed-by-location': `url:https://github.com/acme/${name}/blob/main/catalog-info.yaml`,
        'image-automation/image': `${registry.host}/team/api`,
        'image-automation/policy': 'semver: ^1.0.0',
        'image-automation/files': `apps/${app}.yaml`,
        'image-automation/mode': mode,
      }),
    );
  }
  await on.createRepository('acme', name, { files });
  return { name, entities };
}

/** The GitHub requests since the last call, and what the rate limit charged for them. */
function traffic() {
  const log = github.requestLog.splice(0);
  return {
    requests: log.map(e =>
      `${e.method} ${e.path}`
        .replace(/[0-9a-f]{40}/g, ':sha')
        .replace(/\?.*$/, ''),
    ),
    charged: log.reduce((sum, e) => sum + e.cost, 0),
  };
}

describe.each(databases.eachSupportedId())(
  'GitHub requests per cycle on %p',
  databaseId => {
    async function engineOver(
      entities: Entity[],
      now: () => number,
      on: GithubEmulator = github,
    ) {
      return engineOverMockServices({
        knex: await databases.init(databaseId),
        entities,
        config: {
          app: { baseUrl: 'http://backstage.example' },
          integrations: {
            github: [
              { host: 'github.com', apiBaseUrl: on.apiBaseUrl, token: TOKEN },
            ],
          },
          imageAutomation: {
            registries: [{ host: registry.host, insecure: true }],
          },
        },
        now,
      });
    }

    it('costs a few requests per repository, not one per entity, and one call when nothing changed', async () => {
      const a = await fleet(ENTITIES_PER_REPOSITORY);
      const b = await fleet(ENTITIES_PER_REPOSITORY);
      let clock = Date.now();
      const {
        engine,
        store,
        registry: client,
      } = await engineOver([...a.entities, ...b.entities], () => clock);
      traffic();
      try {
        await engine.runCycle();
        // One head query for both repositories; each small repository is one tarball.
        expect(traffic().requests.sort()).toEqual([
          `GET /_codeload/acme/${a.name}/legacy.tar.gz/:sha`,
          `GET /_codeload/acme/${b.name}/legacy.tar.gz/:sha`,
          `GET /repos/acme/${a.name}/tarball/:sha`,
          `GET /repos/acme/${b.name}/tarball/:sha`,
          'POST /graphql',
        ]);
        const images = await store.listImages();
        expect(images).toHaveLength(2 * ENTITIES_PER_REPOSITORY);
        expect(images.every(i => i.currentTag === '1.0.0')).toBe(true);

        clock += TEN_MINUTES;
        await engine.runCycle();
        expect(traffic()).toEqual({ requests: ['POST /graphql'], charged: 1 });

        // A person changes one repository: only that one is read again.
        await github.commitFiles(
          'acme',
          b.name,
          'main',
          { [`apps/${b.name}-app0.yaml`]: manifest(`${b.name}-app0`, '1.1.0') },
          { message: 'bump app0' },
        );
        clock += TEN_MINUTES;
        await engine.runCycle();
        expect(traffic().requests.sort()).toEqual([
          `GET /_codeload/acme/${b.name}/legacy.tar.gz/:sha`,
          `GET /repos/acme/${b.name}/tarball/:sha`,
          'POST /graphql',
        ]);
        const [bumped] = await store.listImages({
          entityRefs: [`component:default/${b.name}-app0`],
        });
        expect(bumped.currentTag).toBe('1.1.0');
      } finally {
        await client.close();
      }
    });

    it('shows a spent GitHub budget on the card with the reset time, and asks GitHub nothing more until then', async () => {
      // A budget already spent for this hour (the reads module's own tests see it reset and resume).
      const limited = await startGithubEmulator({
        tokens: [TOKEN],
        rateLimit: { graphql: 0 },
      });
      try {
        const { entities } = await fleetOn(limited, 2);
        let clock = Date.now();
        const {
          engine,
          store,
          registry: client,
        } = await engineOver(entities, () => clock, limited);
        try {
          limited.requestLog.length = 0;
          await engine.runCycle();
          // One call found the budget spent; nobody asked again in that cycle.
          expect(limited.requestLog.map(e => e.path)).toEqual(['/graphql']);
          const images = await store.listImages();
          expect(images).toHaveLength(2);
          for (const image of images) {
            expect(image).toMatchObject({
              state: 'error',
              errorKind: 'git-rate-limited',
              errorMessage: expect.stringMatching(
                /^GitHub rate limit reached, resumes at (\d{4}-\d\d-\d\d )?\d\d:\d\d UTC/,
              ),
            });
          }
          limited.requestLog.length = 0;
          clock += TEN_MINUTES;
          await engine.runCycle();
          expect(limited.requestLog).toEqual([]);
        } finally {
          await client.close();
        }
      } finally {
        await limited.stop();
      }
    });

    it('asks nothing that writes, and pays nothing, for an open pull request that is already what it should be', async () => {
      const { name, entities } = await fleet(1, 'pull-request');
      let clock = Date.now();
      const { engine, registry: client } = await engineOver(
        entities,
        () => clock,
      );
      traffic();
      try {
        await engine.runCycle();
        expect(await github.listPullRequests('acme', name)).toHaveLength(1);
        traffic();

        const writes = (requests: string[]) =>
          requests.filter(r => !r.startsWith('GET ') && r !== 'POST /graphql');
        // The pull request and its branch are read once more (they changed since the last look)...
        clock += TEN_MINUTES;
        await engine.runCycle();
        expect(writes(traffic().requests)).toEqual([]);
        // ...and from then on answer 304: only the head query is paid for.
        clock += TEN_MINUTES;
        await engine.runCycle();
        const steady = traffic();
        expect(writes(steady.requests)).toEqual([]);
        expect(steady.requests).toContainEqual(`GET /repos/acme/${name}/pulls`);
        expect(steady.charged).toBe(1);
      } finally {
        await client.close();
      }
    });
  },
);
