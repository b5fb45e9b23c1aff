/*
 * Hostile input from registries: tags crafted to break out of a YAML scalar
 * or a commit (from a malicious registry), tags crafted to make a
 * backtracking regex engine hang (from the real registry harness), and
 * images on hosts the allowlist does not name. Each ends in a clear state,
 * nothing hostile reaches Git, and the backend keeps serving.
 */
import { freePort } from '@internal/image-automation-test-harness';
import {
  HostileBackend,
  component,
  startHostileBackend,
} from './__testUtils__/hostileBackend';
import {
  MaliciousRegistry,
  RepositoryBehaviour,
  startMaliciousRegistry,
} from './__testUtils__/maliciousRegistry';
import {
  OWNER,
  Services,
  deployment,
  startServices,
} from './__testUtils__/services';

jest.setTimeout(60_000);

/**
 * Tags a registry may list that are not OCI tags. Each would rank above the
 * valid ones if it were used, and each would change the YAML or the commit
 * if it were written into a manifest unescaped.
 */
const HOSTILE_SEMVER_TAGS = [
  '1.9.9\nimage: evil.example/pwn:latest',
  '1.9.8"',
  "1.9.7'",
  '1.9.6 # {"$imagepolicy": "other"}',
  '1.9.5: pwned',
  '1.9.4#comment',
  '1.9.3\r\n',
  '1.9.2 ',
  '1.9.1\u0000',
  '{1.9.0}',
  '[1.8.9]',
  '&anchor 1.8.8',
  '1.8.7\n---\nkind: Secret',
  '*alias',
  '|\n  1.8.6',
  `1.0.${'9'.repeat(200)}`,
];
/** Above every valid tag in byte order, where `alphabetical: asc` (Flux: the last in ascending order) picks. */
const HOSTILE_ALPHABETICAL_TAGS = [
  'zz"',
  "zz'",
  'zz\n- evil',
  'zz: x',
  'zz #x',
  '{zz}',
  '~zz',
  'zz\t',
  'ü-zz',
];
/** Fragments that must never appear in Git: any of them means a hostile tag got through. */
const HOSTILE_FRAGMENTS = [
  'evil',
  'pwn',
  '1.9.',
  '1.8.',
  '9999999',
  'Secret',
  'anchor',
  'alias',
  'zz',
];

/**
 * For `(a+)+$` a backtracking engine tries every way to split the a's before
 * failing on the last character: 2^n steps for n a's. Tags of 30 to 120 a's
 * would keep such an engine busy for longer than the universe has existed.
 */
const CATASTROPHIC_PATTERN = '(a+)+$';
const ADVERSARIAL_TAGS = [30, 45, 60, 90, 120].map(n => `${'a'.repeat(n)}b`);

let services: Services;
let evil: MaliciousRegistry;
const evilPort = () => Number(evil.host.split(':')[1]);
let backend: HostileBackend;
const names: Record<string, string> = {};

/** A repository holding one Deployment at `imageRef`, and an entity automating it. */
async function automation(
  name: string,
  image: string,
  currentTag: string,
  annotations: Record<string, string>,
) {
  await services.github.createRepository(OWNER, name, {
    files: { 'deploy/api.yaml': deployment(`${image}:${currentTag}`, name) },
  });
  names[name] = name;
  return component(name, {
    'image-automation/image': image,
    'image-automation/files': 'deploy/api.yaml',
    'image-automation/repo': services.repoUrl(name),
    ...annotations,
  });
}

/** Image references on hosts `imageAutomation.registries` does not name. */
const NOT_ALLOWED: Array<{
  name: string;
  image: (port: number) => string;
  host: (port: number) => string;
}> = [
  {
    name: 'cloud metadata address',
    image: () => '169.254.169.254/latest/meta-data',
    host: () => '169.254.169.254',
  },
  {
    name: 'cloud metadata address with a port',
    image: () => '169.254.169.254:80/iam/credentials',
    host: () => '169.254.169.254:80',
  },
  {
    name: 'loopback without a port',
    image: () => '127.0.0.1/internal/app',
    host: () => '127.0.0.1',
  },
  {
    name: 'loopback on a port not listed',
    image: p => `127.0.0.1:${p}/internal/app`,
    host: p => `127.0.0.1:${p}`,
  },
  // The malicious registry's own port, listed only as 127.0.0.1:PORT: the name is not the entry.
  {
    name: 'a listed registry by another name',
    image: () => `localhost:${evilPort()}/internal/app`,
    host: () => `localhost:${evilPort()}`,
  },
  {
    name: 'IPv6 loopback',
    image: p => `[::1]:${p}/internal/app`,
    host: p => `[::1]:${p}`,
  },
];
let unlistedPort: number;

