/*
 * The write-back end to end over plain Git: the engine and its coordinator
 * with the real registry harness and a real OpenSSH server (git-shell, a
 * deploy key), on SQLite. Results are checked on the server's bare
 * repository with real `git`.
 */
import { TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import {
  ServedRepository,
  startHttpGitServer,
  startRegistry,
  startSshGitServer,
  StartedHttpGitServer,
  StartedRegistry,
  StartedSshGitServer,
} from '@internal/image-automation-test-harness';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { entityResponseOf } from '../../service/responses';
import {
  changedLinesOf,
  componentEntity,
  engineOverMockServices,
} from '../../__testUtils__/engineFixtures';
import { PlainGitRepository } from './PlainGitRepository';

jest.setTimeout(180_000);

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });
const BRANCH = 'image-automation/component-default-api';
const ENTITY = 'component:default/api';
const MINUTE = 60_000;

let registry: StartedRegistry;
let ssh: StartedSshGitServer;
let http: StartedHttpGitServer;
let workingDirectory: string;
let counter = 0;

beforeAll(async () => {
  [registry, ssh] = await Promise.all([startRegistry(), startSshGitServer()]);
  http = await startHttpGitServer({
    root: ssh.root,
    users: { bot: 'e2e-token-abcdef' },
  });
  workingDirectory = mkdtempSync(join(tmpdir(), 'ia-plain-git-e2e-'));
});
afterAll(async () => {
  await Promise.all([registry?.stop(), http?.stop()]);
  await ssh?.stop();
  rmSync(workingDirectory, { recursive: true, force: true });
});

const manifest = (
  image: string,
  tag: string,
) => `# comments and 'quotes' must survive
apiVersion: apps/v1
kind: Deployment
metadata:
  name: api   # inline comment
spec:
  template:
    spec:
      containers:
        - name: api
          image: "${image}:${tag}" # {"$imagepolicy": "api"}
        - name: sidecar
          image: busybox:1.36
`;

async function fixture(
  mode: 'pull-request' | 'push' | 'push-branch' | 'observe',
  options: { config?: string; via?: 'ssh' | 'https' } = {},
) {
  const n = ++counter;
  const image = `${registry.host}/team/api${n}`;
  await registry.pushTags(`team/api${n}`, ['1.0.0', '1.1.0']);
  const served = await ssh.root.createRepository(`team/deploy${n}.git`, {
    files: {
      'deploy/api.yaml': manifest(image, '1.0.0'),
      'README.md': 'hello\n',
    },
  });
  const url =
    options.via === 'https' ? http.url(served.path) : ssh.url(served.path);
  const annotations: Record<string, string> = options.config
    ? {
        'image-automation/config': options.config.replaceAll('IMAGE', image),
        'image-automation/repo': url,
      }
    : {
        'image-automation/repo': url,
        'image-automation/image': image,
        'image-automation/policy': 'semver: ^1.0.0',
        'image-automation/files': 'deploy/api.yaml',
        'image-automation/mode': mode,
      };
  const entity = componentEntity('api', annotations);
  return { served, image, entity, n };
}

async function engineFor(entity: Entity | Entity[], now: () => number) {
  return engineOverMockServices({
    knex: await databases.init('SQLITE_3'),
    entities: entity,
    config: {
      backend: { workingDirectory },
      app: { baseUrl: 'http://backstage.example' },
      imageAutomation: {
        registries: [{ host: registry.host, insecure: true }],
        git: {
          allowedRepositories: [`${ssh.host}/team/*`, `${http.host}/team/*`],
          allowPush: [`${ssh.host}/team/*`, `${http.host}/team/*`],
          hosts: [
            {
              host: ssh.host,
              ssh: {
                privateKey: ssh.deployKey.privateKey,
                knownHosts: ssh.knownHosts,
              },
            },
            {
              host: http.host,
              https: { username: 'bot', token: 'e2e-token-abcdef' },
            },
          ],
        },
      },
    },
    now,
  });
}

/** The lines `branch` changes against `base`, as `-old`/`+new`. */
async function changedLines(served: ServedRepository, sha: string) {
  return changedLinesOf(await served.diff(sha));
}

