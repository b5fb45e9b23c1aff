import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { DatabaseImageAutomationStore } from '../database/DatabaseImageAutomationStore';
import { apiImageBehind } from '../__testUtils__/imageFixtures';
import { EntityStatusReadModel } from './EntityStatusReadModel';

jest.setTimeout(30_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const REF = 'component:default/api';

async function setup() {
  const knex = await databases.init('SQLITE_3');
  const store = await DatabaseImageAutomationStore.create({
    database: mockServices.database.mock({ getClient: async () => knex }),
  });
  await store.saveDiscoveredEntities([
    { entityRef: REF, mode: 'observe', configProblems: [], lastSeenAt: 1 },
  ]);
  await store.replaceImages([REF], [apiImageBehind('1.1.0')]);
  let clock = 1_000_000;
  const model = new EntityStatusReadModel(
    store,
    mockServices.logger.mock(),
    () => clock,
  );
  const listEntityViews = jest.spyOn(store, 'listEntityViews');
  const getEntityView = jest.spyOn(store, 'getEntityView');
  return {
    store,
    model,
    listEntityViews,
    getEntityView,
    tick: (ms: number) => (clock += ms),
  };
}

describe('EntityStatusReadModel', () => {
  it('answers from one bulk load, not a query per request', async () => {
    const { model, listEntityViews, getEntityView } = await setup();
    for (let i = 0; i < 5; i++) {
      expect((await model.get(REF))?.images[0].latestTag).toBe('1.1.0');
    }
    expect(listEntityViews).toHaveBeenCalledTimes(1);
    expect(getEntityView).not.toHaveBeenCalled();
  });

  it("never serves this replica's own changes stale", async () => {
    const { store, model } = await setup();
    await model.get(REF);
    await store.replaceImages([REF], [apiImageBehind('1.2.0')]);
    model.invalidate([REF]);
    expect((await model.get(REF))?.images[0].latestTag).toBe('1.2.0');
  });

  it("shows another replica's changes after the refresh interval", async () => {
    const { store, model, tick } = await setup();
    await model.get(REF);
    await store.replaceImages([REF], [apiImageBehind('1.3.0')]);
    expect((await model.get(REF))?.images[0].latestTag).toBe('1.1.0');
    tick(11_000);
    await model.get(REF); // starts the background reload
    await new Promise(r => setTimeout(r, 200));
    expect((await model.get(REF))?.images[0].latestTag).toBe('1.3.0');
  });

  it('reads an entity missing from the model fresh, and says undefined for an unknown one', async () => {
    const { store, model } = await setup();
    await model.get(REF);
    await store.saveDiscoveredEntities([
      {
        entityRef: 'component:default/new',
        mode: 'observe',
        configProblems: [],
        lastSeenAt: 1,
      },
    ]);
    expect((await model.get('component:default/new'))?.entityRef).toBe(
      'component:default/new',
    );
    expect(await model.get('component:default/none')).toBeUndefined();
  });
});

describe('EntityStatusReadModel overview', () => {
  it('lists every entity from the same bulk load', async () => {
    const { model, listEntityViews, getEntityView } = await setup();
    await model.get(REF);
    const rows = await model.listOverview();
    expect(rows).toEqual([
      expect.objectContaining({
        entityRef: REF,
        imagesBehind: 1,
        counts: expect.objectContaining({ 'update-available': 1 }),
      }),
    ]);
    await model.listOverview();
    expect(listEntityViews).toHaveBeenCalledTimes(1);
    expect(getEntityView).not.toHaveBeenCalled();
  });

  it("reloads once after this replica's engine changed entities, not once per entity", async () => {
    const { store, model, listEntityViews, getEntityView } = await setup();
    await model.listOverview();
    await store.replaceImages(
      [REF],
      [{ ...apiImageBehind('1.2.0'), state: 'up-to-date' }],
    );
    model.invalidate([REF, 'component:default/gone']);
    const rows = await model.listOverview();
    expect(rows[0].counts['up-to-date']).toBe(1);
    expect(listEntityViews).toHaveBeenCalledTimes(2);
    expect(getEntityView).not.toHaveBeenCalled();
    // And the entity endpoint no longer reads it fresh either.
    await model.get(REF);
    expect(getEntityView).not.toHaveBeenCalled();
  });
});