/** Tag list answers that are not a usable tag list: the scan fails with a reason, never the backend. */
const BAD_ANSWERS: Array<{
  name: string;
  repository: string;
  behaviour: RepositoryBehaviour;
  kind: string;
  message: RegExp;
}> = [
  {
    name: 'tags that are not strings',
    repository: 'mal/not-strings',
    behaviour: () => ({
      body: {
        name: 'mal/not-strings',
        tags: [1, { tag: '9.9.9' }, null, '1.2.0'],
      },
    }),
    kind: 'registry-bad-response',
    message: /not a list of strings/,
  },
  {
    name: 'tags that are not a list',
    repository: 'mal/not-a-list',
    behaviour: () => ({ body: { name: 'mal/not-a-list', tags: '1.2.0' } }),
    kind: 'registry-bad-response',
    message: /not a list of strings/,
  },
  {
    name: 'a body that is not JSON',
    repository: 'mal/not-json',
    behaviour: () => ({
      headers: { 'content-type': 'text/html' },
      body: '<html>{"tags":["9.9.9"]}',
    }),
    kind: 'registry-bad-response',
    message: /JSON|tag list/,
  },
  {
    name: 'pagination that never ends',
    repository: 'mal/endless',
    behaviour: ({ search }) => ({
      headers: {
        link: `</v2/mal/endless/tags/list?n=1&last=x${
          search.length
        }${Math.random()}>; rel="next"`,
      },
      body: { name: 'mal/endless', tags: ['1.0.0'] },
    }),
    kind: 'registry-bad-response',
    message: /goes on past \d+ pages/,
  },
  {
    name: 'more tags than anyone keeps, over pages',
    repository: 'mal/flood',
    behaviour: ({ search }) => {
      const page = Number(new URLSearchParams(search).get('page') ?? 0);
      return {
        headers: {
          link: `</v2/mal/flood/tags/list?n=1000&page=${page + 1}>; rel="next"`,
        },
        body: {
          name: 'mal/flood',
          tags: Array.from({ length: 30_000 }, (_, i) => `1.${page}.${i}`),
        },
      };
    },
    kind: 'registry-bad-response',
    message: /lists more than 100000 tags/,
  },
  {
    name: 'pagination that leads to the cloud metadata address',
    repository: 'mal/cross-host',
    behaviour: () => ({
      headers: {
        link: '<http://169.254.169.254/v2/mal/cross-host/tags/list?last=a>; rel="next"',
      },
      body: { name: 'mal/cross-host', tags: ['1.0.0'] },
    }),
    kind: 'registry-bad-response',
    message: /Link points to another host \(169\.254\.169\.254\)/,
  },
  {
    name: 'a redirect to the cloud metadata address',
    repository: 'mal/redirect',
    behaviour: () => ({
      status: 302,
      headers: { location: 'http://169.254.169.254/latest/meta-data/' },
      body: '',
    }),
    kind: 'registry-host-not-allowed',
    message: /169\.254\.169\.254/,
  },
  {
    name: 'a 40 MiB tag list',
    repository: 'mal/oversized',
    behaviour: () => ({
      body: `{"tags":["${'1.0.0","'.repeat(5 * 1024 * 1024)}1.2.0"]}`,
    }),
    kind: 'registry-bad-response',
    message: /larger than \d+ bytes/,
  },
];

beforeAll(async () => {
  [services, unlistedPort] = await Promise.all([startServices(), freePort()]);
  evil = await startMaliciousRegistry({
    'mal/semver': [...HOSTILE_SEMVER_TAGS, '1.0.0', '1.2.0'],
    'mal/alpha': [...HOSTILE_ALPHABETICAL_TAGS, 'valid-a', 'valid-b'],
    ...Object.fromEntries(BAD_ANSWERS.map(c => [c.repository, c.behaviour])),
  });
  const { registry } = services;
  await registry.pushTags('hostile/regex', [
    ...ADVERSARIAL_TAGS,
    'aaaa',
    'aaaaaaa',
  ]);

  const entities = await Promise.all([
    automation('semver-tags', `${evil.host}/mal/semver`, '1.0.0', {
      'image-automation/policy': 'semver: ^1.0.0',
    }),
    automation('alphabetical-tags', `${evil.host}/mal/alpha`, 'valid-a', {
      'image-automation/policy': 'alphabetical: asc',
    }),
    automation('catastrophic-regex', `${registry.host}/hostile/regex`, 'aaaa', {
      'image-automation/policy': 'alphabetical: asc',
      'image-automation/filter-tags': CATASTROPHIC_PATTERN,
      'image-automation/mode': 'observe',
    }),
    ...BAD_ANSWERS.map((c, index) =>
      automation(
        `bad-answer-${index}`,
        `${evil.host}/${c.repository}`,
        '1.0.0',
        {
          'image-automation/policy': 'semver: ^1.0.0',
          'image-automation/mode': 'observe',
        },
      ),
    ),
    ...NOT_ALLOWED.map((c, index) =>
      automation(`not-allowed-${index}`, c.image(unlistedPort), '1.0.0', {
        'image-automation/policy': 'semver: ^1.0.0',
        'image-automation/mode': 'observe',
      }),
    ),
  ]);
  backend = await startHostileBackend({
    entities,
    githubApiBaseUrl: services.github.apiBaseUrl,
    registries: [
      { host: registry.host, insecure: true },
      { host: evil.host, insecure: true },
    ],
  });
});
afterAll(async () => {
  await Promise.all([services?.stop(), evil?.stop()]);
});

