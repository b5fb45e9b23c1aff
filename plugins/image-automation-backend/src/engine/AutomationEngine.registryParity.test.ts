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
} from '../__testUtils__/engineFixtures';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const TOKEN = 'parity-test-token';

let registry: StartedRegistry;
let github: GithubEmulator;
const digests: Record<string, string> = {};

beforeAll(async () => {
  [registry, github] = await Promise.all([
    startRegistry(),
    startGithubEmulator({ tokens: [TOKEN] }),
  ]);
});

/** Each database's run gets its own registry repositories and Git repository. */
async function seed(ns: string) {
  const host = registry.host;
  await registry.pushTags(`${ns}/pushed`, ['1.0.0']);
  await registry.pushTags(`${ns}/quiet`, ['1.0.0']);
  // build times that disagree with the names
  await registry.pushImage(`${ns}/built`, 'v9', {
    created: '2024-01-01T00:00:00Z',
    label: '9',
  });
  await registry.pushImage(`${ns}/built`, 'v1', {
    created: '2024-08-01T00:00:00Z',
    label: '1',
  });
  await registry.pushImage(`${ns}/built`, 'v5', {
    created: '2024-05-01T00:00:00Z',
    label: '5',
  });
  digests.stable1 = await registry.pushImage(`${ns}/pinned`, 'stable', {
    label: 'first',
  });
  digests.v1 = await registry.pushImage(`${ns}/pinned`, '1.0.0', {
    label: 'v1',
  });
  digests.v2 = await registry.pushImage(`${ns}/pinned`, '1.1.0', {
    label: 'v2',
  });
  await github.createRepository('acme', ns, {
    files: {
      'deploy/pushed.yaml': `image: ${host}/${ns}/pushed:1.0.0 # {"$imagepolicy": "pushed"}\n`,
      'deploy/quiet.yaml': `image: ${host}/${ns}/quiet:1.0.0 # {"$imagepolicy": "quiet"}\n`,
      'deploy/built.yaml': `image: ${host}/${ns}/built:v9 # {"$imagepolicy": "built"}\n`,
      'deploy/always.yaml': `image: ${host}/${ns}/pinned:stable@${digests.stable1} # {"$imagepolicy": "always"}\n`,
      'deploy/never.yaml': `image: ${host}/${ns}/pinned:1.0.0@${digests.v1} # {"$imagepolicy": "never"}\n`,
      'values/pinned.yaml': [
        'image:',
        `  repository: ${host}/${ns}/pinned # {"$imagepolicy": "values:name"}`,
        '  tag: 1.0.0 # {"$imagepolicy": "values:tag"}',
        `  digest: ${digests.v1} # {"$imagepolicy": "values:digest"}`,
        '',
      ].join('\n'),
    },
  });
}

afterAll(async () => {
  await Promise.all([registry?.stop(), github?.stop()]);
});

let ns = '';

function entity(name: string, annotations: Record<string, string>): Entity {
  return componentEntity(name, {
    'backstage.io/source-location': `url:https://github.com/acme/${ns}/tree/main/`,
    'backstage.io/managed-by-location': `url:https://github.com/acme/${ns}/blob/main/catalog-info.yaml`,
    ...annotations,
  });
}

const shorthand = (
  name: string,
  repository: string,
  policy: string,
  mode = 'observe',
) =>
  entity(name, {
    'image-automation/image': `${registry.host}/${ns}/${repository}`,
    'image-automation/policy': policy,
    'image-automation/files': `deploy/${name}.yaml`,
    'image-automation/mode': mode,
  });

const fullForm = (name: string, image: string, mode = 'pull-request') =>
  entity(name, {
    'image-automation/config': `images: [{ name: ${name}, image: ${
      registry.host
    }/${ns}/pinned, files: [${
      name === 'values' ? 'values/pinned.yaml' : `deploy/${name}.yaml`
    }], ${image} }]\ngit: { mode: ${mode} }`,
  });

