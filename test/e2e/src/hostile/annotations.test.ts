/*
 * Hostile catalog annotations against the real backend plugin and the
 * `image-automation lint` CLI: each one is reported with the annotation key,
 * what is wrong and an example of what is right (SPEC §3), and the backend
 * keeps serving.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliResult, runImageAutomationCli } from './__testUtils__/cli';
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

const REPO = 'annotations';

let services: Services;
let backend: HostileBackend;

interface AnnotationCase {
  name: string;
  /** Annotations on top of a valid shorthand automation (a value of undefined removes the key). */
  annotations: Record<string, string | undefined>;
  /** The problem the API and the CLI must report. */
  problem: { key: string | RegExp; message: RegExp };
}

/** Inline full-form config around one image entry (YAML flow mapping). */
const fullForm = (image: string) => ({
  'image-automation/image': undefined,
  'image-automation/policy': undefined,
  'image-automation/files': undefined,
  'image-automation/mode': undefined,
  'image-automation/config': `images:\n  - ${image}\n`,
});

const CASES: AnnotationCase[] = [
  {
    name: 'bad YAML in image-automation/config',
    annotations: {
      ...fullForm(''),
      'image-automation/config': 'images:\n  - { name: api, image: [unclosed\n',
    },
    problem: {
      key: 'image-automation/config',
      message: /YAML|flow|unclosed|expected/i,
    },
  },
  {
    name: 'config that is a list, not a mapping',
    annotations: {
      ...fullForm(''),
      'image-automation/config': '- api\n- web\n',
    },
    problem: {
      key: /^image-automation\/config/,
      message: /mapping|object|images/i,
    },
  },
  {
    name: 'config whose images is a mapping, not a list',
    annotations: {
      ...fullForm(''),
      'image-automation/config': 'images:\n  name: api\n',
    },
    problem: {
      key: /^image-automation\/config.*images/,
      message: /list|array|sequence/i,
    },
  },
  {
    name: 'config whose files is a number',
    annotations: fullForm(
      '{ name: api, image: IMAGE, policy: { semver: { range: "^1.0.0" } }, files: 42 }',
    ),
    problem: {
      key: /^image-automation\/config.*files/,
      message: /list|array|string|42/i,
    },
  },
  {
    name: 'config whose policy is a string',
    annotations: fullForm(
      '{ name: api, image: IMAGE, policy: "semver ^1", files: [deploy/api.yaml] }',
    ),
    problem: {
      key: /^image-automation\/config.*policy/,
      message: /mapping|object|semver|alphabetical/i,
    },
  },
  {
    name: 'allow-downgrade that is not a boolean',
    annotations: { 'image-automation/allow-downgrade': 'maybe' },
    problem: {
      key: 'image-automation/allow-downgrade',
      message: /maybe|true|false/,
    },
  },
  {
    name: 'interval that is not a duration',
    annotations: { 'image-automation/interval': 'soon' },
    problem: { key: 'image-automation/interval', message: /soon|duration/i },
  },
  {
    name: 'unknown annotation key (a typo of policy)',
    annotations: { 'image-automation/polcy': 'semver: ^1.0.0' },
    problem: {
      key: 'image-automation/polcy',
      message: /image-automation\/policy/,
    },
  },
  {
    name: 'unknown key in the config',
    annotations: fullForm(
      '{ name: api, image: IMAGE, polcy: { semver: { range: "^1.0.0" } }, files: [deploy/api.yaml] }',
    ),
    problem: {
      key: /^image-automation\/config.*polcy/,
      message: /unknown|policy/i,
    },
  },
  {
    name: 'unknown policy kind in the shorthand',
    annotations: { 'image-automation/policy': 'newest: first' },
    problem: { key: 'image-automation/policy', message: /newest/ },
  },
  {
    name: 'unknown policy kind in the config',
    annotations: fullForm(
      '{ name: api, image: IMAGE, policy: { latest: {} }, files: [deploy/api.yaml] }',
    ),
    problem: { key: /^image-automation\/config.*policy/, message: /latest/ },
  },
  {
    name: 'two policy kinds at once',
    annotations: fullForm(
      '{ name: api, image: IMAGE, policy: { semver: { range: "^1.0.0" }, alphabetical: { order: asc } }, files: [deploy/api.yaml] }',
    ),
    problem: {
      key: /^image-automation\/config.*policy/,
      message: /one|both|semver.*alphabetical|alphabetical.*semver/i,
    },
  },
  {
    name: 'invalid semver range in the shorthand',
    annotations: { 'image-automation/policy': 'semver: >=1.0.0 <<2.0.0' },
    problem: { key: 'image-automation/policy', message: /<<2\.0\.0|range/ },
  },
  {
    name: 'invalid semver range in the config',
    annotations: fullForm(
      '{ name: api, image: IMAGE, policy: { semver: { range: "1.2.3.4" } }, files: [deploy/api.yaml] }',
    ),
    problem: {
      key: /^image-automation\/config.*(policy|range)/,
      message: /1\.2\.3\.4/,
    },
  },
  {
    name: 'empty semver range',
    annotations: { 'image-automation/policy': 'semver:' },
    problem: { key: 'image-automation/policy', message: /range|empty/i },
  },
  {
    name: 'alphabetical order that is neither asc nor desc',
    annotations: { 'image-automation/policy': 'alphabetical: sideways' },
    problem: { key: 'image-automation/policy', message: /sideways/ },
  },
  {
    name: 'filter-tags with a lookbehind (not RE2)',
    annotations: { 'image-automation/filter-tags': '(?<=v)1\\.\\d+' },
    problem: {
      key: 'image-automation/filter-tags',
      message: /RE2|lookaround|lookbehind/i,
    },
  },
  {
    name: 'filter-extract naming a group the pattern lacks',
    annotations: {
      'image-automation/filter-tags': '^v(?P<v>.*)$',
      'image-automation/filter-extract': '$version',
    },
    problem: {
      key: /image-automation\/filter-(extract|tags)/,
      message: /version/,
    },
  },
  {
    name: 'unknown write-back mode',
    annotations: { 'image-automation/mode': 'yolo' },
    problem: { key: 'image-automation/mode', message: /yolo/ },
  },
  {
    name: 'image reference with a newline and YAML after it',
    annotations: { 'image-automation/image': 'IMAGE\nimage: evil.example/x' },
    problem: {
      key: 'image-automation/image',
      message: /not an image repository: it contains "\\n"/,
    },
  },
  {
    name: 'image reference that is not one',
    annotations: { 'image-automation/image': 'HTTP://Evil/../x:tag:tag' },
    problem: {
      key: 'image-automation/image',
      message: /image reference|invalid|HTTP/i,
    },
  },
];

