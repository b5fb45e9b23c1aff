/*
 * The write-back end to end, in process: the engine with the real registry
 * harness and the GitHub emulator (a real bare git repository underneath), on
 * SQLite and PostgreSQL. Results are checked with real `git`.
 */
import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { metricsServiceMock } from '@backstage/backend-test-utils/alpha';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  GithubEmulator,
  StartedRegistry,
  startGithubEmulator,
  startRegistry,
} from '@internal/image-automation-test-harness';
import { execFileSync } from 'node:child_process';
import { Knex } from 'knex';
import { createAutomationEngine } from '../engine/createAutomationEngine';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const TOKEN = 'write-back-token';
const BRANCH = 'image-automation/component-default-api';

let registry: StartedRegistry;
let github: GithubEmulator;
let repoCounter = 0;

beforeAll(async () => {
  [registry, github] = await Promise.all([
    startRegistry(),
    startGithubEmulator({ tokens: [TOKEN] }),
  ]);
});
afterAll(async () => {
  await Promise.all([registry?.stop(), github?.stop()]);
});

const manifest = (
  tag: string,
) => `# The API deployment; comments and 'quotes' must survive.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api   # inline comment
spec:
  template:
    spec:
      containers:
        - name: api
          image: "${registry.host}/team/api:${tag}" # {"$imagepolicy": "api"}
        - name: sidecar
          image: busybox:1.36
`;

/** A fresh repository and image for each test, so tests stay independent. */
async function fixture(mode: 'pull-request' | 'push' = 'pull-request') {
  const name = `deploy${++repoCounter}`;
  const image = `team/api${repoCounter}`;
  await registry.pushTags(image, ['1.0.0', '1.1.0']);
  await github.createRepository('acme', name, {
    files: {
      'deploy/api.yaml': manifest('1.0.0').replace('team/api:', `${image}:`),
      'README.md': 'hello\n',
    },
  });
  const entity: Entity = {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'api',
      namespace: 'default',
      annotations: {
        'image-automation/repo': `https://github.com/acme/${name}`,
        'image-automation/image': `${registry.host}/${image}`,
        'image-automation/policy': 'semver: ^1.0.0',
        'image-automation/files': 'deploy/api.yaml',
        'image-automation/mode': mode,
      },
    },
    spec: {
      type: 'service',
      owner: 'group:default/team-a',
      lifecycle: 'production',
    },
  };
  return { name, image, entity };
}

async function engineFor(
  databaseId: TestDatabaseId,
  entity: Entity,
  options: { knex?: Knex; instanceId?: string; now?: () => number } = {},
) {
  const knex = options.knex ?? (await databases.init(databaseId));
  const services = await createAutomationEngine({
    config: mockServices.rootConfig({
      data: {
        app: { baseUrl: 'http://backstage.example' },
        integrations: {
          github: [
            { host: 'github.com', apiBaseUrl: github.apiBaseUrl, token: TOKEN },
          ],
        },
        imageAutomation: {
          registries: [{ host: registry.host, insecure: true }],
          git: { labels: ['dependencies'] },
        },
      },
    }),
    logger: mockServices.logger.mock(),
    database: mockServices.database.mock({ getClient: async () => knex }),
    catalog: catalogServiceMock({ entities: [entity] }),
    auth: mockServices.auth(),
    metrics: metricsServiceMock.mock(),
    instanceId: options.instanceId,
    now: options.now,
  });
  return { ...services, knex };
}

function git(name: string, ...args: string[]): string {
  return execFileSync(
    'git',
    ['--git-dir', github.gitDir('acme', name), ...args],
    { encoding: 'utf8' },
  );
}

/** The lines a branch changes against main, as `-old`/`+new` pairs. */
function changedLines(name: string, branch: string): string[] {
  return git(name, 'diff', '--unified=0', `main...${branch}`)
    .split('\n')
    .filter(line => /^[-+](?![-+])/.test(line));
}

