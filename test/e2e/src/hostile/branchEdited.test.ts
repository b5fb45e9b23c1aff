/*
 * Branches the plugin must not write: its pull request branch after a person
 * pushed to it (with a newer tag due it reports the branch as edited, state
 * error, kind branch-edited, and leaves the person's commit alone), and the
 * base branch when a config names it as the pull request branch.
 */
import {
  HostileBackend,
  component,
  startHostileBackend,
} from './__testUtils__/hostileBackend';
import {
  OWNER,
  Services,
  deployment,
  startServices,
} from './__testUtils__/services';

jest.setTimeout(60_000);

const REPO = 'edited';
const ENTITY = 'edited';
const BRANCH = 'image-automation/component-default-edited';
const IMAGE_REPOSITORY = 'hostile/edited';

/**
 * A registry repository is scanned at most once a minute, also on "Check
 * now". The plugin reads `Date.now` when it starts, so moving this offset
 * lets a later refresh see a newly pushed tag without waiting.
 */
let clockOffsetMs = 0;
const realNow = Date.now.bind(Date);

let services: Services;
let backend: HostileBackend;
let image: string;

/** An entity whose full-form config names the base branch as the pull request branch. */
const SAME_BRANCH = 'same-branch';

beforeAll(async () => {
  jest.spyOn(Date, 'now').mockImplementation(() => realNow() + clockOffsetMs);
  services = await startServices();
  await services.registry.pushTags(IMAGE_REPOSITORY, ['1.0.0', '1.1.0']);
  image = `${services.registry.host}/${IMAGE_REPOSITORY}`;
  await services.github.createRepository(OWNER, REPO, {
    files: { 'deploy/api.yaml': deployment(`${image}:1.0.0`, ENTITY) },
  });
  // Its main head carries the plugin's trailer, as a squash merge of an earlier plugin PR does.
  await services.github.createRepository(OWNER, SAME_BRANCH, {
    files: { 'deploy/api.yaml': deployment(`${image}:1.0.0`, 'api') },
  });
  await services.github.commitFiles(
    OWNER,
    SAME_BRANCH,
    'main',
    { 'README.md': 'squashed\n' },
    {
      message: `chore(images): update (#1)\n\nImage-Automation-Entity: component:default/${SAME_BRANCH}\n`,
    },
  );
  backend = await startHostileBackend({
    entities: [
      component(SAME_BRANCH, {
        'image-automation/repo': services.repoUrl(SAME_BRANCH),
        'image-automation/config': [
          'images:',
          `  - { name: api, image: ${image}, policy: { semver: { range: "^1.0.0" } }, files: [deploy/api.yaml] }`,
          'git: { mode: pull-request, pushBranch: main }',
          '',
        ].join('\n'),
      }),
      component(ENTITY, {
        'image-automation/image': image,
        'image-automation/policy': 'semver: ^1.0.0',
        'image-automation/files': 'deploy/api.yaml',
        'image-automation/repo': services.repoUrl(REPO),
      }),
    ],
    githubApiBaseUrl: services.github.apiBaseUrl,
    registries: [{ host: services.registry.host, insecure: true }],
  });
});
afterAll(async () => {
  jest.restoreAllMocks();
  await services?.stop();
});

describe('a pull request branch edited by a person', () => {
  it('is reported as branch-edited on the next newer tag, and the person’s commit stays untouched', async () => {
    const first = await backend.refresh(ENTITY);
    expect(first.body.images).toEqual([
      expect.objectContaining({ state: 'pr-open', latestTag: '1.1.0' }),
    ]);
    const [pull] = await services.github.listPullRequests(OWNER, REPO);
    expect(pull).toMatchObject({ head: BRANCH, state: 'open' });

    // The person pins another tag on the plugin's branch and adds a note.
    const theirManifest = deployment(`${image}:1.0.5`, ENTITY).replace(
      'image:',
      '# pinned while we debug the 1.1 rollout\n          image:',
    );
    const theirs = await services.github.commitFiles(
      OWNER,
      REPO,
      BRANCH,
      { 'deploy/api.yaml': theirManifest, 'NOTES.md': 'why we pinned\n' },
      {
        message: 'Pin 1.0.5 while we debug\n\nDo not overwrite.',
        author: { name: 'Pat Person', email: 'pat@example.com' },
      },
    );

    await services.registry.pushTags(IMAGE_REPOSITORY, ['1.2.0']);
    clockOffsetMs += 2 * 60_000;
    const second = await backend.refresh(ENTITY);

    expect(second.status).toBe(200);
    expect(second.body.images).toEqual([
      expect.objectContaining({
        state: 'error',
        latestTag: '1.2.0',
        error: {
          kind: 'branch-edited',
          message: expect.stringContaining(
            `someone pushed ${theirs.slice(0, 7)} ("Pin 1.0.5 while we debug")`,
          ),
        },
      }),
    ]);
    expect(second.body.images[0].error!.message).toMatch(
      /merge or close #\d+ \(or delete the branch\)/,
    );
    expect((await backend.get(ENTITY)).body).toEqual(second.body);
    expect(await backend.health()).toBe(200);

    // Their commit is still the branch head, with their files, and still the one pull request.
    expect(services.git(REPO, 'rev-parse', BRANCH).trim()).toBe(theirs);
    expect(
      await services.github.readFile(OWNER, REPO, BRANCH, 'deploy/api.yaml'),
    ).toBe(theirManifest);
    expect(
      await services.github.readFile(OWNER, REPO, BRANCH, 'NOTES.md'),
    ).toBe('why we pinned\n');
    expect(await services.github.listPullRequests(OWNER, REPO)).toEqual([
      expect.objectContaining({
        number: pull.number,
        state: 'open',
        headSha: theirs,
      }),
    ]);

    // Later cycles keep leaving it alone.
    await services.registry.pushTags(IMAGE_REPOSITORY, ['1.3.0']);
    clockOffsetMs += 2 * 60_000;
    const third = await backend.refresh(ENTITY);
    expect(third.body.images[0]).toMatchObject({
      state: 'error',
      latestTag: '1.3.0',
      error: { kind: 'branch-edited' },
    });
    expect(services.git(REPO, 'rev-parse', BRANCH).trim()).toBe(theirs);
    expect(services.git(REPO, 'rev-list', '--all', '--count').trim()).toBe('3');
  });
});

describe('a pull-request config whose pushBranch is the base branch', () => {
  it('never writes to the base branch, and says pushBranch must differ from it', async () => {
    const before = services.git(SAME_BRANCH, 'rev-parse', 'main').trim();
    const { status, body } = await backend.refresh(SAME_BRANCH);
    expect(status).toBe(200);
    expect(await backend.health()).toBe(200);
    expect(services.git(SAME_BRANCH, 'rev-parse', 'main').trim()).toBe(before);
    expect(JSON.stringify(body)).toMatch(/pushBranch/);
  });
});