describe('plain Git write-back through the coordinator', () => {
  it('push-branch: one branch per entity, one commit changing only the image line, kept up to date', async () => {
    const { served, image, entity, n } = await fixture('push-branch');
    let clock = Date.now();
    const { engine, store } = await engineFor(entity, () => clock);
    const base = (await served.branchSha('main'))!;

    await engine.runCycle();

    const [commit] = await served.log(BRANCH);
    expect(commit.parents).toEqual([base]);
    expect(commit.message).toBe(
      `chore(images): update ${image} to 1.1.0\n\nImage-Automation-Entity: ${ENTITY}\n`,
    );
    expect(await served.changedPaths(commit.sha)).toEqual(['deploy/api.yaml']);
    expect(await changedLines(served, commit.sha)).toEqual([
      `-          image: "${image}:1.0.0" # {"$imagepolicy": "api"}`,
      `+          image: "${image}:1.1.0" # {"$imagepolicy": "api"}`,
    ]);
    expect(await served.branchSha('main')).toBe(base);
    expect(await store.getWriteBack(ENTITY)).toMatchObject({
      state: 'pushed',
      hostKind: 'git',
      branch: BRANCH,
      lastCommitSha: commit.sha,
      note: `branch ${BRANCH} updated to ${commit.sha.slice(0, 7)}`,
    });
    // The entity endpoint names the branch and the commit.
    expect(
      entityResponseOf((await store.getEntityView(ENTITY))!).images[0].change,
    ).toEqual({
      kind: 'branch',
      reference: commit.sha.slice(0, 7),
      branch: BRANCH,
      commitSha: commit.sha,
      tag: '1.1.0',
    });

    // A newer tag, and main moved meanwhile: the branch is rebuilt on the new base.
    await registry.pushTags(`team/api${n}`, ['1.2.0']);
    const moved = await served.commit('main', { 'README.md': 'a person\n' });
    clock += 10 * MINUTE;
    await engine.runCycle();

    const [rebuilt, ...rest] = await served.log(BRANCH);
    expect(rebuilt.parents).toEqual([moved]);
    expect(rest[0].sha).toBe(moved);
    expect(rebuilt.message.split('\n')[0]).toBe(
      `chore(images): update ${image} to 1.2.0`,
    );
    expect(await changedLines(served, rebuilt.sha)).toEqual([
      `-          image: "${image}:1.0.0" # {"$imagepolicy": "api"}`,
      `+          image: "${image}:1.2.0" # {"$imagepolicy": "api"}`,
    ]);
    expect(await served.readFile(BRANCH, 'README.md')).toBe('a person\n');

    // Nothing new: no commit, no push.
    clock += 10 * MINUTE;
    await engine.runCycle();
    expect(await served.branchSha(BRANCH)).toBe(rebuilt.sha);
  });

  it("push-branch never overwrites a person's commit pushed between read and write, says so, and sends a newer tag to a fresh branch", async () => {
    const { served, image, entity, n } = await fixture('push-branch');
    let clock = Date.now();
    const { engine, store } = await engineFor(entity, () => clock);
    await engine.runCycle();
    await registry.pushTags(`team/api${n}`, ['1.1.5']);
    // A person pushes to the branch between the write-back's read and its push.
    let theirs = '';
    let reads = 0;
    const readFiles = PlainGitRepository.prototype.readFiles;
    const spy = jest
      .spyOn(PlainGitRepository.prototype, 'readFiles')
      .mockImplementation(async function (this: PlainGitRepository, ...args) {
        const result = await readFiles.apply(this, args);
        if (++reads === 2) {
          theirs = await served.commit(BRANCH, {
            'deploy/api.yaml': 'edited by hand\n',
          });
        }
        return result;
      });
    clock += 10 * MINUTE;
    await engine.runCycle();
    spy.mockRestore();

    expect(theirs).not.toBe('');
    expect(await served.branchSha(BRANCH)).toBe(theirs);
    expect(await store.getWriteBack(ENTITY)).toMatchObject({
      errorKind: 'branch-edited',
      errorMessage: `someone pushed ${theirs.slice(
        0,
        7,
      )} ("A person changes files") to ${BRANCH}; the plugin leaves the branch alone: merge or close the branch (or delete the branch) and the next cycle proposes the update again`,
    });

    // A newer tag later: the person's branch stays, the update goes to a fresh one.
    await registry.pushTags(`team/api${n}`, ['1.2.0']);
    clock += 10 * MINUTE;
    await engine.runCycle();
    const base = (await served.branchSha('main'))!;
    const fresh = `${BRANCH}-${base.slice(0, 7)}`;
    expect(await served.branchSha(BRANCH)).toBe(theirs);
    const [commit] = await served.log(fresh);
    expect(commit.parents).toEqual([base]);
    expect(await changedLines(served, commit.sha)).toEqual([
      `-          image: "${image}:1.0.0" # {"$imagepolicy": "api"}`,
      `+          image: "${image}:1.2.0" # {"$imagepolicy": "api"}`,
    ]);
    expect(await store.getWriteBack(ENTITY)).toMatchObject({
      state: 'pushed',
      branch: fresh,
      lastCommitSha: commit.sha,
    });
  });

  it('push: a new tag is one fast-forward commit on the base with the commit message template and author; a racing commit is kept', async () => {
    const { served, image, entity } = await fixture('push', {
      config: `
images:
  - name: api
    image: IMAGE
    policy: { semver: { range: "^1.0.0" } }
    files: [deploy/api.yaml]
git:
  mode: push
  commit:
    messageTemplate: "deploy: {{ range .Updated.Images }}{{ .Name }} {{ .OldTag }} -> {{ .NewTag }}{{ end }}"
    author: { name: Image Bot, email: bot@example.com }
`,
    });
    const { engine, store } = await engineFor(entity, Date.now);
    // A racing commit lands between the write-back's read of the base and its push.
    let reads = 0;
    const readFiles = PlainGitRepository.prototype.readFiles;
    const spy = jest
      .spyOn(PlainGitRepository.prototype, 'readFiles')
      .mockImplementation(async function (this: PlainGitRepository, ...args) {
        const result = await readFiles.apply(this, args);
        if (++reads === 2) {
          await served.commit(
            'main',
            { 'OTHER.md': 'racing\n' },
            'racing commit',
          );
        }
        return result;
      });
    await engine.runCycle();
    spy.mockRestore();

    expect(reads).toBeGreaterThanOrEqual(3);
    const [ours, racing] = await served.log('main');
    expect(racing.message).toBe('racing commit');
    expect(ours.parents).toEqual([racing.sha]);
    expect(ours).toMatchObject({
      authorName: 'Image Bot',
      authorEmail: 'bot@example.com',
      message: `deploy: ${image} 1.0.0 -> 1.1.0\n\nImage-Automation-Entity: ${ENTITY}\n`,
    });
    expect(await served.changedPaths(ours.sha)).toEqual(['deploy/api.yaml']);
    expect(await served.readFile('main', 'deploy/api.yaml')).toContain(
      `${image}:1.1.0"`,
    );
    expect(await served.readFile('main', 'OTHER.md')).toBe('racing\n');
    expect(await store.getWriteBack(ENTITY)).toMatchObject({
      state: 'pushed',
      hostKind: 'git',
      branch: 'main',
      lastCommitSha: ours.sha,
    });
    expect(
      entityResponseOf((await store.getEntityView(ENTITY))!).images[0].change,
    ).toEqual({
      kind: 'commit',
      reference: ours.sha.slice(0, 7),
      branch: 'main',
      commitSha: ours.sha,
      tag: '1.1.0',
    });
  });

  it('push over HTTPS with a token', async () => {
    const { served, image, entity } = await fixture('push', { via: 'https' });
    const { engine } = await engineFor(entity, Date.now);
    await engine.runCycle();
    const [ours] = await served.log('main');
    expect(ours.message.split('\n')[0]).toBe(
      `chore(images): update ${image} to 1.1.0`,
    );
    expect(
      http.requests.some(
        r => r.service === 'git-receive-pack' && r.status === 200,
      ),
    ).toBe(true);
  });

  it('a cycle costs one look at the server per repository, however many entities share it', async () => {
    const { served, entity } = await fixture('observe', { via: 'https' });
    const twin: Entity = {
      ...entity,
      metadata: {
        ...entity.metadata,
        name: 'api-twin',
        annotations: {
          ...entity.metadata.annotations,
          'image-automation/container': 'api',
        },
      },
    };
    let clock = Date.now();
    const { engine, store } = await engineFor([entity, twin], () => clock);
    const connections = (since: number) =>
      http.requests.slice(since).filter(
        r =>
          // The clone URL is written without .git; the server finds the repository.
          r.path.startsWith(`/${served.path.replace(/\.git$/, '')}/`) &&
          r.path.endsWith('/info/refs'),
      );

    let before = http.requests.length;
    await engine.runCycle();
    for (const ref of [ENTITY, 'component:default/api-twin']) {
      expect((await store.getEntityView(ref))?.images).toEqual([
        expect.objectContaining({ currentTag: '1.0.0', latestTag: '1.1.0' }),
      ]);
    }
    // ls-remote, the fetch of commits and trees, one fetch of the manifest blob
    expect(connections(before)).toHaveLength(3);

    before = http.requests.length;
    clock += 60 * MINUTE;
    await engine.runCycle();
    // nothing moved: the next cycle asks for the branches and nothing else
    expect(connections(before)).toHaveLength(1);
  });

  it('pull-request on plain Git is a config problem on the card, and nothing is written', async () => {
    const { served, entity } = await fixture('pull-request');
    const { engine, store } = await engineFor(entity, Date.now);
    const base = await served.branchSha('main');
    await engine.runCycle();
    expect(await store.getWriteBack(ENTITY)).toMatchObject({
      errorKind: 'config',
      errorMessage: expect.stringContaining(
        'mode pull-request needs a host with pull or merge requests',
      ),
    });
    expect(await served.branchSha('main')).toBe(base);
    expect(await served.branchSha(BRANCH)).toBeUndefined();
  });
});
