/*
 * The write-back end to end, in process: the engine with the real registry
 * harness and the GitHub emulator (a real bare git repository underneath), on
 * SQLite and PostgreSQL. Results are checked with real `git`.
 */
import { TestDatabaseId, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { JsonObject } from '@backstage/types';
import {
  GithubEmulator,
  StartedRegistry,
  startGithubEmulator,
  startRegistry,
} from '@internal/image-automation-test-harness';
import { execFileSync } from 'node:child_process';
import { Knex } from 'knex';
import { Octokit } from '@octokit/rest';
import { GONE_GRACE_MS } from '../engine/AutomationEngine';
import { GithubRepositoryClient } from '../scm/github/GithubRepositoryClient';
import {
  ImageAutomationStore,
  SIGHTING_RESOLUTION_MS,
} from '../database/ImageAutomationStore';
import { entityResponseOf } from '../service/responses';
import {
  changedLinesOf,
  componentEntity,
  engineOverMockServices,
} from '../__testUtils__/engineFixtures';

jest.setTimeout(120_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3', 'POSTGRES_15'] });
const TOKEN = 'write-back-token';
const BRANCH = 'image-automation/component-default-api';

let registry: StartedRegistry;
let github: GithubEmulator;
let repoCounter = 0;

beforeAll(async () => {
  [registry, github] = await Promise.all([
    startRegistry(),
    startGithubEmulator({ tokens: [TOKEN] }),
  ]);
});
afterAll(async () => {
  await Promise.all([registry?.stop(), github?.stop()]);
});

const manifest = (
  tag: string,
) => `# The API deployment; comments and 'quotes' must survive.
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api   # inline comment
spec:
  template:
    spec:
      containers:
        - name: api
          image: "${registry.host}/team/api:${tag}" # {"$imagepolicy": "api"}
        - name: sidecar
          image: busybox:1.36
`;

/** A fresh repository and image for each test, so tests stay independent. */
async function fixture(
  mode: 'pull-request' | 'push' | 'push-branch' | 'observe' = 'pull-request',
  options: {
    files?: Record<string, string>;
    annotations?: Record<string, string>;
  } = {},
) {
  const name = `deploy${++repoCounter}`;
  const image = `team/api${repoCounter}`;
  await registry.pushTags(image, ['1.0.0', '1.1.0']);
  await github.createRepository('acme', name, {
    files: options.files
      ? Object.fromEntries(
          Object.entries(options.files).map(([path, content]) => [
            path,
            content.replaceAll('IMAGE', `${registry.host}/${image}`),
          ]),
        )
      : {
          'deploy/api.yaml': manifest('1.0.0').replace(
            'team/api:',
            `${image}:`,
          ),
          'README.md': 'hello\n',
        },
  });
  const entity = componentEntity('api', {
    // Registered from the repository it writes: allowed by default.
    'backstage.io/managed-by-location': `url:https://github.com/acme/${name}/blob/main/catalog-info.yaml`,
    'image-automation/repo': `https://github.com/acme/${name}`,
    'image-automation/image': `${registry.host}/${image}`,
    'image-automation/policy': 'semver: ^1.0.0',
    'image-automation/files': 'deploy/api.yaml',
    'image-automation/mode': mode,
    ...options.annotations,
  });
  return { name, image, entity };
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
        github: [
          { host: 'github.com', apiBaseUrl: github.apiBaseUrl, token: TOKEN },
        ],
      },
      imageAutomation: {
        registries: [{ host: registry.host, insecure: true }],
        git: {
          labels: ['dependencies'],
          allowPush: ['github.com/acme/push-*'],
          ...options.git,
        } as JsonObject,
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
  const { name, image, entity } = await fixture();
  let clock = Date.now();
  const services = await engineFor(databaseId, entity, { now: () => clock });
  await services.engine.runCycle();
  return {
    name,
    image,
    entity,
    ...services,
    tenMinutesLater: () => {
      clock += 10 * 60_000;
    },
  };
}

/** What the entity endpoint says about where the changes went. */
async function changesOf(store: ImageAutomationStore, entityRef: string) {
  const response = entityResponseOf((await store.getEntityView(entityRef))!);
  return { entity: response.change, image: response.images[0].change };
}

/** Acts as a person would through GitHub's API. */
function person() {
  return new Octokit({ baseUrl: github.apiBaseUrl, auth: TOKEN });
}

function git(name: string, ...args: string[]): string {
  return execFileSync(
    'git',
    ['--git-dir', github.gitDir('acme', name), ...args],
    { encoding: 'utf8' },
  );
}

/** The commit `ref` points at in the repository. */
function shaOf(name: string, ref: string): string {
  return git(name, 'rev-parse', ref).trim();
}

/** A person's own commit on the write-back branch; returns its sha. */
function personCommitsOnBranch(
  name: string,
  files: Record<string, string>,
  message: string,
): Promise<string> {
  return github.commitFiles('acme', name, BRANCH, files, { message });
}

/** The lines a branch changes against main, as `-old`/`+new` pairs. */
function changedLines(name: string, branch: string): string[] {
  return changedLinesOf(git(name, 'diff', '--unified=0', `main...${branch}`));
}

// The scenarios run on SQLite; the store's SQL is covered on both databases
// by its own tests, and replicas share PostgreSQL in the last test.
describe.each([['SQLITE_3' as TestDatabaseId]])(
  'write-back on %p',
  databaseId => {
    it('opens one pull request whose diff is exactly the image line, and keeps it up to date', async () => {
      const { name, image, engine, store, tenMinutesLater } =
        await afterFirstCycle(databaseId);

      const pulls = await github.listPullRequests('acme', name);
      expect(pulls).toEqual([
        expect.objectContaining({
          state: 'open',
          head: BRANCH,
          base: 'main',
          labels: ['dependencies'],
        }),
      ]);
      expect(pulls[0].title).toBe(
        `chore(images): update ${registry.host}/${image} to 1.1.0`,
      );
      expect(pulls[0].body).toContain(
        `| \`${registry.host}/${image}:1.0.0\` | \`${registry.host}/${image}:1.1.0\` | \`deploy/api.yaml:11\` |`,
      );
      expect(pulls[0].body).toContain(
        'http://backstage.example/catalog/default/component/api',
      );
      expect(changedLines(name, BRANCH)).toEqual([
        `-          image: "${registry.host}/${image}:1.0.0" # {"$imagepolicy": "api"}`,
        `+          image: "${registry.host}/${image}:1.1.0" # {"$imagepolicy": "api"}`,
      ]);
      const [status] = await store.listImages();
      expect(status).toMatchObject({ state: 'pr-open', latestTag: '1.1.0' });
      expect(await store.getWriteBack('component:default/api')).toMatchObject({
        prNumber: pulls[0].number,
        prState: 'open',
        hostKind: 'github',
        note: `#${pulls[0].number} opened`,
      });
      const head = shaOf(name, BRANCH);
      expect(await changesOf(store, 'component:default/api')).toEqual({
        entity: expect.objectContaining({ kind: 'pull-request' }),
        image: {
          kind: 'pull-request',
          reference: `#${pulls[0].number}`,
          url: expect.stringMatching(
            new RegExp(`/acme/${name}/pull/${pulls[0].number}$`),
          ),
          branch: BRANCH,
          commitSha: head,
          number: pulls[0].number,
          state: 'open',
          tag: '1.1.0',
        },
      });

      // Cycles with nothing new write nothing.
      const commitsBefore = git(name, 'rev-list', '--count', BRANCH);
      tenMinutesLater();
      await engine.runCycle();
      expect(git(name, 'rev-list', '--count', BRANCH)).toBe(commitsBefore);
      expect(await github.listPullRequests('acme', name)).toHaveLength(1);

      // A newer tag updates the same branch and pull request.
      await registry.pushTags(image, ['1.2.0']);
      tenMinutesLater();
      await engine.runCycle();
      const updated = await github.listPullRequests('acme', name);
      expect(updated).toHaveLength(1);
      expect(updated[0].title).toContain('to 1.2.0');
      expect(changedLines(name, BRANCH)[1]).toContain(`${image}:1.2.0"`);
      expect(git(name, 'rev-list', '--count', `main..${BRANCH}`).trim()).toBe(
        '1',
      );
    });

    it('after a merge, a newer tag opens a fresh pull request; a base that caught up closes it', async () => {
      const { name, image, engine, store, tenMinutesLater } =
        await afterFirstCycle(databaseId);
      const [first] = await github.listPullRequests('acme', name);
      await github.mergePullRequest('acme', name, first.number);

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
      const pulls = await github.listPullRequests('acme', name);
      expect(pulls.map(p => [p.number, p.state])).toEqual([
        [first.number, 'closed'],
        [expect.any(Number), 'open'],
      ]);
      expect(pulls[1].number).not.toBe(first.number);

      // Someone bumps the base by hand: the open pull request has nothing left to do.
      await github.commitFiles(
        'acme',
        name,
        'main',
        {
          'deploy/api.yaml': (await github.readFile(
            'acme',
            name,
            'main',
            'deploy/api.yaml',
          ))!.replace(':1.1.0"', ':1.3.0"'),
        },
        { message: 'bump by hand' },
      );
      tenMinutesLater();
      await engine.runCycle();
      const closed = await github.listPullRequests('acme', name);
      expect(closed[1]).toMatchObject({ state: 'closed' });
      expect(closed[1].comments.join('\n')).toMatch(
        /already holds the newest allowed tags/,
      );
    });

    it("never overwrites a person's commits on the branch, and says so", async () => {
      const { name, image, engine, store, tenMinutesLater } =
        await afterFirstCycle(databaseId);
      const personal = await personCommitsOnBranch(
        name,
        { 'NOTES.md': 'my notes\n' },
        'my fix',
      );

      await registry.pushTags(image, ['1.4.0']);
      tenMinutesLater();
      await engine.runCycle();

      expect(shaOf(name, BRANCH)).toBe(personal);
      const [status] = await store.listImages();
      expect(status).toMatchObject({
        state: 'error',
        errorKind: 'branch-edited',
        latestTag: '1.4.0',
      });
      expect(status.errorMessage).toMatch(
        /^someone pushed [0-9a-f]{7} \("my fix"\)/,
      );
      expect(
        (await store.listHistory('component:default/api')).map(h => h.event),
      ).toContain('branch-edited');
    });

    it('push mode commits to the base with a fast-forward, and retries when the base moves', async () => {
      const { name, image, entity } = await fixture('push');
      const services = await engineFor(databaseId, entity, {
        git: { allowPush: [`github.com/acme/${name}`] },
      });
      // A racing commit lands between reading the base for the commit and updating it.
      let raced = false;
      let reads = 0;
      const readFiles = GithubRepositoryClient.prototype.readFiles;
      const spy = jest
        .spyOn(GithubRepositoryClient.prototype, 'readFiles')
        .mockImplementation(async function racingRead(
          this: GithubRepositoryClient,
          ...args
        ) {
          const result = await readFiles.apply(this, args);
          // The first read is the cycle's; the second is the write-back's plan.
          if (!raced && ++reads === 2) {
            raced = true;
            await github.commitFiles(
              'acme',
              name,
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
      const log = git(name, 'log', '--format=%s', 'main');
      expect(log.split('\n').slice(0, 2)).toEqual([
        `chore(images): update ${registry.host}/${image} to 1.1.0`,
        'racing commit',
      ]);
      expect(await github.readFile('acme', name, 'main', 'OTHER.md')).toBe(
        'racing\n',
      );
      expect(
        await github.readFile('acme', name, 'main', 'deploy/api.yaml'),
      ).toContain(`${image}:1.1.0"`);
      expect(await github.listPullRequests('acme', name)).toEqual([]);
      expect(
        (await services.store.listHistory('component:default/api')).map(
          h => h.event,
        ),
      ).toContain('pushed');
      const main = shaOf(name, 'main');
      expect(
        await services.store.getWriteBack('component:default/api'),
      ).toMatchObject({ hostKind: 'github', lastCommitSha: main });
      expect(
        (await changesOf(services.store, 'component:default/api')).image,
      ).toEqual({
        kind: 'commit',
        reference: main.slice(0, 7),
        branch: 'main',
        commitSha: main,
        tag: '1.1.0',
      });
    });

    it('survives GitHub 5xx and secondary rate limits', async () => {
      const { name, entity } = await fixture();
      const { engine } = await engineFor(databaseId, entity);
      github.injectFaults({
        status5xx: 2,
        secondaryRateLimit: { count: 1, retryAfterSeconds: 1 },
      });
      await engine.runCycle();
      github.clearFaults();
      expect(await github.listPullRequests('acme', name)).toHaveLength(1);
    });
  },
);

describe('safe write-back on SQLITE_3', () => {
  const databaseId: TestDatabaseId = 'SQLITE_3';

  it('closes nothing in an undecided cycle: a GitHub 502 while reading leaves PR, branch and record as they are', async () => {
    const { name, engine, store, tenMinutesLater } = await afterFirstCycle(
      databaseId,
    );
    const before = await store.getWriteBack('component:default/api');
    const head = shaOf(name, BRANCH);

    github.injectFaults({ status5xx: 50 });
    tenMinutesLater();
    await engine.runCycle();
    github.clearFaults();

    const [pull] = await github.listPullRequests('acme', name);
    expect(pull).toMatchObject({ state: 'open', comments: [] });
    expect(shaOf(name, BRANCH)).toBe(head);
    expect(await store.getWriteBack('component:default/api')).toEqual(before);
    const [image] = await store.listImages();
    expect(image).toMatchObject({
      state: 'error',
      errorKind: 'git-unreachable',
    });
  });

  it('remembers a pull request closed without merging: that tag is not proposed again, a newer one opens one new pull request', async () => {
    const { name, image, engine, store, tenMinutesLater } =
      await afterFirstCycle(databaseId);
    const [first] = await github.listPullRequests('acme', name);
    await person().pulls.update({
      owner: 'acme',
      repo: name,
      pull_number: first.number,
      state: 'closed',
    });

    for (let cycle = 0; cycle < 2; cycle++) {
      tenMinutesLater();
      await engine.runCycle();
    }
    expect(await github.listPullRequests('acme', name)).toEqual([
      expect.objectContaining({ number: first.number, state: 'closed' }),
    ]);
    expect(await store.getWriteBack('component:default/api')).toMatchObject({
      state: 'declined',
      declinedTags: { api: '1.1.0' },
    });
    const [status] = await store.listImages();
    expect(status.message).toMatch(
      new RegExp(
        `#${first.number} was closed without merging on \\d{4}-\\d\\d-\\d\\d, api 1\\.1\\.0 skipped`,
      ),
    );
    expect(
      (await store.listHistory('component:default/api')).map(h => h.event),
    ).toContain('declined');

    await registry.pushTags(image, ['1.2.0']);
    tenMinutesLater();
    await engine.runCycle();
    const pulls = await github.listPullRequests('acme', name);
    expect(pulls.filter(p => p.state === 'open')).toEqual([
      expect.objectContaining({ title: expect.stringContaining('to 1.2.0') }),
    ]);
  });

  it('moves no place down: each file is compared with the target on its own, and the card names the files that disagree', async () => {
    const { name, entity } = await fixture('pull-request', {
      files: {
        'deploy/a.yaml': 'image: IMAGE:1.0.0 # {"$imagepolicy": "api"}\n',
        'deploy/b.yaml': 'image: IMAGE:1.2.0 # {"$imagepolicy": "api"}\n',
      },
      annotations: { 'image-automation/files': 'deploy/a.yaml, deploy/b.yaml' },
    });
    const { engine, store } = await engineFor(databaseId, entity);
    await engine.runCycle();

    expect(
      git(name, 'diff', '--name-only', `main...${BRANCH}`).trim().split('\n'),
    ).toEqual(['deploy/a.yaml']);
    expect(changedLines(name, BRANCH)[1]).toMatch(/:1\.1\.0 #/);
    const [image] = await store.listImages();
    expect(image.message).toMatch(
      /files disagree: deploy\/a\.yaml:1 holds 1\.0\.0, deploy\/b\.yaml:1 holds 1\.2\.0/,
    );
  });

  it('never swaps a repository: a setter naming another image is an error with file:line, nothing is written', async () => {
    const { name, entity } = await fixture('pull-request', {
      files: {
        'deploy/api.yaml':
          'image: ghcr.io/other/tool:1.0.0 # {"$imagepolicy": "api"}\n',
      },
    });
    const { engine, store } = await engineFor(databaseId, entity);
    await engine.runCycle();
    expect(await github.listPullRequests('acme', name)).toEqual([]);
    const [image] = await store.listImages();
    expect(image).toMatchObject({ state: 'error' });
    expect(image.errorMessage).toMatch(
      /deploy\/api\.yaml:1: holds "ghcr\.io\/other\/tool:1\.0\.0", an image of ghcr\.io\/other\/tool/,
    );
  });

  it('keeps a digest pin: the new tag is written with its own digest', async () => {
    const { name, image, entity } = await fixture('pull-request', {
      files: {
        'deploy/api.yaml': 'image: IMAGE:1.0.0@PIN # {"$imagepolicy": "api"}\n',
      },
    });
    const old = await registry.pushTags(image, ['1.0.0'], { label: 'one' });
    const newer = await registry.pushTags(image, ['1.1.0'], { label: 'two' });
    expect(newer).not.toBe(old);
    const path = 'deploy/api.yaml';
    await github.commitFiles(
      'acme',
      name,
      'main',
      {
        [path]: (await github.readFile('acme', name, 'main', path))!.replace(
          'PIN',
          old,
        ),
      },
      { message: 'pin the digest' },
    );
    const { engine } = await engineFor(databaseId, entity);
    await engine.runCycle();
    expect(changedLines(name, BRANCH)).toEqual([
      `-image: ${registry.host}/${image}:1.0.0@${old} # {"$imagepolicy": "api"}`,
      `+image: ${registry.host}/${image}:1.1.0@${newer} # {"$imagepolicy": "api"}`,
    ]);
  });

  it('writes only where the operator allows: another repository or push mode without allowPush is a config problem, never a silent skip', async () => {
    const { name, entity } = await fixture('pull-request', {
      annotations: {
        'backstage.io/managed-by-location':
          'url:https://github.com/acme/catalog/blob/main/catalog-info.yaml',
      },
    });
    const { engine, store } = await engineFor(databaseId, entity);
    await engine.runCycle();
    expect(await github.listPullRequests('acme', name)).toEqual([]);
    const stored = await store.getEntity('component:default/api');
    expect(stored?.configProblems).toEqual([
      {
        key: 'image-automation/repo',
        message: `github.com/acme/${name} is not the repository this entity is registered from (github.com/acme/catalog); an operator can allow it with imageAutomation.git.allowedRepositories: ['github.com/acme/${name}']`,
      },
    ]);
    expect((await store.listImages())[0]).toMatchObject({
      state: 'error',
      errorKind: 'config',
    });

    // Listed by the operator: allowed.
    const allowed = await engineFor(databaseId, entity, {
      git: { allowedRepositories: [`github.com/acme/deploy*`] },
    });
    await allowed.engine.runCycle();
    expect(await github.listPullRequests('acme', name)).toHaveLength(1);

    const push = await fixture('push');
    const pushing = await engineFor(databaseId, push.entity);
    await pushing.engine.runCycle();
    expect(
      await github.readFile('acme', push.name, 'main', 'deploy/api.yaml'),
    ).toContain(':1.0.0');
    expect(
      (await pushing.store.getEntity('component:default/api'))?.configProblems,
    ).toEqual([
      expect.objectContaining({
        key: 'image-automation/mode',
        message: expect.stringContaining('imageAutomation.git.allowPush'),
      }),
    ]);
  });

  it("never overwrites a person's commit, even one that keeps our trailer", async () => {
    const { name, image, engine, store, tenMinutesLater } =
      await afterFirstCycle(databaseId);
    const theirs = await personCommitsOnBranch(
      name,
      { 'NOTES.md': 'mine\n' },
      'tweak\n\nImage-Automation-Entity: component:default/api\n',
    );
    await registry.pushTags(image, ['1.5.0']);
    tenMinutesLater();
    await engine.runCycle();
    expect(shaOf(name, BRANCH)).toBe(theirs);
    expect((await store.listImages())[0]).toMatchObject({
      errorKind: 'branch-edited',
    });
  });

  it("lets a merged branch that holds a person's commit no longer block: the next tag opens a new pull request on a fresh branch", async () => {
    const { name, image, engine, tenMinutesLater } = await afterFirstCycle(
      databaseId,
    );
    const theirs = await personCommitsOnBranch(
      name,
      { 'NOTES.md': 'mine\n' },
      'my notes',
    );
    const [first] = await github.listPullRequests('acme', name);
    await github.mergePullRequest('acme', name, first.number);
    await registry.pushTags(image, ['1.6.0']);
    tenMinutesLater();
    await engine.runCycle();

    const open = (await github.listPullRequests('acme', name)).filter(
      p => p.state === 'open',
    );
    expect(open).toEqual([
      expect.objectContaining({ title: expect.stringContaining('to 1.6.0') }),
    ]);
    expect(open[0].head).not.toBe(BRANCH);
    expect(shaOf(name, BRANCH)).toBe(theirs);
  });

  it('closes the pull request of an entity switched to observe, with a comment', async () => {
    const { name, entity } = await fixture();
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
    const [pull] = await github.listPullRequests('acme', name);
    expect(pull.state).toBe('closed');
    expect(pull.comments.join('\n')).toMatch(
      /switched to `image-automation\/mode: observe`/,
    );
  });

  it('closes the pull request of an entity gone from the catalog for a day, not sooner', async () => {
    const { name, entity } = await fixture();
    const knex = await databases.init(databaseId);
    let clock = Date.now();
    const first = await engineFor(databaseId, entity, {
      knex,
      now: () => clock,
    });
    await first.engine.runCycle();
    const gone = await engineFor(databaseId, [], { knex, now: () => clock });
    clock += 60 * 60_000;
    await gone.engine.runCycle();
    expect((await github.listPullRequests('acme', name))[0].state).toBe('open');
    clock += GONE_GRACE_MS + SIGHTING_RESOLUTION_MS;
    await gone.engine.runCycle();
    const [pull] = await github.listPullRequests('acme', name);
    expect(pull.state).toBe('closed');
    expect(pull.comments.join('\n')).toMatch(/left the software catalog/);
  });

  it('reuses its own commit when opening the pull request failed after the branch moved', async () => {
    const { name, entity } = await fixture();
    let clock = Date.now();
    const { engine, store } = await engineFor(databaseId, entity, {
      now: () => clock,
    });
    const spy = jest
      .spyOn(GithubRepositoryClient.prototype, 'openChangeRequest')
      .mockRejectedValueOnce(new Error('connection reset'));
    await engine.runCycle();
    spy.mockRestore();
    const written = shaOf(name, BRANCH);
    expect(await github.listPullRequests('acme', name)).toEqual([]);
    expect(await store.getWriteBack('component:default/api')).toMatchObject({
      pendingCommitSha: written,
      errorMessage: 'connection reset',
    });

    clock += 10 * 60_000;
    await engine.runCycle();
    expect(await github.listPullRequests('acme', name)).toEqual([
      expect.objectContaining({ state: 'open', head: BRANCH }),
    ]);
    // The same commit, not a new one on a fresh branch.
    expect(shaOf(name, BRANCH)).toBe(written);
    expect(git(name, 'rev-list', '--count', `main..${BRANCH}`).trim()).toBe(
      '1',
    );
  });

  it('stops writing when its lease was lost, and says so', async () => {
    const { name, entity } = await fixture();
    const { engine, store } = await engineFor(databaseId, entity);
    jest.spyOn(store, 'renewLease').mockResolvedValue(false);
    await engine.runCycle();
    expect(await github.listPullRequests('acme', name)).toEqual([]);
    expect(git(name, 'branch', '--list', BRANCH).trim()).toBe('');
    expect(await store.getWriteBack('component:default/api')).toMatchObject({
      errorKind: 'git-conflict',
      errorMessage: expect.stringMatching(/lease .* expired/),
    });
  });

  it("moves a branch only from the sha it read: a person's push between read and write stays", async () => {
    const { name, image, engine, store, tenMinutesLater } =
      await afterFirstCycle(databaseId);
    await registry.pushTags(image, ['1.7.0']);
    // The person pushes right after the write-back planned its commit.
    let theirs: string | undefined;
    const createCommit = GithubRepositoryClient.prototype.createCommit;
    const spy = jest
      .spyOn(GithubRepositoryClient.prototype, 'createCommit')
      .mockImplementation(async function racingCommit(
        this: GithubRepositoryClient,
        ...args
      ) {
        const commit = await createCommit.apply(this, args);
        theirs ??= await personCommitsOnBranch(
          name,
          { 'NOTES.md': 'raced\n' },
          'raced',
        );
        return commit;
      });
    tenMinutesLater();
    await engine.runCycle();
    spy.mockRestore();
    expect(theirs).toBeDefined();
    expect(shaOf(name, BRANCH)).toBe(theirs);
    expect((await store.listImages())[0]).toMatchObject({
      errorKind: 'branch-edited',
    });
  });
});

// eachSupportedId lists PostgreSQL only when a server is configured.
const postgres = databases
  .eachSupportedId()
  .filter(([id]) => id === 'POSTGRES_15');

describe.each(postgres)('two engines on one %p database', databaseId => {
  it('produce exactly one pull request and one commit', async () => {
    const { name, entity } = await fixture();
    const a = await engineFor(databaseId, entity, { instanceId: 'replica-a' });
    const b = await engineFor(databaseId, entity, {
      knex: a.knex,
      instanceId: 'replica-b',
    });

    await Promise.all([
      a.engine.runCycle(),
      b.engine.runCycle(),
      // The same process never runs two cycles at once.
      a.engine.runCycle(),
    ]);
    await Promise.all([
      a.engine.requestRefresh('component:default/api'),
      b.engine.requestRefresh('component:default/api'),
    ]);
    await Promise.all([a.engine.runCycle(), b.engine.runCycle()]);

    expect(await github.listPullRequests('acme', name)).toHaveLength(1);
    expect(git(name, 'rev-list', '--count', `main..${BRANCH}`).trim()).toBe(
      '1',
    );
  });
});
