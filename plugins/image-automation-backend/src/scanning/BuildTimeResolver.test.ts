import {
  TestDatabaseId,
  TestDatabases,
  mockServices,
} from '@backstage/backend-test-utils';
import { createTagPolicy } from '@image-automation/plugin-image-automation-common';
import { RegistryClient } from '@image-automation/plugin-image-automation-node';
import {
  StartedRegistry,
  startRegistry,
} from '@internal/image-automation-test-harness';
import { DatabaseImageAutomationStore } from '../database/DatabaseImageAutomationStore';
import { DatabaseRegistryFactsStore } from '../database/DatabaseRegistryFactsStore';
import { BuildTimeResolver } from './BuildTimeResolver';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

let registry: StartedRegistry;
beforeAll(async () => {
  registry = await startRegistry();
  // Build times that disagree with every ordering of the names: 1.0.0 was rebuilt last.
  await registry.pushImage('team/app', '1.0.0', {
    created: '2024-09-01T00:00:00Z',
    label: 'a',
  });
  await registry.pushImage('team/app', '2.0.0', {
    created: '2024-02-01T00:00:00Z',
    label: 'b',
  });
  await registry.pushImage('team/app', '1.5.0', {
    created: '2024-05-01T00:00:00Z',
    label: 'c',
  });
  // three tags on one manifest
  await registry.pushTags('team/app', ['main-aaa', 'main', 'edge'], {
    created: '2024-07-01T00:00:00Z',
    label: 'd',
  });
  await registry.pushImage('team/app', 'no-created', {
    omitCreated: true,
    label: 'e',
  });
  await registry.pushImage('team/multi', 'x', {
    platforms: [
      { os: 'linux', architecture: 'amd64', created: '2024-01-01T00:00:00Z' },
      { os: 'linux', architecture: 'arm64', created: '2024-12-01T00:00:00Z' },
    ],
  });
  await registry.pushImage('team/multi', 'y', {
    platforms: [
      { os: 'linux', architecture: 'amd64', created: '2024-06-01T00:00:00Z' },
      { os: 'linux', architecture: 'arm64', created: '2024-06-01T00:00:00Z' },
    ],
  });
}, 60_000);
afterAll(() => registry?.stop());

describe.each(databases.eachSupportedId())(
  'BuildTimeResolver on %s',
  databaseId => {
    async function setup(
      databaseIdToUse: TestDatabaseId,
      maxNewInspections?: number,
    ) {
      const knex = await databases.init(databaseIdToUse);
      const database = mockServices.database.mock({
        getClient: async () => knex,
      });
      await DatabaseImageAutomationStore.create({ database });
      const facts = await DatabaseRegistryFactsStore.create({
        database,
        skipMigrations: true,
      });
      const client = new RegistryClient({
        registries: [
          {
            host: registry.host,
            type: 'generic',
            insecure: true,
            tokenRealmHosts: [],
          },
        ],
      });
      const resolver = new BuildTimeResolver({
        registry: client,
        facts,
        logger: mockServices.logger.mock(),
        now: () => 1_000,
        maxNewInspections,
      });
      return { client, resolver };
    }
    const app = () => ({
      image: { registry: registry.host, repository: 'team/app' },
      repository: `${registry.host}/team/app`,
      tags: {
        '1.0.0': 1,
        '2.0.0': 2,
        '1.5.0': 3,
        'main-aaa': 4,
        main: 4,
        edge: 4,
        'no-created': 5,
      },
    });

    it('reads each build time once, and newest-build chooses by them', async () => {
      const { client, resolver } = await setup(databaseId);
      const facts = await resolver.resolve(app());
      expect(facts.created).toEqual({
        '1.0.0': Date.parse('2024-09-01T00:00:00Z'),
        '2.0.0': Date.parse('2024-02-01T00:00:00Z'),
        '1.5.0': Date.parse('2024-05-01T00:00:00Z'),
        'main-aaa': Date.parse('2024-07-01T00:00:00Z'),
        main: Date.parse('2024-07-01T00:00:00Z'),
        edge: Date.parse('2024-07-01T00:00:00Z'),
      });
      expect(facts.createdUnknown).toEqual({
        'no-created':
          'the image config has no created time and no org.opencontainers.image.created annotation',
      });
      // 7 HEADs; a manifest and a config GET per distinct image (5), not per tag (7)
      expect(client.stats().requests).toBe(7 + 5 * 2);

      const policy = createTagPolicy({ newestBuild: {} });
      const evaluation = policy.evaluate(Object.keys(app().tags), facts);
      expect(evaluation.latest).toBe('1.0.0');
      expect(evaluation.candidates).toEqual([
        '1.0.0',
        'main-aaa',
        'main',
        'edge',
        '1.5.0',
        '2.0.0',
      ]);

      // the next scan asks the registry nothing
      const before = client.stats().requests;
      expect(await resolver.resolve(app())).toEqual(facts);
      expect(client.stats().requests).toBe(before);
    });

    it('inspects at most the cap per scan, newest first, and the rest in later scans', async () => {
      const { resolver } = await setup(databaseId, 2);
      const first = await resolver.resolve(app());
      // no-created (5) and then the three tags first seen at 4, by descending bytes
      expect(Object.keys(first.created!).sort()).toEqual(['main-aaa']);
      expect(Object.keys(first.createdUnknown!).sort()).toEqual(
        ['1.0.0', '1.5.0', '2.0.0', 'edge', 'main', 'no-created'].sort(),
      );
      expect(first.createdUnknown!['1.0.0']).toBe(
        'its build time is not read yet: at most 2 images are inspected per scan, the rest follow in the next scans',
      );
      const second = await resolver.resolve(app());
      expect(Object.keys(second.created!).sort()).toEqual([
        'edge',
        'main',
        'main-aaa',
      ]);
      const third = await resolver.resolve(app());
      const fourth = await resolver.resolve(app());
      expect(third.created).not.toEqual(fourth.created);
      const fifth = await resolver.resolve(app());
      expect(Object.keys(fifth.created!)).toHaveLength(6);
    });

    it('reads the build time of the configured platform of multi-arch tags', async () => {
      const { resolver } = await setup(databaseId);
      const request = {
        image: { registry: registry.host, repository: 'team/multi' },
        repository: `${registry.host}/team/multi`,
        tags: { x: 1, y: 1 },
      };
      const amd = await resolver.resolve(request);
      const arm = await resolver.resolve({
        ...request,
        platform: 'linux/arm64',
      });
      const newest = createTagPolicy({ newestBuild: {} });
      expect(newest.evaluate(['x', 'y'], amd).latest).toBe('y');
      expect(newest.evaluate(['x', 'y'], arm).latest).toBe('x');
      const s390x = await resolver.resolve({
        ...request,
        platform: 'linux/s390x',
      });
      expect(s390x.createdUnknown?.x).toMatch(
        /^the image index has no linux\/s390x image \(it has linux\/amd64, linux\/arm64\)/,
      );
    });

    it('says why when a tag vanished between the listing and the inspection', async () => {
      const { resolver } = await setup(databaseId);
      const facts = await resolver.resolve({
        ...app(),
        tags: { gone: 1, '1.0.0': 1 },
      });
      expect(facts.created?.['1.0.0']).toBe(Date.parse('2024-09-01T00:00:00Z'));
      expect(facts.createdUnknown?.gone).toMatch(
        /^its build time could not be read: /,
      );
    });
  },
);
