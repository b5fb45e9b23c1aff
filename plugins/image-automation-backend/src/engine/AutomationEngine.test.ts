import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { Knex } from 'knex';
import { Entity } from '@backstage/catalog-model';
import {
  GithubEmulator,
  StartedRegistry,
  startGithubEmulator,
  startRegistry,
} from '@internal/image-automation-test-harness';
import { GONE_GRACE_MS } from './AutomationEngine';
import { SIGHTING_RESOLUTION_MS } from '../database/ImageAutomationStore';
import { CurrentTagReader } from './CurrentTagReader';
import {
  componentEntity,
  engineOverMockServices,
  markedDeployment,
} from '../__testUtils__/engineFixtures';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const TOKEN = 'engine-test-token';

let registry: StartedRegistry;
let github: GithubEmulator;

beforeAll(async () => {
  [registry, github] = await Promise.all([
    startRegistry(),
    startGithubEmulator({ tokens: [TOKEN] }),
  ]);
  // Five repositories with the same tags.
  for (let r = 0; r < 5; r++) {
    await registry.pushTags(`team/svc${r}`, [
      '1.0.0',
      '1.1.0',
      '1.2.0',
      '2.0.0',
      'latest',
    ]);
  }
  const files: Record<string, string> = {};
  for (let e = 0; e < 50; e++) {
    files[`deploy/app${e}.yaml`] = deployment(
      `app${e}`,
      `${registry.host}/team/svc${e % 5}:1.0.0`,
    );
  }
  await github.createRepository('acme', 'deploy', { files });
});

afterAll(async () => {
  await Promise.all([registry?.stop(), github?.stop()]);
});

function deployment(name: string, image: string) {
  return markedDeployment(name, image);
}

function entity(name: string, annotations: Record<string, string>): Entity {
  return componentEntity(name, {
    'backstage.io/source-location':
      'url:https://github.com/acme/deploy/tree/main/',
    'backstage.io/managed-by-location':
      'url:https://github.com/acme/deploy/blob/main/catalog-info.yaml',
    ...annotations,
  });
}

function appEntity(e: number): Entity {
  return entity(`app${e}`, {
    'image-automation/image': `${registry.host}/team/svc${e % 5}`,
    'image-automation/policy': 'semver: ^1.0.0',
    'image-automation/files': `deploy/app${e}.yaml`,
    'image-automation/mode': 'observe',
  });
}

async function setup(
  databaseId: TestDatabaseId,
  entities: Entity[],
  sharedKnex?: Knex,
  now?: () => number,
) {
  const services = await engineOverMockServices({
    knex: sharedKnex ?? (await databases.init(databaseId)),
    entities,
    config: {
      integrations: {
        github: [
          { host: 'github.com', apiBaseUrl: github.apiBaseUrl, token: TOKEN },
        ],
      },
      imageAutomation: {
        registries: [{ host: registry.host, insecure: true }],
      },
    },
    now,
  });
  const listTags = jest.spyOn(services.registry, 'listTags');
  return { ...services, listTags };
}

