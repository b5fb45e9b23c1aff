/*
 * The GitHub write-back scenarios on GitLab: the engine with the real registry harness and the
 * GitLab emulator (a real bare git repository underneath), through integrations.gitlab only.
 * One merge request per entity kept up to date, declined merge requests remembered, a person's
 * commit never overwritten, a base that caught up closes the merge request with a note.
 */
import {
  mockServices,
  TestDatabaseId,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { JsonObject } from '@backstage/types';
import {
  GitlabEmulator,
  StartedRegistry,
  startGitlabEmulator,
  startRegistry,
} from '@internal/image-automation-test-harness';
import { execFileSync } from 'node:child_process';
import { Knex } from 'knex';
import { GitlabRepository } from '../scm/gitlab/GitlabRepository';
import { entityResponseOf } from '../service/responses';
import {
  changedLinesOf,
  componentEntity,
  engineOverMockServices,
} from '../__testUtils__/engineFixtures';

jest.setTimeout(180_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const TOKEN = 'glpat-write-back';
const BRANCH = 'image-automation/component-default-api';
const GROUP = 'acme/platform';

let registry: StartedRegistry;
let gitlab: GitlabEmulator;
let projectCounter = 0;

beforeAll(async () => {
  [registry, gitlab] = await Promise.all([
    startRegistry(),
    startGitlabEmulator({ tokens: [TOKEN] }),
  ]);
});
afterAll(async () => {
  await Promise.all([registry?.stop(), gitlab?.stop()]);
});

const manifest = (image: string, tag: string) => `apiVersion: apps/v1
kind: Deployment
metadata:
  name: api   # inline comment
spec:
  template:
    spec:
      containers:
        - name: api
          image: "${registry.host}/${image}:${tag}" # {"$imagepolicy": "api"}
        - name: sidecar
          image: busybox:1.36
`;

/** A fresh project and image for each test, so tests stay independent. */
async function fixture(mode: 'pull-request' | 'push' = 'pull-request') {
  const name = `deploy${++projectCounter}`;
  const path = `${GROUP}/${name}`;
  const image = `team/gl-api${projectCounter}`;
  await registry.pushTags(image, ['1.0.0', '1.1.0']);
  await gitlab.createProject(path, {
    files: {
      'deploy/api.yaml': manifest(image, '1.0.0'),
      'README.md': 'hello\n',
    },
  });
  const entity = componentEntity('api', {
    // Registered from the project it writes: allowed by default.
    'backstage.io/managed-by-location': `url:${gitlab.baseUrl}/${path}/-/blob/main/catalog-info.yaml`,
    'image-automation/repo': `${gitlab.baseUrl}/${path}`,
    'image-automation/image': `${registry.host}/${image}`,
    'image-automation/policy': 'semver: ^1.0.0',
    'image-automation/files': 'deploy/api.yaml',
    'image-automation/mode': mode,
  });
  return { name, path, image, entity };
}

async function engineFor(
  databaseId: TestDatabaseId,
  entity: Entity | Entity[],
  options: {
    knex?: Knex;
    instanceId?: string;
    now?: () => number;
    git?: Record<string, unknown>;
  } = {},
) {
  const knex = options.knex ?? (await databases.init(databaseId));
  const services = await engineOverMockServices({
    knex,
    entities: entity,
    config: {
      app: { baseUrl: 'http://backstage.example' },
      integrations: {
        gitlab: [
          {
            host: gitlab.host,
            baseUrl: gitlab.baseUrl,
            apiBaseUrl: gitlab.apiBaseUrl,
            token: TOKEN,
          },
        ],
      },
      imageAutomation: {
        registries: [{ host: registry.host, insecure: true }],
        git: { labels: ['dependencies'], ...options.git } as JsonObject,
      },
    },
    instanceId: options.instanceId,
    now: options.now,
  });
  return { ...services, knex };
}

/**
 * A fresh fixture and its engine after the first cycle, on a clock that only
 * `tenMinutesLater()` moves, so that each later cycle is due.
 */
async function afterFirstCycle(databaseId: TestDatabaseId) {
  const { name, path, image, entity } = await fixture();
  let clock = Date.now();
  const services = await engineFor(databaseId, entity, { now: () => clock });
  await services.engine.runCycle();
  return {
    name,
    path,
    image,
    entity,
    ...services,
    tenMinutesLater: () => {
      clock += 10 * 60_000;
    },
  };
}

/** Everything the engine logged, as one string: the token must never be in it. */
const logged = (logger: ReturnType<typeof mockServices.logger.mock>) =>
  JSON.stringify(
    (['debug', 'info', 'warn', 'error'] as const).map(
      level => (logger[level] as jest.Mock).mock.calls,
    ),
  );

function git(path: string, ...args: string[]): string {
  return execFileSync('git', ['--git-dir', gitlab.gitDir(path), ...args], {
    encoding: 'utf8',
  });
}

/** The lines a branch changes against main, as `-old`/`+new` pairs. */
function changedLines(path: string, branch: string): string[] {
  return changedLinesOf(git(path, 'diff', '--unified=0', `main...${branch}`));
}

const openMergeRequests = async (path: string) =>
  (await gitlab.listMergeRequests(path)).filter(m => m.state === 'opened');

describe('write-back on GitLab (SQLITE_3)', () => {
  const databaseId: TestDatabaseId = 'SQLITE_3';

  it('opens one merge request whose diff is exactly the image line, and keeps it up to date', async () => {
    const { path, image, engine, store, tenMinutesLater } =
      await afterFirstCycle(databaseId);

    const mrs = await gitlab.listMergeRequests(path);
    expect(mrs).toEqual([
      expect.objectContaining({
        state: 'opened',
        sourceBranch: BRANCH,
        targetBranch: 'main',
        labels: ['dependencies'],
        title: `chore(images): update ${registry.host}/${image} to 1.1.0`,
      }),
    ]);
    expect(mrs[0].description).toContain(
      `| \`${registry.host}/${image}:1.0.0\` | \`${registry.host}/${image}:1.1.0\` | \`deploy/api.yaml:10\` |`,
    );
    expect(changedLines(path, BRANCH)).toEqual([
      `-          image: "${registry.host}/${image}:1.0.0" # {"$imagepolicy": "api"}`,
      `+          image: "${registry.host}/${image}:1.1.0" # {"$imagepolicy": "api"}`,
    ]);
    expect(await store.getWriteBack('component:default/api')).toMatchObject({
      prNumber: mrs[0].iid,
      prState: 'open',
      prUrl: `${gitlab.baseUrl}/${path}/-/merge_requests/${mrs[0].iid}`,
      hostKind: 'gitlab',
      note: `!${mrs[0].iid} opened`,
    });
    const entityView = entityResponseOf(
      (await store.getEntityView('component:default/api'))!,
    );
    expect(entityView.gitHost).toBe('gitlab');
    expect(entityView.images[0].change).toEqual({
      kind: 'merge-request',
      reference: `!${mrs[0].iid}`,
      url: `${gitlab.baseUrl}/${path}/-/merge_requests/${mrs[0].iid}`,
      branch: BRANCH,
      commitSha: git(path, 'rev-parse', BRANCH).trim(),
      number: mrs[0].iid,
      state: 'open',
      tag: '1.1.0',
    });

    // Cycles with nothing new write nothing.
    const head = git(path, 'rev-parse', BRANCH);
    tenMinutesLater();
    await engine.runCycle();
    expect(git(path, 'rev-parse', BRANCH)).toBe(head);
    expect(await gitlab.listMergeRequests(path)).toHaveLength(1);

    // A newer tag updates the same branch and merge request.
    await registry.pushTags(image, ['1.2.0']);
    tenMinutesLater();
    await engine.runCycle();
    const updated = await gitlab.listMergeRequests(path);
    expect(updated).toHaveLength(1);
    expect(updated[0].iid).toBe(mrs[0].iid);
    expect(updated[0].title).toContain('to 1.2.0');
    expect(await store.getWriteBack('component:default/api')).toMatchObject({
      note: `!${mrs[0].iid} updated`,
    });
    expect(changedLines(path, BRANCH)[1]).toContain(`${image}:1.2.0"`);
    expect(git(path, 'rev-list', '--count', `main..${BRANCH}`).trim()).toBe(
      '1',
    );
    // No scratch branch is left behind.
    expect(
      git(path, 'for-each-ref', 'refs/heads/image-automation/scratch/'),
    ).toBe('');
  });

  it('after a merge, a newer tag opens a fresh merge request; a base that caught up closes it with a note', async () => {
    const { path, image, engine, store, tenMinutesLater } =
      await afterFirstCycle(databaseId);
    const [first] = await gitlab.listMergeRequests(path);
    await gitlab.mergeMergeRequest(path, first.iid);

    tenMinutesLater();
    await engine.runCycle();
    expect((await store.listImages())[0]).toMatchObject({
      state: 'up-to-date',
      currentTag: '1.1.0',
    });
    expect(await store.getWriteBack('component:default/api')).toMatchObject({
      prState: 'merged',
    });

    await registry.pushTags(image, ['1.3.0']);
    tenMinutesLater();
    await engine.runCycle();
    const mrs = await gitlab.listMergeRequests(path);
    expect(mrs.map(m => [m.iid, m.state])).toEqual([
      [first.iid, 'merged'],
      [expect.any(Number), 'opened'],
    ]);

    // Someone bumps the base by hand: the open merge request has nothing left to do.
    await gitlab.commitFiles(
      path,
      'main',
      {
        'deploy/api.yaml': (await gitlab.readFile(
          path,
          'main',
          'deploy/api.yaml',
        ))!.replace(':1.1.0"', ':1.3.0"'),
      },
      { message: 'bump by hand' },
    );
    tenMinutesLater();
    await engine.runCycle();
    const closed = await gitlab.listMergeRequests(path);
    expect(closed[1]).toMatchObject({ state: 'closed' });
    expect(closed[1].notes.join('\n')).toMatch(
      /already holds the newest allowed tags/,
    );
  });

  it('remembers a merge request closed without merging: that tag is not proposed again, a newer one opens one new merge request', async () => {
    const { path, image, entity } = await fixture();
    let clock = Date.now();
    const { engine, store } = await engineFor(databaseId, entity, {
      now: () => clock,
    });
    await engine.runCycle();
    const [first] = await gitlab.listMergeRequests(path);
    await gitlab.closeMergeRequest(path, first.iid);

    for (let cycle = 0; cycle < 2; cycle++) {
      clock += 10 * 60_000;
      await engine.runCycle();
    }
    expect(await gitlab.listMergeRequests(path)).toEqual([
      expect.objectContaining({ iid: first.iid, state: 'closed' }),
    ]);
    expect(await store.getWriteBack('component:default/api')).toMatchObject({
      state: 'declined',
      declinedTags: { api: '1.1.0' },
    });

    await registry.pushTags(image, ['1.2.0']);
    clock += 10 * 60_000;
    await engine.runCycle();
    expect(await openMergeRequests(path)).toEqual([
      expect.objectContaining({ title: expect.stringContaining('to 1.2.0') }),
    ]);
  });

  it.each([
    ['a plain commit', 'my fix'],
    [
      'a commit that keeps our trailer',
      'tweak\n\nImage-Automation-Entity: component:default/api\n',
    ],
  ])(
    "never overwrites a person's commit on the branch (%s), and says so",
    async (_, message) => {
      const { path, image, engine, store, tenMinutesLater } =
        await afterFirstCycle(databaseId);
      const personal = await gitlab.commitFiles(
        path,
        BRANCH,
        { 'NOTES.md': 'my notes\n' },
        { message },
      );

      await registry.pushTags(image, ['1.4.0']);
      tenMinutesLater();
      await engine.runCycle();

      expect(git(path, 'rev-parse', BRANCH).trim()).toBe(personal);
      expect((await store.listImages())[0]).toMatchObject({
        state: 'error',
        errorKind: 'branch-edited',
        latestTag: '1.4.0',
      });
    },
  );

  it("moves a branch only from the sha it read: a person's push between read and write stays", async () => {
    const { path, image, engine, store, tenMinutesLater } =
      await afterFirstCycle(databaseId);
    await registry.pushTags(image, ['1.7.0']);
    let theirs: string | undefined;
    const createCommit = GitlabRepository.prototype.createCommit;
    const spy = jest
      .spyOn(GitlabRepository.prototype, 'createCommit')
      .mockImplementation(async function racingCommit(
        this: GitlabRepository,
        ...args
      ) {
        const commit = await createCommit.apply(this, args);
        theirs ??= await gitlab.commitFiles(
          path,
          BRANCH,
          { 'NOTES.md': 'raced\n' },
          { message: 'raced' },
        );
        return commit;
      });
    tenMinutesLater();
    await engine.runCycle();
    spy.mockRestore();
    expect(theirs).toBeDefined();
    expect(git(path, 'rev-parse', BRANCH).trim()).toBe(theirs);
    expect((await store.listImages())[0]).toMatchObject({
      errorKind: 'branch-edited',
    });
  });

  it('push mode commits to the base with a fast-forward, and retries when the base moves', async () => {
    const { path, image, entity } = await fixture('push');
    const services = await engineFor(databaseId, entity, {
      git: { allowPush: [`${gitlab.host}/${path}`] },
    });
    let raced = false;
    let reads = 0;
    const readFiles = GitlabRepository.prototype.readFiles;
    const spy = jest
      .spyOn(GitlabRepository.prototype, 'readFiles')
      .mockImplementation(async function racingRead(
        this: GitlabRepository,
        ...args
      ) {
        const result = await readFiles.apply(this, args);
        // The first read is the cycle's; the second is the write-back's plan.
        if (!raced && ++reads === 2) {
          raced = true;
          await gitlab.commitFiles(
            path,
            'main',
            { 'OTHER.md': 'racing\n' },
            { message: 'racing commit' },
          );
        }
        return result;
      });
    await services.engine.runCycle();
    spy.mockRestore();

    expect(raced).toBe(true);
    expect(
      git(path, 'log', '--format=%s', 'main').split('\n').slice(0, 2),
    ).toEqual([
      `chore(images): update ${registry.host}/${image} to 1.1.0`,
      'racing commit',
    ]);
    expect(await gitlab.readFile(path, 'main', 'OTHER.md')).toBe('racing\n');
    expect(await gitlab.readFile(path, 'main', 'deploy/api.yaml')).toContain(
      `${image}:1.1.0"`,
    );
    expect(await gitlab.listMergeRequests(path)).toEqual([]);
    const main = git(path, 'rev-parse', 'main').trim();
    const { images } = entityResponseOf(
      (await services.store.getEntityView('component:default/api'))!,
    );
    expect(images[0].change).toEqual({
      kind: 'commit',
      reference: main.slice(0, 7),
      branch: 'main',
      commitSha: main,
      tag: '1.1.0',
    });
  });

  it('says a protected base refuses push mode, in plain words', async () => {
    const { path, entity } = await fixture('push');
    await gitlab.setProtectedBranch(path, 'main', true);
    const { engine, store, logger } = await engineFor(databaseId, entity, {
      git: { allowPush: [`${gitlab.host}/${path}`] },
    });
    await engine.runCycle();
    expect(await gitlab.readFile(path, 'main', 'deploy/api.yaml')).toContain(
      ':1.0.0"',
    );
    const record = await store.getWriteBack('component:default/api');
    expect(record).toMatchObject({ errorKind: 'git-protected-branch' });
    expect(record?.errorMessage).toMatch(/protected/);
    expect(logged(logger)).toContain('protected');
    expect(logged(logger)).not.toContain(TOKEN);
  });

  it('survives GitLab 502s and rate limits', async () => {
    const { path, entity } = await fixture();
    const { engine } = await engineFor(databaseId, entity);
    gitlab.injectFaults({
      status5xx: 2,
      rateLimited: { count: 1, retryAfterSeconds: 1 },
    });
    await engine.runCycle();
    gitlab.clearFaults();
    expect(await openMergeRequests(path)).toHaveLength(1);
  });

  it('closes nothing in an undecided cycle: GitLab 502s while reading leave merge request, branch and record as they are', async () => {
    const { path, engine, store, tenMinutesLater } = await afterFirstCycle(
      databaseId,
    );
    const before = await store.getWriteBack('component:default/api');
    const head = git(path, 'rev-parse', BRANCH).trim();

    gitlab.injectFaults({ status5xx: 50 });
    tenMinutesLater();
    await engine.runCycle();
    gitlab.clearFaults();

    const [mr] = await gitlab.listMergeRequests(path);
    expect(mr).toMatchObject({ state: 'opened', notes: [] });
    expect(git(path, 'rev-parse', BRANCH).trim()).toBe(head);
    expect(await store.getWriteBack('component:default/api')).toEqual(before);
  });

  it('closes the merge request of an entity switched to observe, with a note', async () => {
    const { path, entity } = await fixture();
    const knex = await databases.init(databaseId);
    const first = await engineFor(databaseId, entity, { knex });
    await first.engine.runCycle();
    const observing = {
      ...entity,
      metadata: {
        ...entity.metadata,
        annotations: {
          ...entity.metadata.annotations,
          'image-automation/mode': 'observe',
        },
      },
    };
    const second = await engineFor(databaseId, observing, {
      knex,
      now: () => Date.now() + 10 * 60_000,
    });
    await second.engine.runCycle();
    const [mr] = await gitlab.listMergeRequests(path);
    expect(mr.state).toBe('closed');
    expect(mr.notes.join('\n')).toMatch(
      /switched to `image-automation\/mode: observe`/,
    );
  });
});

// eachSupportedId lists PostgreSQL only when a server is configured.
const postgres = databases
  .eachSupportedId()
  .filter(([id]) => id === 'POSTGRES_15');

describe.each(postgres)(
  'two engines on one %p database, on GitLab',
  databaseId => {
    it('produce exactly one merge request and one commit', async () => {
      const { path, entity } = await fixture();
      const a = await engineFor(databaseId, entity, {
        instanceId: 'replica-a',
      });
      const b = await engineFor(databaseId, entity, {
        knex: a.knex,
        instanceId: 'replica-b',
      });
      await Promise.all([a.engine.runCycle(), b.engine.runCycle()]);
      expect(await gitlab.listMergeRequests(path)).toHaveLength(1);
      expect(git(path, 'rev-list', '--count', `main..${BRANCH}`).trim()).toBe(
        '1',
      );
    });
  },
);
