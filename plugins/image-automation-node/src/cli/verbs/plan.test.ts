import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  StartedRegistry,
  startFaultProxy,
  startRegistry,
} from '@internal/image-automation-test-harness';
import { planVerb } from './plan';
import { component } from '../__testUtils__/catalogInfo';
import { REPO_ROOT, captureIo, runBin } from '../__testUtils__/cliIo';

jest.setTimeout(60_000);

/** A deployment whose image line carries a setter marker for `api`. */
const apiDeployment = (host: string, tag: string) =>
  [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: api',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '        - name: api',
    `          image: ${host}/acme/api:${tag} # {"$imagepolicy": "api"}`,
    '          ports:',
    '            - containerPort: 8080',
    '',
  ].join('\n');

/** Two containers and no marker: only the structured target finds `worker`. */
const workerDeployment = (host: string, tag: string) =>
  [
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    '  name: worker',
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    '        - name: worker',
    `          image: "${host}/acme/worker:${tag}"`,
    '        - name: proxy',
    '          image: envoyproxy/envoy:v1.30.1',
    '',
  ].join('\n');

const catalogInfo = (annotations: Record<string, string>, name = 'payments') =>
  component(name, {
    'github.com/project-slug': 'acme/payments',
    ...annotations,
  });

const fullForm = (host: string, extra = '') =>
  [
    'images:',
    '  - name: api',
    `    image: ${host}/acme/api`,
    '    policy: { semver: { range: "^1.0.0" } }',
    '    files: [deploy/api.yaml]',
    extra,
    '  - name: worker',
    `    image: ${host}/acme/worker`,
    '    policy: { semver: { range: "~1.0.0" } }',
    '    files: [deploy/worker.yaml]',
    '    container: worker',
    '',
  ]
    .filter(line => line !== '')
    .join('\n');