async function setup(
  entities: Entity[],
  databaseId: 'SQLITE_3' | 'POSTGRES_15',
  now?: () => number,
) {
  const requestCycle = jest.fn(async () => {});
  const services = await engineOverMockServices({
    knex: await databases.init(databaseId),
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
    requestCycle,
    now,
  });
  const listTags = jest.spyOn(services.registry, 'listTags');
  const getDigest = jest.spyOn(services.registry, 'getDigest');
  return { ...services, listTags, getDigest, requestCycle };
}

describe.each(databases.eachSupportedId())(
  'registry parity in the engine on %p',
  databaseId => {
    beforeAll(async () => {
      ns = `parity-${databaseId.toLowerCase().replace(/_/g, '-')}`;
      await seed(ns);
    });

    it('scans a pushed repository at once, past the one-minute floor, and checks only the entities using it', async () => {
      let clock = Date.now();
      const { engine, store, facts, listTags, requestCycle } = await setup(
        [
          shorthand('pushed', 'pushed', 'semver: ^1.0.0'),
          shorthand('quiet', 'quiet', 'semver: ^1.0.0'),
        ],
        databaseId as any,
        () => clock,
      );
      await engine.runCycle();
      expect(listTags).toHaveBeenCalledTimes(2);
      const quietBefore = await store.getEntity('component:default/quiet');

      await registry.pushTags(`${ns}/pushed`, ['1.1.0']);
      clock += 5_000;
      await engine.runCycle();
      // not due and within the floor: nothing scanned, nothing seen
      expect(listTags).toHaveBeenCalledTimes(2);

      const repository = `${registry.host}/${ns}/pushed`;
      await facts.recordPushEvents(
        [{ repository, provider: 'distribution', tag: '1.1.0' }],
        clock,
      );
      await engine.runCycle();
      expect(listTags).toHaveBeenCalledTimes(3);
      expect(listTags).toHaveBeenLastCalledWith({
        registry: registry.host,
        repository: `${ns}/pushed`,
      });
      const [pushed] = await store.listImages({
        entityRefs: ['component:default/pushed'],
      });
      expect(pushed).toMatchObject({
        state: 'update-available',
        latestTag: '1.1.0',
      });
      expect(
        (await store.getEntity('component:default/quiet'))?.lastCheckedAt,
      ).toBe(quietBefore?.lastCheckedAt);
      expect(await facts.listPendingPushes()).toEqual([]);

      // another push 2 s later waits for the 10-second limit, then is scanned
      await registry.pushTags(`${ns}/pushed`, ['1.2.0']);
      clock += 2_000;
      await facts.recordPushEvents(
        [{ repository, provider: 'distribution', tag: '1.2.0' }],
        clock,
      );
      await engine.runCycle();
      expect(listTags).toHaveBeenCalledTimes(3);
      expect(await facts.listPendingPushes()).toHaveLength(1);
      clock += 8_001;
      await engine.runCycle();
      expect(listTags).toHaveBeenCalledTimes(4);
      expect(
        (
          await store.listImages({ entityRefs: ['component:default/pushed'] })
        )[0].latestTag,
      ).toBe('1.2.0');
      expect(requestCycle).toHaveBeenCalledTimes(0);
    });

    it('orders newest-build tags by their image build time', async () => {
      let clock = Date.now();
      const { engine, store, facts } = await setup(
        [shorthand('built', 'built', 'newest-build')],
        databaseId as any,
        () => clock,
      );
      await engine.runCycle();
      const [built] = await store.listImages({
        entityRefs: ['component:default/built'],
      });
      expect(built).toMatchObject({
        state: 'update-available',
        currentTag: 'v9',
        latestTag: 'v1',
        policy: 'newest build (linux/amd64)',
      });
      expect(
        (await facts.getTagDigests(`${registry.host}/${ns}/built`)).size,
      ).toBe(3);

      // a deleted tag's digest is forgotten at the next scan
      const key = `${registry.host}/${ns}/built`;
      await registry.deleteManifest(
        `${ns}/built`,
        (await facts.getTagDigests(key)).get('v5')!.digest,
      );
      clock += 61 * 60_000;
      await engine.runCycle();
      expect([...(await facts.getTagDigests(key)).keys()].sort()).toEqual([
        'v1',
        'v9',
      ]);
    });

    it('writes the new tag with its digest into pinned refs and :digest setters, and keeps Never from leaving a pin stale', async () => {
      const { engine, store, getDigest } = await setup(
        [
          fullForm('values', 'policy: { semver: { range: "^1.0.0" } }'),
          fullForm(
            'never',
            'policy: { semver: { range: "^1.0.0" } }, digestReflectionPolicy: Never',
            'observe',
          ),
        ],
        databaseId as any,
      );
      await engine.runCycle();
      const [values] = await store.listImages({
        entityRefs: ['component:default/values'],
      });
      expect(values).toMatchObject({ latestTag: '1.1.0', digest: digests.v2 });
      expect(['update-available', 'pr-open']).toContain(values.state);
      // one HEAD for the chosen tag, shared by the decision and the write
      expect(
        getDigest.mock.calls.filter(([, tag]) => tag === '1.1.0'),
      ).toHaveLength(1);
      const pulls = (await github.listPullRequests('acme', ns)).filter(p =>
        p.head.includes('values'),
      );
      expect(pulls).toHaveLength(1);
      const written = await github.readFile(
        'acme',
        ns,
        pulls[0].head,
        'values/pinned.yaml',
      );
      expect(written).toContain('tag: 1.1.0 #');
      expect(written).toContain(`digest: ${digests.v2} #`);

      const [never] = await store.listImages({
        entityRefs: ['component:default/never'],
      });
      expect(never).toMatchObject({ state: 'error', errorKind: 'config' });
      expect(never.errorMessage).toContain('digestReflectionPolicy is Never');
    });

    it('turns a re-pushed tag into an update with Always', async () => {
      let clock = Date.now();
      const { engine, store } = await setup(
        [
          fullForm(
            'always',
            'policy: { alphabetical: {} }, filterTags: { pattern: "^stable$" }, digestReflectionPolicy: Always',
          ),
        ],
        databaseId as any,
        () => clock,
      );
      await engine.runCycle();
      const [first] = await store.listImages({
        entityRefs: ['component:default/always'],
      });
      expect(first).toMatchObject({
        state: 'up-to-date',
        latestTag: 'stable',
        digest: digests.stable1,
      });

      const stable2 = await registry.pushImage(`${ns}/pinned`, 'stable', {
        label: 'second',
      });
      clock += 61 * 60_000;
      await engine.runCycle();
      const [second] = await store.listImages({
        entityRefs: ['component:default/always'],
      });
      expect(second).toMatchObject({ latestTag: 'stable', digest: stable2 });
      expect(['update-available', 'pr-open']).toContain(second.state);
      expect(second.message).toContain('stable was pushed again');
      const pull = (await github.listPullRequests('acme', ns)).find(p =>
        p.head.includes('always'),
      );
      expect(pull).toBeDefined();
      expect(
        await github.readFile('acme', ns, pull!.head, 'deploy/always.yaml'),
      ).toContain(`${ns}/pinned:stable@${stable2}`);

      // Still pending a cycle later (the pull request is not merged): the
      // same update, pending since it was first seen, recorded once.
      clock += 61 * 60_000;
      await engine.runCycle();
      const [third] = await store.listImages({
        entityRefs: ['component:default/always'],
      });
      expect(third).toMatchObject({ latestTag: 'stable', digest: stable2 });
      expect(['update-available', 'pr-open']).toContain(third.state);
      expect(third.pendingSince).toBe(second.pendingSince);
      const repushes = (
        await store.listHistory('component:default/always')
      ).filter(e => e.event === 'update-available');
      expect(repushes).toHaveLength(1);
      expect(repushes[0]).toMatchObject({ fromTag: 'stable', toTag: 'stable' });
      // put the registry back for the other database's run
      await registry.pushImage(`${ns}/pinned`, 'stable', { label: 'first' });
    });
  },
);
