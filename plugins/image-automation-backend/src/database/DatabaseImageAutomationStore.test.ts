import { FirstSeenTags } from '@image-automation/plugin-image-automation-common';
import {
  TestDatabaseId,
  TestDatabases,
  mockServices,
} from '@backstage/backend-test-utils';
import { resolvePackagePath } from '@backstage/backend-plugin-api';
import { DatabaseImageAutomationStore } from './DatabaseImageAutomationStore';
import { SIGHTING_RESOLUTION_MS } from './ImageAutomationStore';
import { EntityDiscovery, ImageRecord } from '../domain/records';

jest.setTimeout(60_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });

async function createStore(databaseId: TestDatabaseId) {
  const knex = await databases.init(databaseId);
  const database = mockServices.database.mock({ getClient: async () => knex });
  return DatabaseImageAutomationStore.create({ database });
}

function discovered(entityRef: string, seenAt: number): EntityDiscovery {
  return {
    entityRef,
    title: entityRef,
    owner: 'group:default/team-a',
    mode: 'pull-request',
    gitRepository: 'https://github.com/acme/deploy',
    configProblems: [],
    lastSeenAt: seenAt,
  };
}

function image(
  entityRef: string,
  imageName: string,
  latestTag: string,
): ImageRecord {
  return {
    entityRef,
    imageName,
    repository: 'ghcr.io/acme/api',
    image: 'ghcr.io/acme/api',
    policy: 'semver >=1.0.0',
    state: 'update-available',
    currentTag: '1.0.0',
    latestTag,
    versionsBehind: 1,
    updatedAt: 1000,
  };
}

