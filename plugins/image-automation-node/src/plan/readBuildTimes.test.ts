import { createTagPolicy } from '@image-automation/plugin-image-automation-common';
import {
  FaultProxy,
  StartedRegistry,
  startFaultProxy,
  startRegistry,
} from '@internal/image-automation-test-harness';
import { RegistryClient } from '../registry';
import { MAX_PLAN_INSPECTIONS, readBuildTimes } from './readBuildTimes';

jest.setTimeout(60_000);

const NEWEST_BUILD = createTagPolicy({
  newestBuild: {},
  filterTags: { pattern: '^build-' },
});

/** A plan's build-time reading, against the real registry (behind a fault proxy). */
describe('readBuildTimes', () => {
  let registry: StartedRegistry;
  let faults: FaultProxy;
  const clients: RegistryClient[] = [];
  const client = () => {
    const created = new RegistryClient({
      registries: [
        {
          host: faults.host,
          type: 'generic',
          insecure: true,
          tokenRealmHosts: [],
        },
      ],
      timeoutMs: 2000,
    });
    clients.push(created);
    return created;
  };
  const image = () => ({ registry: faults.host, repository: 'acme/built' });

  beforeAll(async () => {
    registry = await startRegistry({ auth: 'none' });
    faults = await startFaultProxy(registry.url);
    for (const [tag, created] of [
      ['build-1', '2024-01-01T00:00:00Z'],
      ['build-2', '2024-02-01T00:00:00Z'],
      ['build-3', '2024-03-01T00:00:00Z'],
      ['other', '2024-04-01T00:00:00Z'],
    ]) {
      await registry.pushImage('acme/built', tag, { created });
    }
  }, 120_000);
  afterEach(() => faults.clear());
  afterAll(async () => {
    await Promise.all(clients.map(c => c.close()));
    await faults?.stop();
    await registry?.stop();
  });

  it('reads the build time of each tag the filter allows, and only those', async () => {
    faults.requests.length = 0;
    const read = await readBuildTimes(client(), image(), NEWEST_BUILD, [
      'build-1',
      'build-2',
      'build-3',
      'other',
    ]);
    expect(read.facts).toEqual({
      created: {
        'build-1': Date.parse('2024-01-01T00:00:00Z'),
        'build-2': Date.parse('2024-02-01T00:00:00Z'),
        'build-3': Date.parse('2024-03-01T00:00:00Z'),
      },
      createdUnknown: {},
    });
    expect(
      faults.requests.filter(r => r.path.includes('/manifests/other')),
    ).toEqual([]);
  });

  it('gives a tag deleted since the listing its reason and reads the others', async () => {
    const { facts, failure } = await readBuildTimes(
      client(),
      image(),
      NEWEST_BUILD,
      ['build-1', 'build-gone', 'build-3'],
    );
    expect(failure).toBeUndefined();
    expect(Object.keys(facts.created!).sort()).toEqual(['build-1', 'build-3']);
    expect(facts.createdUnknown!['build-gone']).toMatch(
      /^its build time could not be read: /,
    );
  });

  it('stops at a failure that would fail the rest the same way, naming it for every tag left', async () => {
    faults.inject({ kind: 'status', status: 503 }, 100, /\/manifests\//);
    faults.requests.length = 0;
    const tags = Array.from({ length: 20 }, (_, i) => `build-${i}`);
    const { facts, failure } = await readBuildTimes(
      client(),
      image(),
      NEWEST_BUILD,
      tags,
    );
    expect(failure).toMatch(/503/);
    expect(facts.created).toEqual({});
    expect(Object.keys(facts.createdUnknown!).sort()).toEqual([...tags].sort());
    for (const reason of Object.values(facts.createdUnknown!)) {
      expect(reason).toMatch(/^its build time could not be read: .*503/);
    }
    // The tags in flight when it failed were asked; the rest never were.
    const asked = new Set(
      faults.requests.map(r => /\/manifests\/([^/?]+)/.exec(r.path)?.[1]),
    );
    expect(asked.size).toBeLessThanOrEqual(4);
  });

  it(`inspects at most ${MAX_PLAN_INSPECTIONS} tags, the last in byte order first, and says so for the rest`, async () => {
    const tags = Array.from(
      { length: MAX_PLAN_INSPECTIONS + 2 },
      (_, i) => `build-many-${String(i).padStart(4, '0')}`,
    );
    await registry.pushTags('acme/built', tags, {
      created: '2024-05-01T00:00:00Z',
    });
    const { facts } = await readBuildTimes(
      client(),
      image(),
      NEWEST_BUILD,
      tags,
    );
    expect(Object.keys(facts.created!)).toHaveLength(MAX_PLAN_INSPECTIONS);
    expect(Object.keys(facts.createdUnknown!).sort()).toEqual(tags.slice(0, 2));
    expect(facts.createdUnknown![tags[0]]).toMatch(
      /^its build time is not read: a plan inspects at most 200 images/,
    );
  });
});
