/*
 * Hostile content on the Git side: paths that leave the repository, symbolic
 * links pointing outside it, YAML alias bombs and a 50 MiB file. The plugin
 * refuses each with a clear error before it reads anything it should not,
 * and the backend keeps serving.
 */
import { Entity } from '@backstage/catalog-model';
import { commitSymlinks } from './__testUtils__/commitSymlinks';
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

const IMAGE_REPOSITORY = 'hostile/content';

/** "Billion laughs": nine levels of nine aliases, 9^9 nodes once expanded. */
function aliasBomb(): string {
  const lines = [
    'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  ];
  for (let level = 1; level < 9; level++) {
    const name = String.fromCharCode(97 + level);
    const previous = String.fromCharCode(96 + level);
    lines.push(
      `${name}: &${name} [${Array(9).fill(`*${previous}`).join(',')}]`,
    );
  }
  return `${lines.join('\n')}\n`;
}

/** Paths in `image-automation/files` that name something outside the repository. */
const ESCAPING_PATHS: Array<[string, RegExp]> = [
  ['../../etc/passwd', /leaves the repository/],
  ['/etc/passwd', /is absolute/],
  ['deploy/../../x', /leaves the repository/],
  ['deploy\\..\\..\\x', /backslash/],
  ['C:/Windows/win.ini', /is absolute/],
  ['file:///etc/passwd', /URL|absolute/],
];

let services: Services;
let backend: HostileBackend;
let image: string;
const entities: Entity[] = [];

/** A repository with a Deployment of the image and an entity in observe mode automating it. */
async function automation(
  name: string,
  options: {
    files?: Record<string, string>;
    annotations?: Record<string, string | undefined>;
  } = {},
) {
  await services.github.createRepository(OWNER, name, {
    files: options.files ?? {
      'deploy/api.yaml': deployment(`${image}:1.0.0`, name),
    },
  });
  const annotations: Record<string, string> = {
    'image-automation/image': image,
    'image-automation/policy': 'semver: ^1.0.0',
    'image-automation/files': 'deploy/api.yaml',
    'image-automation/repo': services.repoUrl(name),
    'image-automation/mode': 'observe',
  };
  for (const [key, value] of Object.entries(options.annotations ?? {})) {
    if (value === undefined) delete annotations[key];
    else annotations[key] = value;
  }
  entities.push(component(name, annotations));
}

/** Annotations that move the automation into a config file of the repository. */
const configFile = (path: string) => ({
  'image-automation/image': undefined,
  'image-automation/policy': undefined,
  'image-automation/files': undefined,
  'image-automation/mode': undefined,
  'image-automation/config': path,
});

const BIG_BYTES = 50 * 1024 * 1024;

beforeAll(async () => {
  services = await startServices();
  await services.registry.pushTags(IMAGE_REPOSITORY, ['1.0.0', '1.1.0']);
  image = `${services.registry.host}/${IMAGE_REPOSITORY}`;

  await Promise.all([
    ...ESCAPING_PATHS.map(([path], index) =>
      automation(`escaping-path-${index}`, {
        annotations: { 'image-automation/files': path },
      }),
    ),
    automation('escaping-path-full-form', {
      annotations: {
        ...configFile(''),
        'image-automation/config': `images:\n  - { name: api, image: ${'IMAGE'}, policy: { semver: { range: "^1.0.0" } }, files: [deploy/api.yaml, ../../etc/passwd] }\n`,
      },
    }),
    automation('escaping-config-file', {
      annotations: configFile('./../../etc/image-automation.yaml'),
    }),
    automation('symlink-relative'),
    automation('symlink-absolute'),
    automation('symlink-directory', {
      files: { 'README.md': 'deploy is a link\n' },
      annotations: { 'image-automation/files': 'deploy/passwd' },
    }),
    automation('symlink-config-file', {
      annotations: configFile('./.backstage/image-automation.yaml'),
    }),
    automation('alias-bomb-manifest', {
      files: {
        'deploy/api.yaml': `${aliasBomb()}---\n${deployment(
          `${image}:1.0.0`,
          'alias-bomb-manifest',
        )}`,
      },
    }),
    automation('alias-bomb-config-file', {
      files: {
        '.backstage/image-automation.yaml': aliasBomb(),
        'deploy/api.yaml': deployment(`${image}:1.0.0`),
      },
      annotations: configFile('./.backstage/image-automation.yaml'),
    }),
    automation('alias-bomb-annotation', {
      annotations: {
        ...configFile(''),
        'image-automation/config': aliasBomb(),
      },
    }),
    automation('big-manifest', {
      files: {
        'deploy/api.yaml': `${deployment(
          `${image}:1.0.0`,
          'big-manifest',
        )}# ${'x'.repeat(BIG_BYTES)}\n`,
      },
    }),
  ]);
  for (const entity of entities) {
    const config = entity.metadata.annotations?.['image-automation/config'];
    if (config)
      entity.metadata.annotations!['image-automation/config'] = config.replace(
        'IMAGE',
        image,
      );
  }

  const gitDir = (name: string) => services.github.gitDir(OWNER, name);
  commitSymlinks(
    gitDir('symlink-relative'),
    'main',
    { 'deploy/api.yaml': '../../../../../etc/passwd' },
    'link out',
  );
  commitSymlinks(
    gitDir('symlink-absolute'),
    'main',
    { 'deploy/api.yaml': '/etc/passwd' },
    'link out',
  );
  commitSymlinks(
    gitDir('symlink-directory'),
    'main',
    { deploy: '/etc' },
    'link a directory out',
  );
  commitSymlinks(
    gitDir('symlink-config-file'),
    'main',
    { '.backstage/image-automation.yaml': '/etc/passwd' },
    'link the config out',
  );

  backend = await startHostileBackend({
    entities,
    githubApiBaseUrl: services.github.apiBaseUrl,
    registries: [{ host: services.registry.host, insecure: true }],
  });
});
afterAll(() => services?.stop());

/** Checks an entity now; whatever it met, the backend answers and keeps serving. */
async function check(name: string) {
  const { status, body } = await backend.refresh(name);
  expect(status).toBe(200);
  expect(await backend.health()).toBe(200);
  return body;
}

describe('paths that leave the repository', () => {
  it.each(
    ESCAPING_PATHS.map(
      ([path, message], index) => [path, message, index] as const,
    ),
  )('image-automation/files: %s', async (path, message, index) => {
    const body = await check(`escaping-path-${index}`);
    expect(body.configProblems).toEqual([
      expect.objectContaining({
        key: 'image-automation/files',
        message: expect.stringMatching(message),
      }),
    ]);
    expect(body.configProblems[0].message).toContain(JSON.stringify(path));
  });

  it('files in the full form', async () => {
    const body = await check('escaping-path-full-form');
    expect(body.configProblems).toEqual([
      expect.objectContaining({
        key: expect.stringMatching(
          /^image-automation\/config: images\[0\]\.files/,
        ),
        message: expect.stringMatching(
          /"\.\.\/\.\.\/etc\/passwd" leaves the repository/,
        ),
      }),
    ]);
  });

  it('the config file named by image-automation/config', async () => {
    const body = await check('escaping-config-file');
    expect(body.configProblems).toEqual([
      expect.objectContaining({
        key: 'image-automation/config',
        message: expect.stringMatching(/leaves the repository/),
      }),
    ]);
  });
});

describe('symbolic links in the repository', () => {
  it.each([['symlink-relative'], ['symlink-absolute']])(
    '%s: a manifest that is a link is refused',
    async name => {
      const body = await check(name);
      expect(body.images).toEqual([
        expect.objectContaining({
          state: 'error',
          error: {
            kind: 'git-bad-repository',
            message: expect.stringMatching(
              /deploy\/api\.yaml .* is a symbolic link/,
            ),
          },
        }),
      ]);
    },
  );

  it('a directory that is a link is not followed', async () => {
    const body = await check('symlink-directory');
    expect(body.images).toEqual([
      expect.objectContaining({
        state: 'error',
        error: expect.objectContaining({
          message: expect.stringMatching(/deploy\/passwd/),
        }),
      }),
    ]);
  });

  it('a config file that is a link is refused', async () => {
    const body = await check('symlink-config-file');
    expect(body.configProblems).toEqual([
      expect.objectContaining({
        key: 'image-automation/config',
        message: expect.stringMatching(/symbolic link/),
      }),
    ]);
  });
});

describe('YAML alias bombs', () => {
  it('in a manifest', async () => {
    const body = await check('alias-bomb-manifest');
    expect(body.images).toEqual([
      expect.objectContaining({
        state: 'error',
        error: { kind: 'manifest', message: expect.stringMatching(/alias/i) },
      }),
    ]);
  });

  it('in the config file', async () => {
    const body = await check('alias-bomb-config-file');
    expect(body.configProblems).toEqual([
      expect.objectContaining({
        key: expect.stringMatching(/^\.backstage\/image-automation\.yaml/),
        message: expect.stringMatching(/alias/i),
      }),
    ]);
  });

  it('inline in image-automation/config', async () => {
    const body = await check('alias-bomb-annotation');
    expect(body.configProblems).toEqual([
      expect.objectContaining({
        key: 'image-automation/config',
        message: expect.stringMatching(/alias/i),
      }),
    ]);
  });
});

describe('a 50 MiB manifest', () => {
  it('is refused from the tree listing, before its blob is downloaded', async () => {
    services.github.requestLog.length = 0;
    const body = await check('big-manifest');
    expect(body.images).toEqual([
      expect.objectContaining({
        state: 'error',
        error: {
          kind: 'git-bad-repository',
          message: expect.stringMatching(
            /deploy\/api\.yaml .* is \d+ bytes; manifests over \d+ bytes are refused/,
          ),
        },
      }),
    ]);
    const blob = services
      .git('big-manifest', 'rev-parse', 'main:deploy/api.yaml')
      .trim();
    // The size comes from the listing (read once per tree, then cached by its sha): nothing of
    // the file's content is asked for, neither its blob nor an archive of the repository.
    expect(
      services.github.requestLog.filter(
        r =>
          r.path.includes(blob) ||
          /\/big-manifest\/(tarball|legacy\.tar\.gz)/.test(r.path),
      ),
    ).toEqual([]);
  });
});