describe.each(databases.eachSupportedId())(
  'AutomationEngine on %p',
  databaseId => {
    it('scans each repository once for 50 entities sharing 5 repositories, and decides every image', async () => {
      const entities = Array.from({ length: 50 }, (_, e) => appEntity(e));
      const { engine, store, listTags } = await setup(databaseId, entities);

      const report = await engine.runCycle();

      expect(report).toMatchObject({
        entities: 50,
        checked: 50,
        repositoriesScanned: 5,
        updatesDue: 50,
      });
      expect(listTags).toHaveBeenCalledTimes(5);
      const images = await store.listImages();
      expect(images).toHaveLength(50);
      for (const image of images) {
        expect(image).toMatchObject({
          state: 'update-available',
          currentTag: '1.0.0',
          latestTag: '1.2.0',
          versionsBehind: 2,
          currentFile: `deploy/${image.imageName}.yaml`,
          currentLine: 10,
        });
      }
      const history = await store.listHistory('component:default/app0');
      expect(history).toEqual([
        expect.objectContaining({
          event: 'update-available',
          fromTag: '1.0.0',
          toTag: '1.2.0',
        }),
      ]);

      // Nothing is due again before the interval: no more scans.
      await engine.runCycle();
      expect(listTags).toHaveBeenCalledTimes(5);
    });

    it("shows a broken annotation as that entity's problem while the others succeed", async () => {
      const broken = entity('broken', {
        'image-automation/image': `${registry.host}/team/svc0`,
        'image-automation/policy': 'semver: >=not-a-range',
        'image-automation/files': 'deploy/app0.yaml',
      });
      const { engine, store } = await setup(databaseId, [appEntity(1), broken]);

      await engine.runCycle();

      const stored = await store.getEntity('component:default/broken');
      expect(stored?.configProblems).toEqual([
        expect.objectContaining({ key: 'image-automation/policy' }),
      ]);
      expect(
        await store.listImages({ entityRefs: ['component:default/broken'] }),
      ).toEqual([]);
      expect(
        await store.listImages({ entityRefs: ['component:default/app1'] }),
      ).toEqual([
        expect.objectContaining({
          state: 'update-available',
          latestTag: '1.2.0',
        }),
      ]);
    });

    it('reports registry and manifest errors per image in plain words', async () => {
      const missingFile = entity('missing-file', {
        'image-automation/image': `${registry.host}/team/svc0`,
        'image-automation/policy': 'semver: ^1.0.0',
        'image-automation/files': 'deploy/nope.yaml',
      });
      const unknownRepo = entity('unknown-repo', {
        'image-automation/image': `${registry.host}/team/does-not-exist`,
        'image-automation/policy': 'semver: ^1.0.0',
        'image-automation/files': 'deploy/app0.yaml',
      });
      const notAllowed = entity('not-allowed', {
        'image-automation/image': '169.254.169.254/latest/meta-data',
        'image-automation/policy': 'semver: ^1.0.0',
        'image-automation/files': 'deploy/app0.yaml',
      });
      const { engine, store } = await setup(databaseId, [
        missingFile,
        unknownRepo,
        notAllowed,
      ]);

      await engine.runCycle();

      const [file] = await store.listImages({
        entityRefs: ['component:default/missing-file'],
      });
      expect(file).toMatchObject({
        state: 'error',
        errorKind: 'manifest',
        latestTag: '1.2.0',
      });
      expect(file.errorMessage).toContain(
        'deploy/nope.yaml not found in acme/deploy@main',
      );
      const [repo] = await store.listImages({
        entityRefs: ['component:default/unknown-repo'],
      });
      expect(repo).toMatchObject({
        state: 'error',
        errorKind: 'registry-not-found',
      });
      const [host] = await store.listImages({
        entityRefs: ['component:default/not-allowed'],
      });
      expect(host).toMatchObject({
        state: 'error',
        errorKind: 'registry-host-not-allowed',
      });
      expect(host.errorMessage).toMatch(/169\.254\.169\.254/);
    });

    it('leaves entities due when the scheduler aborts the cycle', async () => {
      const { engine, store, listTags } = await setup(databaseId, [
        appEntity(1),
        appEntity(2),
      ]);
      const controller = new AbortController();
      controller.abort();

      const report = await engine.runCycle({ signal: controller.signal });

      expect(report).toMatchObject({ entities: 2, checked: 0 });
      // The scan honours the abort too: no registry is asked.
      expect(listTags).not.toHaveBeenCalled();
      expect(await store.listImages()).toEqual([]);
      expect(await store.listDueEntities(Date.now())).toHaveLength(2);
      expect((await engine.runCycle()).checked).toBe(2);
    });

    it('keeps storing the other batches when one fails; its entities stay due', async () => {
      // A clock that jumps past the flush interval: one batch per entity.
      let clock = Date.now();
      const { engine, store } = await setup(
        databaseId,
        [appEntity(1), appEntity(2), appEntity(3)],
        undefined,
        () => (clock += 3_000),
      );
      const replaceImages = store.replaceImages.bind(store);
      let calls = 0;
      jest.spyOn(store, 'replaceImages').mockImplementation(async (...args) => {
        if (++calls === 1) throw new Error('connection reset');
        return replaceImages(...args);
      });

      const report = await engine.runCycle();

      expect(report).toMatchObject({ checked: 3, failedBatches: 1 });
      expect(calls).toBe(3);
      expect(await store.listImages()).toHaveLength(2);
      const due = await store.listDueEntities(clock);
      expect(due).toHaveLength(1);
      expect((await store.listImages()).map(i => i.entityRef)).not.toContain(
        due[0].entityRef,
      );
    });

    it('runs no second cycle in the same process while one runs', async () => {
      const { engine } = await setup(databaseId, [appEntity(1)]);
      const [first, second] = await Promise.all([
        engine.runCycle(),
        engine.runCycle(),
      ]);
      expect(first.checked).toBe(1);
      expect(second).toMatchObject({ skipped: true, checked: 0 });
    });

    it('keeps the previous spec when the config file cannot be read for a passing reason', async () => {
      await github.createRepository('acme', `configured-${databaseId}`, {
        files: {
          '.backstage/image-automation.yaml': `images:
  - name: configured
    image: ${registry.host}/team/svc0
    policy: { semver: { range: "^1.0.0" } }
    files: [deploy/app.yaml]
git:
  mode: observe
`,
          'deploy/app.yaml': deployment(
            'configured',
            `${registry.host}/team/svc0:1.0.0`,
          ),
        },
      });
      const repo = `https://github.com/acme/configured-${databaseId}`;
      const configured = entity('configured', {
        'backstage.io/source-location': `url:${repo}/tree/main/`,
        'backstage.io/managed-by-location': `url:${repo}/blob/main/catalog-info.yaml`,
        'image-automation/config': './.backstage/image-automation.yaml',
      });
      let clock = Date.now();
      const { engine, store } = await setup(
        databaseId,
        [configured],
        undefined,
        () => clock,
      );
      await engine.runCycle();
      const before = await store.getEntity('component:default/configured');
      expect(before?.spec?.images.map(i => i.name)).toEqual(['configured']);

      // Enough 502s to outlast Octokit's retries of the config file's first read.
      github.injectFaults({ status5xx: 4 });
      clock += 10 * 60_000;
      try {
        await engine.runCycle();
      } finally {
        github.clearFaults();
      }
      const after = await store.getEntity('component:default/configured');
      expect(after?.spec).toEqual(before?.spec);
      expect(after?.configProblems).toEqual([
        expect.objectContaining({
          key: 'image-automation/config',
          message: expect.stringMatching(
            /could not be read: .*the last spec read is kept/,
          ),
        }),
      ]);
    });

    it('checks and scans again in a cycle a minute after the last, though the last marked them a few seconds in', async () => {
      const startedAt = Date.now();
      let clock = startedAt;
      // Time passes while a cycle runs: its entities are marked checked (and
      // its repositories scanned) after the moment it started.
      const everyMinute = entity('app7', {
        ...appEntity(7).metadata.annotations,
        'image-automation/interval': '1m',
      });
      const { engine, store, listTags } = await setup(
        databaseId,
        [everyMinute],
        undefined,
        () => (clock += 20),
      );
      expect((await engine.runCycle()).checked).toBe(1);
      // Checks count from the cycle's start; its scans from when they ran.
      const first = await store.getEntity('component:default/app7');
      expect(first!.lastCheckedAt! - startedAt).toBeLessThanOrEqual(20);
      const scanned = (
        await store.getRepositories([`${registry.host}/team/svc2`])
      ).get(`${registry.host}/team/svc2`);
      expect(scanned!.lastScanAt! - startedAt).toBeGreaterThan(20);

      // The scheduler starts the next cycle one frequency (a minute) later.
      clock = startedAt + 60_000;
      expect((await engine.runCycle()).checked).toBe(1);
      expect(listTags).toHaveBeenCalledTimes(2);
    });

    it('checks an entity at most once a minute, whatever interval it asks for', async () => {
      const eager = entity('eager', {
        ...appEntity(3).metadata.annotations,
        'image-automation/interval': '10s',
      });
      const { engine, store } = await setup(databaseId, [eager]);
      await engine.runCycle();
      const stored = await store.getEntity('component:default/eager');
      expect(stored?.intervalMs).toBe(60_000);
      expect(stored!.nextDueAt - stored!.lastCheckedAt!).toBe(60_000);
      expect(stored?.configProblems).toEqual([
        expect.objectContaining({
          key: 'image-automation/interval',
          message: expect.stringMatching(/at most once a minute/),
        }),
      ]);
    });

    it('answers an unchanged entity from its last check, and notices a new tag, an edited manifest, a changed annotation and "Check now"', async () => {
      const suffix = databaseId.toLowerCase().replace(/[^a-z0-9]/g, '');
      const repository = `team/memo-${suffix}`;
      const gitName = `memo-${suffix}`;
      await registry.pushTags(repository, ['1.0.0', '1.1.0']);
      await github.createRepository('acme', gitName, {
        files: {
          'a.yaml': deployment('a', `${registry.host}/${repository}:1.0.0`),
          'b.yaml': deployment('b', `${registry.host}/${repository}:1.0.0`),
        },
      });
      const memoEntity = (name: string) =>
        componentEntity(name, {
          'backstage.io/source-location': `url:https://github.com/acme/${gitName}/tree/main/`,
          'backstage.io/managed-by-location': `url:https://github.com/acme/${gitName}/blob/main/catalog-info.yaml`,
          'image-automation/image': `${registry.host}/${repository}`,
          'image-automation/policy': 'semver: ^1.0.0',
          'image-automation/files': `${name}.yaml`,
          'image-automation/mode': 'observe',
        });
      const [a, b] = [memoEntity('a'), memoEntity('b')];
      let clock = Date.now();
      const { engine, store } = await setup(
        databaseId,
        [a, b],
        undefined,
        () => clock,
      );
      const reads = jest.spyOn(CurrentTagReader.prototype, 'read');
      const cycle = async () => {
        clock += 10 * 60_000;
        reads.mockClear();
        const report = await engine.runCycle();
        const images = await store.listImages();
        return {
          report,
          fullChecks: reads.mock.calls.length,
          latest: images
            .map(
              i => `${i.imageName}:${i.currentTag}->${i.latestTag}:${i.state}`,
            )
            .sort(),
        };
      };
      try {
        expect((await cycle()).fullChecks).toBe(2);
        const steady = await cycle();
        expect(steady).toMatchObject({
          report: { checked: 2, updatesDue: 2 },
          fullChecks: 0,
          latest: [
            'a:1.0.0->1.1.0:update-available',
            'b:1.0.0->1.1.0:update-available',
          ],
        });

        await registry.pushTags(repository, ['1.2.0']);
        expect(await cycle()).toMatchObject({
          fullChecks: 2,
          latest: [
            'a:1.0.0->1.2.0:update-available',
            'b:1.0.0->1.2.0:update-available',
          ],
        });
        expect((await cycle()).fullChecks).toBe(0);

        await github.commitFiles(
          'acme',
          gitName,
          'main',
          {
            'a.yaml': deployment('a', `${registry.host}/${repository}:1.2.0`),
          },
          { message: 'bump a' },
        );
        expect(await cycle()).toMatchObject({
          fullChecks: 1,
          latest: [
            'a:1.2.0->1.2.0:up-to-date',
            'b:1.0.0->1.2.0:update-available',
          ],
        });

        b.metadata.annotations!['image-automation/policy'] = 'semver: ~1.1.0';
        expect(await cycle()).toMatchObject({
          fullChecks: 1,
          latest: [
            'a:1.2.0->1.2.0:up-to-date',
            'b:1.0.0->1.1.0:update-available',
          ],
        });

        expect(await engine.requestRefresh('component:default/a')).toBe(true);
        expect((await cycle()).fullChecks).toBe(1);
        expect((await cycle()).fullChecks).toBe(0);
      } finally {
        reads.mockRestore();
      }
    });

    it('forgets entities that left the catalog a day ago, and does not check them meanwhile', async () => {
      const knex = await databases.init(databaseId);
      let clock = Date.now();
      const first = await setup(
        databaseId,
        [appEntity(1), appEntity(2)],
        knex,
        () => clock,
      );
      await first.engine.runCycle();
      const second = await setup(databaseId, [appEntity(1)], knex, () => clock);
      clock += 60 * 60_000;
      const meanwhile = await second.engine.runCycle();
      expect(meanwhile.checked).toBe(1);
      expect(
        (await second.store.listEntities()).map(e => e.entityRef).sort(),
      ).toEqual(['component:default/app1', 'component:default/app2']);
      clock += GONE_GRACE_MS + SIGHTING_RESOLUTION_MS;
      await second.engine.runCycle();
      expect((await second.store.listEntities()).map(e => e.entityRef)).toEqual(
        ['component:default/app1'],
      );
      expect(
        await second.store.listImages({
          entityRefs: ['component:default/app2'],
        }),
      ).toEqual([]);
    });
  },
);
