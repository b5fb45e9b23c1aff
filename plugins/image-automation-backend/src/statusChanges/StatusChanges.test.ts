import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { DatabaseImageAutomationStore } from '../database/DatabaseImageAutomationStore';
import { ImageRecord } from '../domain/records';
import { EntityStatusReadModel } from '../service/EntityStatusReadModel';
import { StatusHistoryRecorder } from './StatusHistoryRecorder';
import { statusChannelOf, StatusSignals } from './StatusSignals';

jest.setTimeout(30_000);
const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const REF = 'component:default/api';

function image(overrides: Partial<ImageRecord>): ImageRecord {
  return {
    entityRef: REF,
    imageName: 'api',
    repository: 'ghcr.io/acme/api',
    image: 'ghcr.io/acme/api',
    policy: 'semver ^1.0.0',
    state: 'up-to-date',
    updatedAt: 1,
    ...overrides,
  };
}

describe.each(databases.eachSupportedId())(
  'status changes on %p',
  databaseId => {
    async function setup() {
      const knex = await databases.init(databaseId);
      const store = await DatabaseImageAutomationStore.create({
        database: mockServices.database.mock({ getClient: async () => knex }),
      });
      await store.saveDiscoveredEntities([
        { entityRef: REF, mode: 'observe', configProblems: [], lastSeenAt: 1 },
      ]);
      const model = new EntityStatusReadModel(
        store,
        mockServices.logger.mock(),
      );
      const signals = { publish: jest.fn(async () => {}) };
      model.onChange(new StatusHistoryRecorder(store, () => 5000).onChange);
      model.onChange(new StatusSignals(signals).onChange);
      /** What the engine does after a check: store, then tell the read model. */
      const check = async (record: ImageRecord) => {
        await store.replaceImages([REF], [record]);
        await model.invalidate([REF]);
      };
      return { store, model, signals, check };
    }

    it('records an error once however many cycles it lasts, then its recovery', async () => {
      const { store, check } = await setup();
      const failing = image({
        state: 'error',
        errorKind: 'registry-auth',
        errorMessage: 'denied: add a token',
      });
      await check(failing);
      await check(failing);
      await check(failing);
      await check(image({}));
      const history = await store.listHistory(REF);
      expect(history.map(e => [e.event, e.detail])).toEqual([
        ['recovered', 'now up to date'],
        ['error', 'denied: add a token'],
      ]);
    });

    it("signals the entity's channel on every change, with nothing but the ref", async () => {
      const { signals, check } = await setup();
      await check(image({ state: 'update-available', latestTag: '1.1.0' }));
      expect(signals.publish).toHaveBeenCalledWith({
        recipients: { type: 'broadcast' },
        channel: statusChannelOf(REF),
        message: { entityRef: REF },
      });
      expect(statusChannelOf(REF)).toBe(
        'image-automation:component:default/api',
      );
    });

    it('keeps telling the other listeners when one fails, and never throws at the engine', async () => {
      const { store } = await setup();
      const model = new EntityStatusReadModel(
        store,
        mockServices.logger.mock(),
      );
      const signals = { publish: jest.fn(async () => {}) };
      const failing = jest.fn(async () => {
        throw new Error('notifications backend down');
      });
      model.onChange(failing);
      model.onChange(new StatusSignals(signals).onChange);
      await store.replaceImages([REF], [image({})]);
      await expect(model.invalidate([REF])).resolves.toBeUndefined();
      expect(failing).toHaveBeenCalled();
      expect(signals.publish).toHaveBeenCalled();
    });
  },
);