describe('tags from a malicious registry', () => {
  it.each([
    ['semver', 'semver-tags', '1.0.0', '1.2.0', 'mal/semver'],
    ['alphabetical', 'alphabetical-tags', 'valid-a', 'valid-b', 'mal/alpha'],
  ])(
    '%s policy: only the valid tag reaches the pull request',
    async (_kind, name, from, to, repository) => {
      const { status, body } = await backend.refresh(name);
      expect(status).toBe(200);
      expect(evil.requests).toContainEqual(
        expect.stringMatching(`^/v2/${repository}/tags/list`),
      );
      expect(body.images).toEqual([
        expect.objectContaining({
          state: 'pr-open',
          currentTag: from,
          latestTag: to,
        }),
      ]);
      expect(await backend.health()).toBe(200);

      // The pull request's diff is exactly the image line, moved to the valid tag.
      const [pull] = await services.github.listPullRequests(OWNER, name);
      const diff = services.git(
        name,
        'diff',
        '--unified=0',
        `main...${pull.head}`,
      );
      expect(
        diff.split('\n').filter(line => /^[-+](?![-+])/.test(line)),
      ).toEqual([
        `-          image: ${evil.host}/${repository}:${from} # {"$imagepolicy": "${name}"}`,
        `+          image: ${evil.host}/${repository}:${to} # {"$imagepolicy": "${name}"}`,
      ]);
      // Nothing hostile anywhere in Git or the pull request: every commit, message and file.
      const everything = [
        services.git(name, 'log', '--all', '-p', '--format=%H%n%an%n%B'),
        pull.title,
        pull.body ?? '',
        ...pull.comments,
      ].join('\n');
      for (const fragment of HOSTILE_FRAGMENTS)
        expect(everything).not.toContain(fragment);
    },
  );
});

describe('answers that are not a usable tag list', () => {
  it.each(BAD_ANSWERS.map((c, index) => [c.name, c, index] as const))(
    '%s',
    async (_name, c, index) => {
      const { status, body } = await backend.refresh(`bad-answer-${index}`);
      expect(status).toBe(200);
      expect(body.images).toEqual([
        expect.objectContaining({
          state: 'error',
          error: { kind: c.kind, message: expect.stringMatching(c.message) },
        }),
      ]);
      expect(await backend.health()).toBe(200);
    },
  );

  it('a redirect to a host not allowed says which registry redirected there', async () => {
    const index = BAD_ANSWERS.findIndex(c => c.repository === 'mal/redirect');
    const { body } = await backend.refresh(`bad-answer-${index}`);
    expect(body.images[0].error?.kind).toBe('registry-host-not-allowed');
    expect(body.images[0].error?.message).toMatch(
      new RegExp(`${evil.host}.*redirect|redirect.*${evil.host}`),
    );
  });
});

describe('a catastrophic regex in filter-tags', () => {
  it('finishes promptly on adversarial tags and picks the matching tag', async () => {
    const { status, body, elapsedMs } = await backend.refresh(
      'catastrophic-regex',
    );
    expect(status).toBe(200);
    expect(body.images).toEqual([
      expect.objectContaining({
        state: 'update-available',
        currentTag: 'aaaa',
        latestTag: 'aaaaaaa',
      }),
    ]);
    // A backtracking engine would not return at all; this bound only catches a slow one.
    expect(elapsedMs).toBeLessThan(10_000);
    expect(await backend.health()).toBe(200);
  });
});

describe('an image on a host not in the allowlist', () => {
  it.each(NOT_ALLOWED.map((c, index) => [c.name, c, index] as const))(
    '%s',
    async (_name, c, index) => {
      const { status, body } = await backend.refresh(`not-allowed-${index}`);
      expect(status).toBe(200);
      const host = c.host(unlistedPort);
      expect(body.images).toEqual([
        expect.objectContaining({
          state: 'error',
          error: {
            kind: 'registry-host-not-allowed',
            message: expect.stringContaining(host),
          },
        }),
      ]);
      expect(body.images[0].error!.message).toContain(
        'imageAutomation.registries',
      );
      expect(await backend.health()).toBe(200);
    },
  );

  it('contacts none of them', () => {
    expect(evil.requests.filter(path => path.includes('internal'))).toEqual([]);
  });
});