describe('image-automation plan (real registry)', () => {
  let registry: StartedRegistry;
  let dir: string;

  beforeAll(async () => {
    registry = await startRegistry({ auth: 'none' });
    // 2.0.0 and latest are outside ^1.0.0; 1.1.0 is between.
    await registry.pushTags('acme/api', [
      '1.0.0',
      '1.1.0',
      '1.2.0',
      '2.0.0',
      'latest',
    ]);
    await registry.pushTags('acme/worker', [
      '0.9.0',
      '1.0.0',
      '1.0.1',
      '1.1.0',
    ]);
  }, 120_000);

  afterAll(async () => {
    await registry?.stop();
  });

  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'plan-verb-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  async function write(files: Record<string, string>) {
    for (const [name, text] of Object.entries(files)) {
      await mkdir(dirname(join(dir, name)), { recursive: true });
      await writeFile(join(dir, name), text);
    }
  }

  /** The checkout in `repo/`, the entity and app-config beside it. */
  async function setUp(
    options: {
      apiTag?: string;
      workerTag?: string;
      annotations?: Record<string, string>;
      registries?: string;
    } = {},
  ) {
    const host = registry.host;
    await write({
      'repo/deploy/api.yaml': apiDeployment(host, options.apiTag ?? '1.0.0'),
      'repo/deploy/worker.yaml': workerDeployment(
        host,
        options.workerTag ?? '1.0.0',
      ),
      'catalog-info.yaml': catalogInfo(
        options.annotations ?? { 'image-automation/config': fullForm(host) },
      ),
      'app-config.yaml': `imageAutomation:\n  registries:\n${
        options.registries ?? `    - host: ${host}\n      insecure: true\n`
      }`,
    });
  }

  async function plan(extra: string[] = []) {
    const io = captureIo(dir);
    const code = await planVerb.run(
      [
        '--entity',
        'catalog-info.yaml',
        '--dir',
        'repo',
        '--config',
        'app-config.yaml',
        ...extra,
      ],
      io,
    );
    return { code, out: io.out, err: io.err };
  }

  it('prints the diff a pull request would make: only the image lines change', async () => {
    await setUp();
    const before = await readFile(join(dir, 'repo/deploy/api.yaml'), 'utf8');
    const host = registry.host;
    const result = await plan();
    expect(result.err).toBe(
      `api: 1.0.0 -> 1.2.0 (semver ^1.0.0)\nworker: 1.0.0 -> 1.0.1 (semver ~1.0.0)\n`,
    );
    expect(result.out).toBe(
      [
        'diff --git a/deploy/api.yaml b/deploy/api.yaml',
        '--- a/deploy/api.yaml',
        '+++ b/deploy/api.yaml',
        '@@ -7,6 +7,6 @@',
        '     spec:',
        '       containers:',
        '         - name: api',
        `-          image: ${host}/acme/api:1.0.0 # {"$imagepolicy": "api"}`,
        `+          image: ${host}/acme/api:1.2.0 # {"$imagepolicy": "api"}`,
        '           ports:',
        '             - containerPort: 8080',
        'diff --git a/deploy/worker.yaml b/deploy/worker.yaml',
        '--- a/deploy/worker.yaml',
        '+++ b/deploy/worker.yaml',
        '@@ -7,6 +7,6 @@',
        '     spec:',
        '       containers:',
        '         - name: worker',
        `-          image: "${host}/acme/worker:1.0.0"`,
        `+          image: "${host}/acme/worker:1.0.1"`,
        '         - name: proxy',
        '           image: envoyproxy/envoy:v1.30.1',
        '',
      ].join('\n'),
    );
    expect(result.code).toBe(0);
    // Nothing is written.
    expect(await readFile(join(dir, 'repo/deploy/api.yaml'), 'utf8')).toBe(
      before,
    );
  });

  it('prints nothing on stdout and "no change" when the files are up to date', async () => {
    await setUp({ apiTag: '1.2.0', workerTag: '1.0.1' });
    expect(await plan()).toEqual({
      code: 0,
      out: '',
      err: 'api: up to date at 1.2.0\nworker: up to date at 1.0.1\nno change\n',
    });
  });

  it('never proposes a downgrade when the files hold a tag newer than any listed', async () => {
    await setUp({ apiTag: '1.3.0', workerTag: '1.0.1' });
    const result = await plan();
    expect(result.code).toBe(0);
    expect(result.out).toBe('');
    expect(result.err.split('\n')).toEqual([
      'api: up to date at 1.3.0',
      'api: note: Git holds 1.3.0, which the policy orders at or above 1.2.0, the newest allowed tag the registry lists; not downgrading (set allowDowngrade to allow it)',
      'worker: up to date at 1.0.1',
      'no change',
      '',
    ]);
  });

  it('proposes the downgrade when allowDowngrade is set, and notes a minimumAge it cannot apply', async () => {
    await setUp({
      apiTag: '1.3.0',
      workerTag: '1.0.1',
      annotations: {
        'image-automation/config': fullForm(
          registry.host,
          '    allowDowngrade: true\n    minimumAge: 2h',
        ),
      },
    });
    const result = await plan();
    expect(result.code).toBe(0);
    expect(result.err.split('\n').slice(0, 2)).toEqual([
      'api: 1.3.0 -> 1.2.0 (semver ^1.0.0)',
      'api: note: minimumAge 2h is not applied: a plan has no first-seen times of tags (the backend stores them), so the backend may hold a new tag back for that long',
    ]);
    expect(result.out).toContain(
      `+          image: ${registry.host}/acme/api:1.2.0 #`,
    );
  });

  it('refuses a registry host that is not in the allowlist, naming it and imageAutomation.registries', async () => {
    await setUp({ registries: '    - host: ghcr.io\n' });
    const result = await plan();
    expect(result.code).toBe(1);
    expect(result.out).toBe('');
    const lines = result.err.trimEnd().split('\n');
    expect(lines).toEqual([
      `api: error: refusing to contact ${registry.host}: it is not in imageAutomation.registries nor a known public registry; add "- host: ${registry.host}" under imageAutomation.registries if this registry is trusted`,
      `worker: error: refusing to contact ${registry.host}: it is not in imageAutomation.registries nor a known public registry; add "- host: ${registry.host}" under imageAutomation.registries if this registry is trusted`,
    ]);
  });

  it('takes an app-config without registries as the public allowlist only', async () => {
    await setUp();
    await write({ 'app-config.yaml': '# nothing configured yet\n' });
    const result = await plan();
    expect(result.code).toBe(1);
    expect(result.err).toContain(
      `api: error: refusing to contact ${registry.host}: it is not in imageAutomation.registries`,
    );
  });

  it('names the key of an invalid registries entry in the app-config', async () => {
    await setUp({
      registries: '    - host: https://registry.example.com/v2\n',
    });
    expect(await plan()).toEqual({
      code: 1,
      out: '',
      err: 'image-automation plan: --config app-config.yaml: imageAutomation.registries[0].host: "https://registry.example.com/v2" is not a host name; write it as it appears in image references, e.g. "ghcr.io" or "registry.internal:5000" (no scheme, no path)\n',
    });
  });

  it('reports a bad policy with its annotation key and exits 1', async () => {
    await setUp({
      annotations: {
        'image-automation/image': `${registry.host}/acme/api`,
        'image-automation/policy': 'semver: not-a-range',
        'image-automation/files': 'deploy/api.yaml',
      },
    });
    const result = await plan();
    expect(result.code).toBe(1);
    expect(result.out).toBe('');
    const lines = result.err.trimEnd().split('\n');
    expect(lines[0]).toMatch(/^image-automation\/policy: .*not-a-range/);
    expect(lines[lines.length - 1]).toBe(
      'image-automation plan: component:default/payments has no usable image; fix the problems above',
    );
  });

  it('plans the shorthand form, whose marker names the entity', async () => {
    await setUp({
      annotations: {
        'image-automation/image': `${registry.host}/acme/api`,
        'image-automation/policy': 'semver: ^1.0.0',
        'image-automation/files': 'deploy/api.yaml',
      },
    });
    await write({
      'repo/deploy/api.yaml': apiDeployment(registry.host, '1.1.0')
        .replace('"api"}', '"payments:tag"}')
        .replace(`${registry.host}/acme/api:1.1.0`, '1.1.0'),
    });
    const result = await plan();
    expect(result.err).toBe('payments: 1.1.0 -> 1.2.0 (semver ^1.0.0)\n');
    expect(result.out).toContain(
      '-          image: 1.1.0 # {"$imagepolicy": "payments:tag"}\n',
    );
    expect(result.out).toContain(
      '+          image: 1.2.0 # {"$imagepolicy": "payments:tag"}\n',
    );
    expect(result.code).toBe(0);
  });

  it('reads a config file named by the annotation relative to --dir', async () => {
    await setUp({
      annotations: {
        'image-automation/config': './.backstage/image-automation.yaml',
      },
    });
    await write({
      'repo/.backstage/image-automation.yaml': fullForm(registry.host),
    });
    const result = await plan();
    expect(result.code).toBe(0);
    expect(result.err).toBe(
      'api: 1.0.0 -> 1.2.0 (semver ^1.0.0)\nworker: 1.0.0 -> 1.0.1 (semver ~1.0.0)\n',
    );
  });

  it('plans calendar versions and ties as Flux chooses them, from the real registry', async () => {
    const host = registry.host;
    // NewVersion coerces 2023.12.01 to 2023.12.1, the highest in range;
    // 2024.01-rc.1 (two dots, so a version: 2024.1.0-rc.1) is out of range
    // and 2023.9 (one dot) is no version.
    await registry.pushTags('acme/calver', [
      '2023.07.04',
      '2023.7.10',
      '2023.12.01',
      '2024.01-rc.1',
      '2023.9',
    ]);
    const config = [
      'images:',
      '  - name: api',
      `    image: ${host}/acme/calver`,
      '    policy: { semver: { range: ">=2023.1.0 <2024.0.0" } }',
      '    files: [deploy/api.yaml]',
    ].join('\n');
    await setUp({ annotations: { 'image-automation/config': config } });
    await write({
      'repo/deploy/api.yaml': apiDeployment(host, '2023.07.04').replace(
        '/acme/api:',
        '/acme/calver:',
      ),
    });
    const result = await plan();
    expect(result.err).toBe(
      'api: 2023.07.04 -> 2023.12.01 (semver >=2023.1.0 <2024.0.0)\n',
    );
    expect(result.out).toContain(
      `+          image: ${host}/acme/calver:2023.12.01 # {"$imagepolicy": "api"}`,
    );
    expect(result.code).toBe(0);
  });

  it('fails an image whose named file is not YAML (a Helm template), as it always did', async () => {
    await setUp();
    await write({
      'repo/deploy/api.yaml': `{{- if .Values.enabled }}\n${apiDeployment(
        registry.host,
        '1.0.0',
      )}{{- end }}\n`,
    });
    const result = await plan();
    expect(result.code).toBe(1);
    expect(result.err).toMatch(/deploy\/api\.yaml:1: invalid YAML/);
  });

  it('fails with exit 1 on a missing file and a missing config file', async () => {
    await setUp();
    await rm(join(dir, 'repo/deploy/worker.yaml'));
    const missingFile = await plan();
    expect(missingFile.code).toBe(1);
    expect(missingFile.err).toContain(
      'worker: error: deploy/worker.yaml is not in repo; check the files named in the annotations',
    );
    // The other image is still planned.
    expect(missingFile.out).toContain('+++ b/deploy/api.yaml');

    await setUp({ annotations: { 'image-automation/config': './ia.yaml' } });
    expect(await plan()).toEqual({
      code: 1,
      out: '',
      err: 'image-automation plan: image-automation/config names ia.yaml, which is not in repo; check the path (relative to the repository root) or point --dir at the repository root\n',
    });
  });

  it('names the candidates when the file holds several automated entities', async () => {
    await setUp();
    const annotations = { 'image-automation/config': fullForm(registry.host) };
    await write({
      'catalog-info.yaml': [
        catalogInfo(annotations, 'payments'),
        catalogInfo(annotations, 'billing'),
      ].join('---\n'),
    });
    const ambiguous = await plan();
    expect(ambiguous.code).toBe(2);
    expect(ambiguous.err).toContain(
      'catalog-info.yaml holds 2 entities with image-automation/ annotations (component:default/payments, component:default/billing); choose one with --entity-ref',
    );
    const unknown = await plan(['--entity-ref', 'component:default/shipping']);
    expect(unknown.code).toBe(2);
    expect(unknown.err).toContain(
      'candidates: component:default/payments, component:default/billing',
    );
    const chosen = await plan(['--entity-ref', 'billing']);
    expect(chosen.code).toBe(0);
    expect(chosen.err).toContain('api: 1.0.0 -> 1.2.0');
  });

  it.each([
    [['--dir', 'repo'], '--entity is required'],
    [['--entity', 'catalog-info.yaml'], '--dir is required'],
    [
      ['--entity', 'catalog-info.yaml', '--dir', 'nowhere'],
      '--dir nowhere: no such directory',
    ],
    [
      ['--entity', 'catalog-info.yaml', '--dir', 'repo', '--frobnicate'],
      "Unknown option '--frobnicate'",
    ],
  ])('exits 2 on bad arguments %j', async (args, message) => {
    await setUp();
    const io = captureIo(dir);
    expect(await planVerb.run(args, io)).toBe(2);
    expect(io.err).toContain(message);
    expect(io.err).toContain(
      'Usage: image-automation plan --entity FILE --dir D',
    );
    expect(io.out).toBe('');
  });

  it.each([
    [
      ['--entity', 'nope.yaml', '--dir', 'repo'],
      'image-automation plan: cannot read --entity nope.yaml (no such file)\n',
    ],
    [
      [
        '--entity',
        'catalog-info.yaml',
        '--dir',
        'repo',
        '--config',
        'nope.yaml',
      ],
      'image-automation plan: cannot load --config nope.yaml: Config file "<dir>/nope.yaml" does not exist\n',
    ],
  ])('exits 1 on unreadable input %j', async (args, message) => {
    await setUp();
    const io = captureIo(dir);
    expect(await planVerb.run(args, io)).toBe(1);
    expect(io.err).toBe(message.replace('<dir>', dir));
  });

  it('runs through the real bin, substituting ${VAR} in the app-config', async () => {
    await setUp({
      registries: '    - host: ${PLAN_TEST_REGISTRY}\n      insecure: true\n',
    });
    const { stdout, stderr } = await runBin(
      [
        'plan',
        '--entity',
        join(dir, 'catalog-info.yaml'),
        '--dir',
        join(dir, 'repo'),
        '--config',
        join(dir, 'app-config.yaml'),
      ],
      {
        ...process.env,
        PLAN_TEST_REGISTRY: registry.host,
        INIT_CWD: REPO_ROOT,
      },
    );
    expect(stderr).toBe(
      'api: 1.0.0 -> 1.2.0 (semver ^1.0.0)\nworker: 1.0.0 -> 1.0.1 (semver ~1.0.0)\n',
    );
    expect(stdout).toContain(
      `+          image: ${registry.host}/acme/api:1.2.0 # {"$imagepolicy": "api"}`,
    );
  });

  it('names what the operator does not allow as a config problem and exits 1', async () => {
    const host = registry.host;
    await setUp({
      annotations: {
        'image-automation/config': `${fullForm(host)}\ngit:\n  mode: push\n`,
        'backstage.io/managed-by-location':
          'url:https://github.com/acme/catalog/blob/main/catalog-info.yaml',
      },
    });
    const result = await plan();
    expect(result.code).toBe(1);
    expect(result.err).toContain(
      "image-automation/repo: github.com/acme/payments is not the repository this entity is registered from (github.com/acme/catalog); an operator can allow it with imageAutomation.git.allowedRepositories: ['github.com/acme/payments']",
    );
    expect(result.err).toContain(
      'image-automation/mode: mode push writes without review and is allowed only in repositories listed under imageAutomation.git.allowPush',
    );

    // Allowed by the operator: no problem, exit 0.
    await write({
      'app-config.yaml': `imageAutomation:\n  registries:\n    - host: ${host}\n      insecure: true\n  git:\n    allowedRepositories: [github.com/acme/payments]\n    allowPush: [github.com/acme/*]\n`,
    });
    const allowed = await plan();
    expect(allowed.err).not.toMatch(/image-automation\/(repo|mode):/);
    expect(allowed.code).toBe(0);
  });

  describe('digest pins and newest-build, read from the registry', () => {
    const digests: Record<string, string> = {};
    beforeAll(async () => {
      // Distinct images (their build times differ), so each tag has its own digest.
      for (const [tag, created] of [
        ['1.0.0', '2024-01-01T00:00:00Z'],
        ['1.2.0', '2024-02-01T00:00:00Z'],
        ['2.0.0', '2024-03-01T00:00:00Z'],
      ]) {
        digests[tag] = await registry.pushImage('acme/pinned', tag, {
          created,
        });
      }
      // Newest build is not the last in any name order.
      for (const [tag, created] of [
        ['build-a', '2024-05-01T00:00:00Z'],
        ['build-c', '2024-04-01T00:00:00Z'],
        ['build-b', '2024-03-01T00:00:00Z'],
        ['other-z', '2024-06-01T00:00:00Z'],
      ]) {
        await registry.pushImage('acme/built', tag, { created });
      }
    }, 120_000);

    const short = (digest: string) => digest.slice(0, 'sha256:'.length + 12);
    /** An app-config allowing the registry at `host` over plain HTTP. */
    const registryConfig = (host: string) =>
      `imageAutomation:\n  registries:\n    - host: ${host}\n      insecure: true\n`;

    async function setUpPinned(ref: string, extra = '') {
      const host = registry.host;
      await write({
        'repo/deploy/api.yaml': apiDeployment(host, 'unused').replace(
          `${host}/acme/api:unused`,
          `${host}/acme/pinned:${ref}`,
        ),
        'catalog-info.yaml': catalogInfo({
          'image-automation/config': [
            'images:',
            '  - name: api',
            `    image: ${host}/acme/pinned`,
            '    policy: { semver: { range: "^1.0.0" } }',
            '    files: [deploy/api.yaml]',
            extra,
          ]
            .filter(line => line !== '')
            .join('\n'),
        }),
        'app-config.yaml': registryConfig(host),
      });
    }

    it('keeps a pinned digest current: the new tag with its own digest', async () => {
      await setUpPinned(`1.0.0@${digests['1.0.0']}`);
      const host = registry.host;
      const result = await plan();
      expect(result.err).toBe(
        `api: 1.0.0 -> 1.2.0@${short(digests['1.2.0'])} (semver ^1.0.0)\n`,
      );
      expect(
        result.out.split('\n').filter(line => /^[-+] /.test(line)),
      ).toEqual([
        `-          image: ${host}/acme/pinned:1.0.0@${digests['1.0.0']} # {"$imagepolicy": "api"}`,
        `+          image: ${host}/acme/pinned:1.2.0@${digests['1.2.0']} # {"$imagepolicy": "api"}`,
      ]);
      expect(result.code).toBe(0);
    });

    it('under Always, shows a tag pushed again with a new digest as an update of its own', async () => {
      await setUpPinned(
        `1.2.0@${digests['1.0.0']}`,
        '    digestReflectionPolicy: Always',
      );
      const result = await plan();
      expect(result.err).toBe(
        [
          `api: 1.2.0 -> 1.2.0@${short(digests['1.2.0'])} (semver ^1.0.0)`,
          `api: note: 1.2.0 was pushed again: its digest is now ${short(
            digests['1.2.0'],
          )} (Git pins ${short(digests['1.0.0'])})`,
          '',
        ].join('\n'),
      );
      expect(result.out).toContain(
        `+          image: ${registry.host}/acme/pinned:1.2.0@${digests['1.2.0']}`,
      );
      expect(result.code).toBe(0);
    });

    it('fails an image whose pin Never would leave stale, saying what to change', async () => {
      await setUpPinned(
        `1.0.0@${digests['1.0.0']}`,
        '    digestReflectionPolicy: Never',
      );
      const result = await plan();
      expect(result.err).toMatch(
        /^api: error: Git pins a digest for this image but digestReflectionPolicy is Never.*set digestReflectionPolicy to IfNotPresent or Always/,
      );
      expect(result.out).toBe('');
      expect(result.code).toBe(1);
    });

    async function setUpNewestBuild(host: string) {
      await write({
        'repo/deploy/api.yaml': apiDeployment(host, 'unused').replace(
          `${host}/acme/api:unused`,
          `${host}/acme/built:build-b`,
        ),
        'catalog-info.yaml': catalogInfo({
          'image-automation/config': [
            'images:',
            '  - name: api',
            `    image: ${host}/acme/built`,
            '    policy: { newestBuild: {} }',
            '    filterTags: { pattern: "^build-" }',
            '    files: [deploy/api.yaml]',
          ].join('\n'),
        }),
        'app-config.yaml': registryConfig(host),
      });
    }

    it('chooses the newest build among the tags the filter allows, from each image config', async () => {
      const host = registry.host;
      await setUpNewestBuild(host);
      const result = await plan();
      expect(result.err.split('\n')[0]).toMatch(/^api: build-b -> build-a \(/);
      expect(result.out).toContain(
        `+          image: ${host}/acme/built:build-a # {"$imagepolicy": "api"}`,
      );
      expect(result.code).toBe(0);
    });

    it('fails the image when the build times cannot be read, rather than choose among those read', async () => {
      const faults = await startFaultProxy(registry.url);
      try {
        faults.inject({ kind: 'status', status: 503 }, 1000, /\/manifests\//);
        await setUpNewestBuild(faults.host);
        const result = await plan();
        expect(result.err).toMatch(
          new RegExp(
            `^api: error: the build times of ${faults.host}/acme/built could not be read, so the newest build cannot be told: .*503`,
          ),
        );
        expect(result.out).toBe('');
        expect(result.code).toBe(1);
      } finally {
        await faults.stop();
      }
    });
  });
});