const entityName = (index: number) => `annotations-${index}`;

let lintDir: string;
let lint: CliResult;

beforeAll(async () => {
  services = await startServices();
  const { registry, github } = services;
  await registry.pushTags('hostile/annotations', ['1.0.0', '1.1.0']);
  const image = `${registry.host}/hostile/annotations`;
  await github.createRepository(OWNER, REPO, {
    files: { 'deploy/api.yaml': deployment(`${image}:1.0.0`) },
  });
  const valid = {
    'image-automation/image': image,
    'image-automation/policy': 'semver: ^1.0.0',
    'image-automation/files': 'deploy/api.yaml',
    'image-automation/repo': services.repoUrl(REPO),
    'image-automation/mode': 'observe',
  };
  const entities = CASES.map((c, index) => {
    const annotations: Record<string, string> = { ...valid };
    for (const [key, value] of Object.entries(c.annotations)) {
      if (value === undefined) delete annotations[key];
      else annotations[key] = value.replaceAll('IMAGE', image);
    }
    return component(entityName(index), annotations);
  });
  backend = await startHostileBackend({
    entities,
    githubApiBaseUrl: github.apiBaseUrl,
    registries: [{ host: registry.host, insecure: true }],
  });

  // The same entities in one catalog-info file (JSON is YAML), linted once.
  lintDir = mkdtempSync(join(tmpdir(), 'hostile-lint-'));
  writeFileSync(
    join(lintDir, 'catalog-info.yaml'),
    entities
      .map(e => JSON.stringify({ ...e, relations: undefined }, null, 2))
      .join('\n---\n'),
  );
  lint = await runImageAutomationCli(['lint', 'catalog-info.yaml'], {
    cwd: lintDir,
  });
});
afterAll(async () => {
  if (lintDir) rmSync(lintDir, { recursive: true, force: true });
  await services?.stop();
});

const keyMatches = (expected: string | RegExp, key: string) =>
  typeof expected === 'string' ? key === expected : expected.test(key);

describe('hostile annotations', () => {
  it.each(CASES.map((c, index) => [c.name, c, index] as const))(
    '%s',
    async (_name, c, index) => {
      const refreshed = await backend.refresh(entityName(index));
      expect(refreshed.status).toBe(200);
      const problem = refreshed.body.configProblems.find(p =>
        keyMatches(c.problem.key, p.key),
      );
      expect(problem).toMatchObject({
        message: expect.stringMatching(c.problem.message),
      });
      // SPEC §3: every problem comes with a correct example to copy.
      expect(problem?.example?.trim()).toBeTruthy();
      // Nothing is proposed from a broken automation.
      expect(refreshed.body.images.filter(i => i.pullRequest)).toEqual([]);
      expect((await backend.get(entityName(index))).body).toEqual(
        refreshed.body,
      );
      expect(await backend.health()).toBe(200);

      // lint prints `file: key: message (example: …)` for the same problem.
      const line = lint.stdout
        .split('\n')
        .find(
          l =>
            l.startsWith(`catalog-info.yaml: ${problem!.key}: `) &&
            c.problem.message.test(l),
        );
      expect(line).toBeDefined();
    },
  );

  it('lint exits 1 for problems and prints no stack trace', () => {
    expect(lint).toMatchObject({ code: 1, stderr: '' });
    expect(lint.stdout).not.toMatch(/\n\s+at /);
  });

  it('an unknown policy kind in the config shows an example of a right policy', async () => {
    const index = CASES.findIndex(
      c => c.name === 'unknown policy kind in the config',
    );
    const { body } = await backend.refresh(entityName(index));
    const problem = body.configProblems.find(p => /policy/.test(p.key));
    expect(problem?.message).toMatch(/latest/);
    expect(problem?.example).toMatch(/semver/);
  });
});
