import { TestDatabases, mockServices } from '@backstage/backend-test-utils';
import { RegistryClient } from '@image-automation/plugin-image-automation-node';
import {
  startRegistry,
  StartedRegistry,
} from '@internal/image-automation-test-harness';
import { DatabaseImageAutomationStore } from '../database/DatabaseImageAutomationStore';
import { DatabaseRegistryFactsStore } from '../database/DatabaseRegistryFactsStore';
import { CycleDigestReader } from './CycleDigestReader';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
let registry: StartedRegistry;
beforeAll(async () => {
  registry = await startRegistry();
}, 60_000);
afterAll(() => registry?.stop());

describe('CycleDigestReader', () => {
  it('sends one HEAD per tag per cycle and sees a re-pushed tag in the next cycle', async () => {
    const knex = await databases.init('SQLITE_3');
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
    const image = { registry: registry.host, repository: 'team/pinned' };
    const key = `${registry.host}/team/pinned`;
    const first = await registry.pushImage('team/pinned', 'stable', {
      label: 'one',
    });

    const cycle1 = new CycleDigestReader({
      registry: client,
      facts,
      now: () => 1,
    });
    const answers = await Promise.all([
      cycle1.digestOf(image, key, 'stable'),
      cycle1.digestOf(image, key, 'stable'),
      cycle1.digestOf(image, key, 'stable'),
    ]);
    expect(answers).toEqual([first, first, first]);
    expect(client.stats().requests).toBe(1);
    await cycle1.save();
    expect((await facts.getTagDigests(key)).get('stable')).toEqual({
      tag: 'stable',
      digest: first,
      observedAt: 1,
    });

    const second = await registry.pushImage('team/pinned', 'stable', {
      label: 'two',
    });
    const cycle2 = new CycleDigestReader({
      registry: client,
      facts,
      now: () => 2,
    });
    expect(await cycle2.digestOf(image, key, 'stable')).toBe(second);
    await cycle2.save();
    expect((await facts.getTagDigests(key)).get('stable')?.digest).toBe(second);
  });
});
