import {
  TestDatabaseId,
  TestDatabases,
  mockServices,
} from '@backstage/backend-test-utils';
import { DatabaseImageAutomationStore } from './DatabaseImageAutomationStore';
import { DatabaseRegistryFactsStore } from './DatabaseRegistryFactsStore';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const REPO = 'registry.internal:5000/acme/api';
const digest = (c: string) => `sha256:${c.repeat(64)}`;

async function createStores(databaseId: TestDatabaseId) {
  const knex = await databases.init(databaseId);
  const database = mockServices.database.mock({ getClient: async () => knex });
  return {
    main: await DatabaseImageAutomationStore.create({ database }),
    facts: await DatabaseRegistryFactsStore.create({ database }),
    knex,
  };
}

describe.each(databases.eachSupportedId())(
  'DatabaseRegistryFactsStore on %s',
  databaseId => {
    it('keeps the digest of each tag, replaced by a newer reading and pruned with the tag', async () => {
      const { facts } = await createStores(databaseId);
      await facts.saveTagDigests(REPO, [
        { tag: '1.0.0', digest: digest('a'), observedAt: 1 },
        { tag: 'latest', digest: digest('a'), observedAt: 1 },
      ]);
      await facts.saveTagDigests(REPO, [
        { tag: 'latest', digest: digest('b'), observedAt: 2 },
      ]);
      expect(await facts.getTagDigests(REPO)).toEqual(
        new Map([
          ['1.0.0', { tag: '1.0.0', digest: digest('a'), observedAt: 1 }],
          ['latest', { tag: 'latest', digest: digest('b'), observedAt: 2 }],
        ]),
      );
      await facts.saveTagDigests('other/repo', [
        { tag: '2.0.0', digest: digest('c'), observedAt: 1 },
        { tag: '2.1.0', digest: digest('d'), observedAt: 1 },
      ]);
      await facts.pruneTagDigests(
        new Map([
          [REPO, ['latest']],
          ['other/repo', ['2.0.0', '2.1.0']],
          ['never/stored', ['1.0.0']],
        ]),
      );
      expect([...(await facts.getTagDigests(REPO)).keys()]).toEqual(['latest']);
      // Another repository's digests are its own: all its tags are still listed.
      expect(
        [...(await facts.getTagDigests('other/repo')).keys()].sort(),
      ).toEqual(['2.0.0', '2.1.0']);
      await facts.pruneTagDigests(new Map([['other/repo', []]]));
      expect((await facts.getTagDigests('other/repo')).size).toBe(0);
    });

    it('keeps the first build time read for a digest and platform, never overwritten', async () => {
      const { facts } = await createStores(databaseId);
      await facts.saveBuildTimes(REPO, [
        {
          digest: digest('a'),
          platform: 'linux/amd64',
          createdAt: 1000,
          inspectedAt: 5,
        },
        {
          digest: digest('b'),
          platform: 'linux/amd64',
          problem: 'the image config has no created time',
          inspectedAt: 5,
        },
        {
          digest: digest('a'),
          platform: 'linux/arm64',
          createdAt: 2000,
          inspectedAt: 5,
        },
      ]);
      await facts.saveBuildTimes(REPO, [
        {
          digest: digest('a'),
          platform: 'linux/amd64',
          createdAt: 9999,
          inspectedAt: 6,
        },
      ]);
      const times = await facts.getBuildTimes(REPO, 'linux/amd64', [
        digest('a'),
        digest('b'),
        digest('c'),
      ]);
      expect(times).toEqual(
        new Map([
          [
            digest('a'),
            {
              digest: digest('a'),
              platform: 'linux/amd64',
              createdAt: 1000,
              problem: undefined,
              inspectedAt: 5,
            },
          ],
          [
            digest('b'),
            {
              digest: digest('b'),
              platform: 'linux/amd64',
              createdAt: undefined,
              problem: 'the image config has no created time',
              inspectedAt: 5,
            },
          ],
        ]),
      );
      expect(
        (await facts.getBuildTimes(REPO, 'linux/arm64', [digest('a')])).get(
          digest('a'),
        )?.createdAt,
      ).toBe(2000);
    });

    it('knows the repositories entities use', async () => {
      const { main, facts } = await createStores(databaseId);
      await main.saveDiscoveredEntities([
        {
          entityRef: 'component:default/api',
          mode: 'pull-request',
          configProblems: [],
          lastSeenAt: 1,
        },
      ]);
      await main.replaceImages(
        ['component:default/api'],
        [
          {
            entityRef: 'component:default/api',
            imageName: 'api',
            repository: REPO,
            image: REPO,
            policy: 'semver *',
            state: 'up-to-date',
            updatedAt: 1,
          },
        ],
      );
      expect(
        await facts.knownRepositories([REPO, 'docker.io/library/nginx']),
      ).toEqual(new Set([REPO]));
      expect(
        await facts.entityRefsUsing([REPO, 'docker.io/library/nginx']),
      ).toEqual(['component:default/api']);
    });

    it('records push events per repository, pending until a scan that started after them', async () => {
      const { facts } = await createStores(databaseId);
      await facts.recordPushEvents(
        [
          {
            repository: REPO,
            provider: 'distribution',
            tag: '1.1.0',
            digest: digest('c'),
          },
        ],
        1000,
      );
      await facts.recordPushEvents(
        [{ repository: REPO, provider: 'distribution', tag: '1.2.0' }],
        2000,
      );
      expect(await facts.listPendingPushes()).toEqual([
        {
          repository: REPO,
          provider: 'distribution',
          tag: '1.2.0',
          digest: undefined,
          receivedAt: 2000,
          eventCount: 2,
          pendingSince: 1000,
          lastPushScanAt: undefined,
        },
      ]);
      // a push with a digest tells the tag's digest without a registry request
      expect((await facts.getTagDigests(REPO)).get('1.1.0')?.digest).toBe(
        digest('c'),
      );

      // a scan that started before the second event leaves it pending
      await facts.markPushesScanned([REPO], 1500);
      expect((await facts.listPendingPushes()).map(p => p.repository)).toEqual([
        REPO,
      ]);
      await facts.markPushesScanned([REPO], 2500);
      expect(await facts.listPendingPushes()).toEqual([]);
      expect((await facts.getPushEvents([REPO])).get(REPO)).toMatchObject({
        tag: '1.2.0',
        receivedAt: 2000,
        lastPushScanAt: 2500,
        pendingSince: undefined,
      });
    });
  },
);