describe.each(databases.eachSupportedId())(
  'DatabaseImageAutomationStore on %p',
  databaseId => {
    it('keeps scheduling fields when discovery saves an entity again, and cleans up entities that left', async () => {
      const store = await createStore(databaseId);
      await store.saveDiscoveredEntities([
        discovered('component:default/a', 1),
        discovered('component:default/b', 1),
      ]);
      await store.markChecked(['component:default/a'], 10, () => 5000);

      await store.saveDiscoveredEntities([
        { ...discovered('component:default/a', 2), title: 'renamed' },
      ]);
      const a = await store.getEntity('component:default/a');
      expect(a).toMatchObject({
        title: 'renamed',
        nextDueAt: 5000,
        lastCheckedAt: 10,
        lastSeenAt: 2,
      });

      await store.replaceImages(
        ['component:default/b'],
        [image('component:default/b', 'api', '1.1.0')],
      );
      expect(await store.removeEntitiesNotSeenSince(2)).toEqual([
        'component:default/b',
      ]);
      expect(await store.getEntity('component:default/b')).toBeUndefined();
      expect(
        await store.listImages({ entityRefs: ['component:default/b'] }),
      ).toEqual([]);
    });

    it('moves only the sighting of an entity rediscovered unchanged, and stores every change of one that was not', async () => {
      const knex = await databases.init(databaseId);
      const store = await DatabaseImageAutomationStore.create({
        database: mockServices.database.mock({ getClient: async () => knex }),
      });
      const spec = {
        images: [],
        git: { baseBranch: 'main' },
      } as unknown as EntityDiscovery['spec'];
      const hour = SIGHTING_RESOLUTION_MS;
      await store.saveDiscoveredEntities([
        { ...discovered('component:default/a', 1), spec, intervalMs: 60_000 },
        discovered('component:default/b', 1),
      ]);
      await store.markChecked(['component:default/a'], 5, () => 9000);
      const saved = await store.saveDiscoveredEntities([
        {
          ...discovered('component:default/a', 1 + hour),
          spec,
          intervalMs: 60_000,
        },
        {
          ...discovered('component:default/b', 1 + hour),
          owner: 'group:default/x',
        },
        discovered('component:default/c', 1 + hour),
      ]);
      // What is stored now, schedule and digest included: the cycle's due list.
      expect(saved).toEqual([
        expect.objectContaining({
          entityRef: 'component:default/a',
          spec,
          nextDueAt: 9000,
          lastCheckedAt: 5,
          lastSeenAt: 1 + hour,
          discoveryDigest: expect.any(String),
        }),
        expect.objectContaining({
          entityRef: 'component:default/b',
          owner: 'group:default/x',
          nextDueAt: 0,
          lastSeenAt: 1 + hour,
        }),
        expect.objectContaining({
          entityRef: 'component:default/c',
          nextDueAt: 0,
          lastSeenAt: 1 + hour,
        }),
      ]);
      for (const record of saved) {
        expect(await store.getEntity(record.entityRef)).toEqual(record);
      }
      expect(saved[0].discoveryDigest).not.toEqual(saved[1].discoveryDigest);

      // Unchanged, seen within the resolution: one read, nothing written.
      const statements: string[] = [];
      const listen = (query: { sql: string }) =>
        statements.push(query.sql.trim().split(/\s+/)[0].toLowerCase());
      knex.on('query', listen);
      const again = await store.saveDiscoveredEntities([
        {
          ...discovered('component:default/a', 2 * hour),
          spec,
          intervalMs: 60_000,
        },
      ]);
      expect(statements).toEqual(['select']);
      expect(again[0]).toEqual(saved[0]);
      // Unchanged, seen an hour later: one read, one update of the sighting.
      statements.length = 0;
      await store.saveDiscoveredEntities([
        {
          ...discovered('component:default/a', 1 + 2 * hour),
          spec,
          intervalMs: 60_000,
        },
      ]);
      knex.off('query', listen);
      expect(statements).toEqual(['select', 'update']);
      expect(await store.getEntity('component:default/a')).toMatchObject({
        lastSeenAt: 1 + 2 * hour,
        spec,
      });
      // An entity whose config problems went away is saved as it is now.
      await store.saveDiscoveredEntities([
        {
          ...discovered('component:default/a', 1 + 2 * hour),
          configProblems: [{ key: 'image-automation/polcy', message: 'typo' }],
        },
      ]);
      await store.saveDiscoveredEntities([
        discovered('component:default/a', 1 + 2 * hour),
      ]);
      expect(await store.getEntity('component:default/a')).toMatchObject({
        configProblems: [],
      });
    });

    it('saves a fleet larger than one discovery slice in order, each entity as it is now, with a read, a write and a sighting update per slice', async () => {
      const knex = await databases.init(databaseId);
      const store = await DatabaseImageAutomationStore.create({
        database: mockServices.database.mock({ getClient: async () => knex }),
      });
      const hour = SIGHTING_RESOLUTION_MS;
      const refs = Array.from(
        { length: 1201 },
        (_, i) => `component:default/svc-${String(i).padStart(4, '0')}`,
      );
      const first = await store.saveDiscoveredEntities(
        refs.map(ref => discovered(ref, 1)),
      );
      expect(first.map(e => e.entityRef)).toEqual(refs);
      expect(await store.listEntities()).toHaveLength(refs.length);

      // An hour on, one entity per slice changed: the rest only move their sighting.
      const changedIndexes = [0, 700, 1200];
      const statements: string[] = [];
      const listen = (query: { sql: string }) =>
        statements.push(query.sql.trim().split(/\s+/)[0].toLowerCase());
      knex.on('query', listen);
      const again = await store.saveDiscoveredEntities(
        refs.map((ref, i) =>
          changedIndexes.includes(i)
            ? { ...discovered(ref, 1 + hour), owner: 'group:default/x' }
            : discovered(ref, 1 + hour),
        ),
      );
      knex.off('query', listen);
      expect(again.map(e => e.entityRef)).toEqual(refs);
      expect(again.every(e => e.lastSeenAt === 1 + hour)).toBe(true);
      for (const i of changedIndexes) {
        expect(again[i].discoveryDigest).not.toEqual(first[i].discoveryDigest);
        expect(await store.getEntity(refs[i])).toEqual(again[i]);
      }
      expect(again[1].discoveryDigest).toEqual(first[1].discoveryDigest);
      expect(await store.getEntity(refs[1])).toEqual(again[1]);
      // Three slices, each: a read, the changed entity's write, the others' sighting.
      expect(statements).toEqual(
        Array.from({ length: 3 }, () => ['select', 'insert', 'update']).flat(),
      );
    });

    it('lists due entities by interval and by refresh request, and a refresh asked during a check survives it', async () => {
      const store = await createStore(databaseId);
      await store.saveDiscoveredEntities([
        discovered('component:default/a', 1),
        discovered('component:default/b', 1),
      ]);
      await store.markChecked(
        ['component:default/a', 'component:default/b'],
        100,
        () => 1000,
      );
      expect(await store.listDueEntities(500)).toEqual([]);

      await store.requestRefresh('component:default/b', 200);
      expect((await store.listDueEntities(500)).map(e => e.entityRef)).toEqual([
        'component:default/b',
      ]);

      await store.markChecked(['component:default/b'], 150, () => 2000);
      expect(
        (await store.getEntity('component:default/b'))?.refreshRequestedAt,
      ).toBe(200);
      await store.markChecked(['component:default/b'], 250, () => 2000);
      expect(
        (await store.getEntity('component:default/b'))?.refreshRequestedAt,
      ).toBeUndefined();
      expect((await store.listDueEntities(1500)).map(e => e.entityRef)).toEqual(
        ['component:default/a'],
      );
    });

    it('replaces the images of an entity exactly', async () => {
      const store = await createStore(databaseId);
      const ref = 'component:default/a';
      await store.replaceImages(
        [ref],
        [image(ref, 'api', '1.1.0'), image(ref, 'worker', '1.1.0')],
      );
      await store.replaceImages([ref], [image(ref, 'api', '1.2.0')]);
      const images = await store.listImages({ entityRefs: [ref] });
      expect(images).toEqual([image(ref, 'api', '1.2.0')]);
    });

    it('reads an entity view: the entity, its write-back and its images with scan times', async () => {
      const store = await createStore(databaseId);
      const ref = 'component:default/a';
      await store.saveDiscoveredEntities([discovered(ref, 1)]);
      expect((await store.getEntityView(ref))?.writeBack).toBeUndefined();
      await store.replaceImages([ref], [image(ref, 'api', '1.1.0')]);
      await store.saveRepositories([
        {
          repository: 'ghcr.io/acme/api',
          tags: FirstSeenTags.fromRecord({ '1.1.0': 5 }),
          lastScanAt: 42,
          consecutiveFailures: 0,
        },
      ]);
      await store.saveWriteBack({
        entityRef: ref,
        gitRepository: 'https://github.com/acme/deploy',
        branch: 'image-automation/a',
        prNumber: 7,
        prUrl: 'https://github.com/acme/deploy/pull/7',
        prState: 'open',
        targetTags: { api: '1.1.0' },
        updatedAt: 3,
      });

      const view = await store.getEntityView(ref);

      expect(view?.entity).toEqual(await store.getEntity(ref));
      expect(view?.images).toEqual([
        { ...image(ref, 'api', '1.1.0'), lastScanAt: 42 },
      ]);
      expect(view?.writeBack).toEqual(await store.getWriteBack(ref));
      expect(
        await store.getEntityView('component:default/none'),
      ).toBeUndefined();
      expect(await store.listEntityViews()).toEqual([view]);
    });

    it('stores repositories with first-seen times per tag', async () => {
      const store = await createStore(databaseId);
      await store.saveRepositories([
        {
          repository: 'ghcr.io/acme/api',
          tags: FirstSeenTags.fromRecord({ '1.0.0': 10, '1.1.0': 20 }),
          lastScanAt: 20,
          lastSuccessAt: 20,
          consecutiveFailures: 0,
        },
        {
          repository: 'ghcr.io/acme/down',
          lastScanAt: 20,
          lastErrorKind: 'unreachable',
          lastErrorMessage: 'x',
          consecutiveFailures: 3,
          backoffUntil: 99,
        },
      ]);
      const repos = await store.getRepositories([
        'ghcr.io/acme/api',
        'ghcr.io/acme/down',
        'ghcr.io/acme/none',
      ]);
      expect(repos.get('ghcr.io/acme/api')?.tags?.toJSON()).toEqual({
        '1.0.0': 10,
        '1.1.0': 20,
      });
      expect(repos.get('ghcr.io/acme/down')).toMatchObject({
        consecutiveFailures: 3,
        backoffUntil: 99,
        tags: undefined,
      });
      expect(repos.has('ghcr.io/acme/none')).toBe(false);

      // A rescan that found the same tags writes its times and errors only.
      await store.saveScanTimes([
        {
          repository: 'ghcr.io/acme/api',
          tags: FirstSeenTags.fromRecord({ 'not-written': 1 }),
          lastScanAt: 80,
          lastSuccessAt: 70,
          lastErrorKind: 'registry-unreachable',
          lastErrorMessage: 'down',
          consecutiveFailures: 1,
        },
      ]);
      expect(
        (await store.getRepositories(['ghcr.io/acme/api'])).get(
          'ghcr.io/acme/api',
        ),
      ).toEqual({
        repository: 'ghcr.io/acme/api',
        tags: FirstSeenTags.fromRecord({ '1.0.0': 10, '1.1.0': 20 }),
        lastScanAt: 80,
        lastSuccessAt: 70,
        lastErrorKind: 'registry-unreachable',
        lastErrorMessage: 'down',
        consecutiveFailures: 1,
        backoffUntil: undefined,
      });

      // A repository whose first scan failed has no row yet: it gets one,
      // so its failures count up and it backs off.
      await store.saveScanTimes([
        {
          repository: 'ghcr.io/acme/typo',
          lastScanAt: 90,
          lastErrorKind: 'registry-not-found',
          lastErrorMessage: 'no such repository',
          consecutiveFailures: 1,
        },
      ]);
      expect(
        (await store.getRepositories(['ghcr.io/acme/typo'])).get(
          'ghcr.io/acme/typo',
        ),
      ).toMatchObject({
        tags: undefined,
        lastScanAt: 90,
        lastErrorKind: 'registry-not-found',
        consecutiveFailures: 1,
      });
    });

    it('grants a lease to one acquisition at a time, never re-entrant, renewable only by its token', async () => {
      const store = await createStore(databaseId);
      const key = 'https://github.com/acme/deploy#image-automation/x';
      const first = await store.acquireLease(key, 100, 200);
      expect(first).toMatch(/^[0-9a-f]{32}$/);
      // A second acquisition, even from the same process, is refused.
      expect(await store.acquireLease(key, 150, 250)).toBeUndefined();
      expect(await store.renewLease(key, first!, 150, 300)).toBe(true);
      expect(await store.acquireLease(key, 250, 400)).toBeUndefined();
      // Expired: taken over by a new acquisition with its own token...
      const second = await store.acquireLease(key, 301, 400);
      expect(second).toBeDefined();
      expect(second).not.toBe(first);
      // ...and the old holder can neither renew nor release it.
      expect(await store.renewLease(key, first!, 302, 500)).toBe(false);
      await store.releaseLease(key, first!);
      expect(await store.acquireLease(key, 302, 400)).toBeUndefined();
      await store.releaseLease(key, second!);
      expect(await store.acquireLease(key, 302, 400)).toBeDefined();
    });

    it('keeps declined targets, the record state and the note of a write-back', async () => {
      const store = await createStore(databaseId);
      await store.saveWriteBack({
        entityRef: 'component:default/a',
        gitRepository: 'https://github.com/acme/deploy',
        branch: 'image-automation/a',
        state: 'declined',
        prNumber: 4,
        prState: 'closed',
        declinedTags: { api: '1.4.2' },
        declinedAt: 77,
        baseSha: 'b'.repeat(40),
        pendingCommitSha: 'c'.repeat(40),
        note: 'closed without merging, 1.4.2 skipped',
        updatedAt: 78,
      });
      expect(await store.getWriteBack('component:default/a')).toMatchObject({
        state: 'declined',
        declinedTags: { api: '1.4.2' },
        declinedAt: 77,
        baseSha: 'b'.repeat(40),
        pendingCommitSha: 'c'.repeat(40),
        note: 'closed without merging, 1.4.2 skipped',
      });
    });

    it('keeps the kind of host a write-back reached; rows from before it are named by their change request URL', async () => {
      const knex = await databases.init(databaseId);
      const database = mockServices.database.mock({
        getClient: async () => knex,
      });
      const store = await DatabaseImageAutomationStore.create({ database });
      await store.saveWriteBack({
        entityRef: 'component:default/pushed',
        gitRepository: 'ssh://git@git.internal:2222/team/app.git',
        hostKind: 'git',
        branch: 'main',
        state: 'pushed',
        lastCommitSha: 'c'.repeat(40),
        updatedAt: 1,
      });
      expect(
        await store.getWriteBack('component:default/pushed'),
      ).toMatchObject({ hostKind: 'git', lastCommitSha: 'c'.repeat(40) });

      // As an older version left them: no host kind.
      const migration = {
        directory: resolvePackagePath(
          '@image-automation/plugin-image-automation-backend',
          'migrations',
        ),
        name: '20261201400000_change_destination.js',
      };
      await knex.migrate.down(migration);
      const row = (entityRef: string, prUrl?: string) => ({
        entity_ref: entityRef,
        git_repository: 'https://example.com/acme/deploy',
        branch: 'image-automation/x',
        pr_number: prUrl ? 3 : null,
        pr_url: prUrl ?? null,
        updated_at: 1,
      });
      await knex('ia_write_backs').insert([
        row(
          'component:default/mr',
          'https://gitlab.example.com/acme/deploy/-/merge_requests/3',
        ),
        row('component:default/pr', 'https://github.com/acme/deploy/pull/3'),
        row('component:default/none'),
      ]);
      await knex.migrate.up(migration);

      const kinds = Object.fromEntries(
        (await store.listWriteBacks()).map(w => [w.entityRef, w.hostKind]),
      );
      expect(kinds).toEqual({
        'component:default/mr': 'gitlab',
        'component:default/pr': 'github',
        'component:default/none': undefined,
        // Rolled back and forth: a row's own kind is gone with the column.
        'component:default/pushed': undefined,
      });
    });

    it('lists due entities the catalog still holds, and those that left', async () => {
      const store = await createStore(databaseId);
      await store.saveDiscoveredEntities([
        discovered('component:default/here', 10),
        discovered('component:default/gone', 1),
      ]);
      expect(
        (await store.listDueEntities(20, 10)).map(e => e.entityRef),
      ).toEqual(['component:default/here']);
      expect(
        (await store.listEntitiesNotSeenSince(10)).map(e => e.entityRef),
      ).toEqual(['component:default/gone']);
    });

    it('appends history and reads it newest first', async () => {
      const store = await createStore(databaseId);
      await store.appendHistory([
        {
          entityRef: 'component:default/a',
          imageName: 'api',
          event: 'update-available',
          fromTag: '1.0.0',
          toTag: '1.1.0',
          createdAt: 1,
        },
        {
          entityRef: 'component:default/a',
          event: 'pr-opened',
          prNumber: 7,
          createdAt: 2,
        },
      ]);
      const history = await store.listHistory('component:default/a');
      expect(history.map(h => h.event)).toEqual([
        'pr-opened',
        'update-available',
      ]);
      expect(history[1]).toMatchObject({
        fromTag: '1.0.0',
        toTag: '1.1.0',
        imageName: 'api',
      });
    });

    it('pages history newest first, with the total', async () => {
      const store = await createStore(databaseId);
      await store.appendHistory(
        Array.from({ length: 7 }, (_, i) => ({
          entityRef: 'component:default/a',
          event: 'update-available' as const,
          toTag: `1.${i}.0`,
          createdAt: i,
        })),
      );
      await store.appendHistory([
        { entityRef: 'component:default/b', event: 'pushed', createdAt: 9 },
      ]);
      const first = await store.pageHistory('component:default/a', {
        offset: 0,
        limit: 3,
      });
      expect(first.totalItems).toBe(7);
      expect(first.items.map(e => e.toTag)).toEqual([
        '1.6.0',
        '1.5.0',
        '1.4.0',
      ]);
      const last = await store.pageHistory('component:default/a', {
        offset: 6,
        limit: 3,
      });
      expect(last.items.map(e => e.toTag)).toEqual(['1.0.0']);
      expect(new Set([...first.items, ...last.items].map(e => e.id)).size).toBe(
        4,
      );
    });

    it('deletes history older than the retention, and only that', async () => {
      const store = await createStore(databaseId);
      await store.appendHistory([
        { entityRef: 'component:default/a', event: 'pushed', createdAt: 100 },
        {
          entityRef: 'component:default/a',
          event: 'pr-opened',
          createdAt: 200,
        },
        { entityRef: 'component:default/b', event: 'pushed', createdAt: 150 },
      ]);
      expect(await store.deleteHistoryBefore(160)).toBe(2);
      expect(
        (await store.listHistory('component:default/a')).map(e => e.event),
      ).toEqual(['pr-opened']);
      expect(await store.listHistory('component:default/b')).toEqual([]);
    });

    it('deletes the history of an entity that left, and the repositories no entity uses any more', async () => {
      const store = await createStore(databaseId);
      await store.saveDiscoveredEntities([
        discovered('component:default/gone', 1),
        discovered('component:default/stays', 5),
      ]);
      await store.replaceImages(
        ['component:default/gone', 'component:default/stays'],
        [
          {
            ...image('component:default/gone', 'old', '1.1.0'),
            repository: 'ghcr.io/acme/old',
          },
          image('component:default/gone', 'api', '1.1.0'),
          image('component:default/stays', 'api', '1.1.0'),
        ],
      );
      await store.saveRepositories(
        ['ghcr.io/acme/old', 'ghcr.io/acme/api'].map(repository => ({
          repository,
          tags: FirstSeenTags.fromRecord({ '1.1.0': 1 }),
          consecutiveFailures: 0,
        })),
      );
      await store.appendHistory([
        { entityRef: 'component:default/gone', event: 'pushed', createdAt: 1 },
        { entityRef: 'component:default/stays', event: 'pushed', createdAt: 1 },
      ]);

      expect(await store.removeEntitiesNotSeenSince(5)).toEqual([
        'component:default/gone',
      ]);
      expect(await store.listHistory('component:default/gone')).toEqual([]);
      expect(await store.listHistory('component:default/stays')).toHaveLength(
        1,
      );
      const repositories = await store.getRepositories([
        'ghcr.io/acme/old',
        'ghcr.io/acme/api',
      ]);
      expect([...repositories.keys()]).toEqual(['ghcr.io/acme/api']);
    });
  },
);
