import { FirstSeenTags } from '@image-automation/plugin-image-automation-common';
import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { DatabaseImageAutomationStore } from '../database/DatabaseImageAutomationStore';
import {
  HistoryRetention,
  HISTORY_RETENTION_TASK_ID,
} from './HistoryRetention';

jest.setTimeout(30_000);
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const DAY = 24 * 3600_000;

describe('HistoryRetention', () => {
  it.each([
    [{}, 90 * DAY],
    [{ imageAutomation: { history: { retention: '30d' } } }, 30 * DAY],
    [{ imageAutomation: { history: { retention: 'P7D' } } }, 7 * DAY],
    [
      { imageAutomation: { history: { retention: { hours: 12 } } } },
      12 * 3600_000,
    ],
  ])('reads the retention from %j', (data, expected) => {
    const retention = HistoryRetention.fromConfig(new ConfigReader(data), {
      store: {} as any,
      logger: mockServices.logger.mock(),
    });
    expect(retention.retentionMs).toBe(expected);
  });

  it('schedules itself once cluster-wide', async () => {
    const scheduler = mockServices.scheduler.mock();
    const retention = HistoryRetention.fromConfig(new ConfigReader({}), {
      store: {} as any,
      logger: mockServices.logger.mock(),
    });
    await retention.schedule(scheduler);
    expect(scheduler.scheduleTask).toHaveBeenCalledWith(
      expect.objectContaining({
        id: HISTORY_RETENTION_TASK_ID,
        scope: 'global',
        frequency: { hours: 6 },
      }),
    );
  });

  it.each(databases.eachSupportedId())(
    'deletes only events past the retention on %p',
    async databaseId => {
      const knex = await databases.init(databaseId);
      const store = await DatabaseImageAutomationStore.create({
        database: mockServices.database.mock({ getClient: async () => knex }),
      });
      const now = 100 * DAY;
      await store.appendHistory([
        {
          entityRef: 'component:default/a',
          event: 'pushed',
          createdAt: now - 91 * DAY,
        },
        {
          entityRef: 'component:default/a',
          event: 'pr-opened',
          createdAt: now - 89 * DAY,
        },
      ]);
      const retention = HistoryRetention.fromConfig(new ConfigReader({}), {
        store,
        logger: mockServices.logger.mock(),
        now: () => now,
      });
      await store.saveRepositories([
        {
          repository: 'ghcr.io/acme/unused',
          tags: FirstSeenTags.fromRecord({ '1.0.0': 1 }),
          consecutiveFailures: 0,
        },
      ]);
      expect(await retention.prune()).toBe(1);
      expect(
        (await store.listHistory('component:default/a')).map(e => e.event),
      ).toEqual(['pr-opened']);
      // A repository no image uses any more goes too.
      expect((await store.getRepositories(['ghcr.io/acme/unused'])).size).toBe(
        0,
      );
    },
  );
});