// The scenarios run on SQLite; the store's SQL is covered on both databases
// by its own tests, and replicas share PostgreSQL in the last test.
describe.each([['SQLITE_3' as TestDatabaseId]])(
  'write-back on %p',
  databaseId => {
    it('opens one pull request whose diff is exactly the image line, and keeps it up to date', async () => {
      const { name, image, entity } = await fixture();
      let clock = Date.now();
      const { engine, store } = await engineFor(databaseId, entity, {
        now: () => clock,
      });

      await engine.runCycle();

      const pulls = await github.listPullRequests('acme', name);
      expect(pulls).toEqual([
        expect.objectContaining({
          state: 'open',
          head: BRANCH,
          base: 'main',
          labels: ['dependencies'],
        }),
      ]);
      expect(pulls[0].title).toBe(
        `chore(images): update ${registry.host}/${image} to 1.1.0`,
      );
      expect(pulls[0].body).toContain(
        `| \`${registry.host}/${image}:1.0.0\` | \`${registry.host}/${image}:1.1.0\` | \`deploy/api.yaml:11\` |`,
      );
      expect(pulls[0].body).toContain(
        'http://backstage.example/catalog/default/component/api',
      );
      expect(changedLines(name, BRANCH)).toEqual([
        `-          image: "${registry.host}/${image}:1.0.0" # {"$imagepolicy": "api"}`,
        `+          image: "${registry.host}/${image}:1.1.0" # {"$imagepolicy": "api"}`,
      ]);
      const [status] = await store.listImages();
      expect(status).toMatchObject({ state: 'pr-open', latestTag: '1.1.0' });
      expect(await store.getWriteBack('component:default/api')).toMatchObject({
        prNumber: pulls[0].number,
        prState: 'open',
      });

      // Cycles with nothing new write nothing.
      const commitsBefore = git(name, 'rev-list', '--count', BRANCH);
      clock += 10 * 60_000;
      await engine.runCycle();
      expect(git(name, 'rev-list', '--count', BRANCH)).toBe(commitsBefore);
      expect(await github.listPullRequests('acme', name)).toHaveLength(1);

      // A newer tag updates the same branch and pull request.
      await registry.pushTags(image, ['1.2.0']);
      clock += 10 * 60_000;
      await engine.runCycle();
      const updated = await github.listPullRequests('acme', name);
      expect(updated).toHaveLength(1);
      expect(updated[0].title).toContain('to 1.2.0');
      expect(changedLines(name, BRANCH)[1]).toContain(`${image}:1.2.0"`);
      expect(git(name, 'rev-list', '--count', `main..${BRANCH}`).trim()).toBe(
        '1',
      );
    });

    it('after a merge, a newer tag opens a fresh pull request; a base that caught up closes it', async () => {
      const { name, image, entity } = await fixture();
      let clock = Date.now();
      const { engine, store } = await engineFor(databaseId, entity, {
        now: () => clock,
      });
      await engine.runCycle();
      const [first] = await github.listPullRequests('acme', name);
      await github.mergePullRequest('acme', name, first.number);

      clock += 10 * 60_000;
      await engine.runCycle();
      expect((await store.listImages())[0]).toMatchObject({
        state: 'up-to-date',
        currentTag: '1.1.0',
      });
      expect(await store.getWriteBack('component:default/api')).toMatchObject({
        prState: 'merged',
      });

      await registry.pushTags(image, ['1.3.0']);
      clock += 10 * 60_000;
      await engine.runCycle();
      const pulls = await github.listPullRequests('acme', name);
      expect(pulls.map(p => [p.number, p.state])).toEqual([
        [first.number, 'closed'],
        [expect.any(Number), 'open'],
      ]);
      expect(pulls[1].number).not.toBe(first.number);

      // Someone bumps the base by hand: the open pull request has nothing left to do.
      await github.commitFiles(
        'acme',
        name,
        'main',
        {
          'deploy/api.yaml': (await github.readFile(
            'acme',
            name,
            'main',
            'deploy/api.yaml',
          ))!.replace(':1.1.0"', ':1.3.0"'),
        },
        { message: 'bump by hand' },
      );
      clock += 10 * 60_000;
      await engine.runCycle();
      const closed = await github.listPullRequests('acme', name);
      expect(closed[1]).toMatchObject({ state: 'closed' });
      expect(closed[1].comments.join('\n')).toMatch(
        /already holds the newest allowed tags/,
      );
    });

    it("never overwrites a person's commits on the branch, and says so", async () => {
      const { name, image, entity } = await fixture();
      let clock = Date.now();
      const { engine, store } = await engineFor(databaseId, entity, {
        now: () => clock,
      });
      await engine.runCycle();
      const personal = await github.commitFiles(
        'acme',
        name,
        BRANCH,
        { 'NOTES.md': 'my notes\n' },
        { message: 'my fix' },
      );

      await registry.pushTags(image, ['1.4.0']);
      clock += 10 * 60_000;
      await engine.runCycle();

      expect(git(name, 'rev-parse', BRANCH).trim()).toBe(personal);
      const [status] = await store.listImages();
      expect(status).toMatchObject({
        state: 'error',
        errorKind: 'branch-edited',
        latestTag: '1.4.0',
      });
      expect(status.errorMessage).toMatch(
        /^someone pushed [0-9a-f]{7} \("my fix"\)/,
      );
      expect(
        (await store.listHistory('component:default/api')).map(h => h.event),
      ).toContain('branch-edited');
    });

    it('push mode commits to the base with a fast-forward, and retries when the base moves', async () => {
      const { name, image, entity } = await fixture('push');
      const services = await engineFor(databaseId, entity);
      // A racing commit lands between reading the base and updating it.
      let raced = false;
      const reader = (services.engine as any).options.gitReader;
      const readFiles = reader.readFiles.bind(reader);
      reader.readFiles = async (...args: any[]) => {
        const result = await readFiles(...args);
        if (!raced && args[1].includes('deploy/api.yaml')) {
          raced = true;
          await github.commitFiles(
            'acme',
            name,
            'main',
            { 'OTHER.md': 'racing\n' },
            { message: 'racing commit' },
          );
        }
        return result;
      };

      await services.engine.runCycle();

      expect(raced).toBe(true);
      const log = git(name, 'log', '--format=%s', 'main');
      expect(log.split('\n').slice(0, 2)).toEqual([
        `chore(images): update ${registry.host}/${image} to 1.1.0`,
        'racing commit',
      ]);
      expect(await github.readFile('acme', name, 'main', 'OTHER.md')).toBe(
        'racing\n',
      );
      expect(
        await github.readFile('acme', name, 'main', 'deploy/api.yaml'),
      ).toContain(`${image}:1.1.0"`);
      expect(await github.listPullRequests('acme', name)).toEqual([]);
      expect(
        (await services.store.listHistory('component:default/api')).map(
          h => h.event,
        ),
      ).toContain('pushed');
    });

    it('survives GitHub 5xx and secondary rate limits', async () => {
      const { name, entity } = await fixture();
      const { engine } = await engineFor(databaseId, entity);
      github.injectFaults({
        status5xx: 2,
        secondaryRateLimit: { count: 1, retryAfterSeconds: 1 },
      });
      await engine.runCycle();
      github.clearFaults();
      expect(await github.listPullRequests('acme', name)).toHaveLength(1);
    });
  },
);

// eachSupportedId lists PostgreSQL only when a server is configured.
const postgres = databases
  .eachSupportedId()
  .filter(([id]) => id === 'POSTGRES_15');

describe.each(postgres)('two engines on one %p database', databaseId => {
  it('produce exactly one pull request and one commit', async () => {
    const { name, entity } = await fixture();
    const a = await engineFor(databaseId, entity, { instanceId: 'replica-a' });
    const b = await engineFor(databaseId, entity, {
      knex: a.knex,
      instanceId: 'replica-b',
    });

    await Promise.all([
      a.engine.runCycle(),
      b.engine.runCycle(),
      a.engine.refreshEntity('component:default/api'),
      b.engine.refreshEntity('component:default/api'),
    ]);
    await Promise.all([
      a.engine.refreshEntity('component:default/api'),
      b.engine.refreshEntity('component:default/api'),
    ]);

    expect(await github.listPullRequests('acme', name)).toHaveLength(1);
    expect(git(name, 'rev-list', '--count', `main..${BRANCH}`).trim()).toBe(
      '1',
    );
  });
});
