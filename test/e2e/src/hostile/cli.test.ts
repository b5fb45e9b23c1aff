/*
 * The same hostile input through the `image-automation` CLI, run as a child
 * process the way `yarn image-automation …` runs it: each ends with the
 * documented exit code and a one-line reason, never a stack trace or a hang,
 * and nothing outside the directory it was given changes.
 */
import {
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { CliResult, runImageAutomationCli } from './__testUtils__/cli';

jest.setTimeout(60_000);

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

const MANIFEST = `apiVersion: apps/v1
kind: Deployment
spec:
  template:
    spec:
      containers:
        - name: api
          image: registry.example/team/api:1.0.0 # {"$imagepolicy": "api"}
`;

/**
 * Built synchronously when the file loads: `it.concurrent` tests may start
 * before an async `beforeAll` has finished.
 */
const root = mkdtempSync(join(tmpdir(), 'hostile-cli-'));
const outside = join(root, 'outside.yaml');
const repo = join(root, 'repo');
mkdirSync(join(repo, 'deploy'), { recursive: true });
writeFileSync(outside, MANIFEST);
writeFileSync(join(repo, 'deploy/api.yaml'), MANIFEST);
/** Directories that each hold the manifest and one hostile file beside it. */
function repoWith(
  name: string,
  files: Record<string, string>,
  links: Record<string, string> = {},
): string {
  const dir = join(root, name);
  mkdirSync(join(dir, 'deploy'), { recursive: true });
  writeFileSync(join(dir, 'deploy/api.yaml'), MANIFEST);
  for (const [path, content] of Object.entries(files))
    writeFileSync(join(dir, path), content);
  for (const [path, target] of Object.entries(links))
    symlinkSync(target, join(dir, path));
  return dir;
}
const withLink = repoWith('with-link', {}, { 'deploy/escape.yaml': outside });
const withBomb = repoWith('with-bomb', {
  'deploy/bomb.yaml': `${aliasBomb()}---\n${MANIFEST}`,
});
const withBigFile = repoWith('with-big-file', {
  'deploy/big.yaml': `${MANIFEST}# ${'x'.repeat(50 * 1024 * 1024)}\n`,
});
writeFileSync(
  join(root, 'catalog-bomb.yaml'),
  `apiVersion: backstage.io/v1alpha1\nkind: Component\nmetadata: { name: x }\n---\n${aliasBomb()}`,
);
writeFileSync(
  join(root, 'catalog-not-yaml.yaml'),
  'apiVersion: backstage.io/v1alpha1\nmetadata: { name: [unclosed\n',
);

const ADVERSARIAL_TAGS = [30, 45, 60, 90, 120].map(n => `${'a'.repeat(n)}b`);
const HOSTILE_TAG_LINES = [
  '1.9.8"',
  "1.9.7'",
  '1.9.5: pwned',
  '1.9.4#comment',
  '{1.9.0}',
  '[1.8.9]',
  '&anchor 1.8.8',
  '*alias',
  `1.0.${'9'.repeat(200)}`,
  '1.9.1\u0000',
];
writeFileSync(
  join(root, 'hostile-tags.txt'),
  [...HOSTILE_TAG_LINES, '1.0.0', '1.2.0'].join('\n'),
);
writeFileSync(
  join(root, 'only-hostile-tags.txt'),
  HOSTILE_TAG_LINES.join('\n'),
);

afterAll(() => rmSync(root, { recursive: true, force: true }));

const cli = (args: string[], input?: string) =>
  runImageAutomationCli(args, { cwd: root, input });

/** What a refusal is judged by: the exit code, the reason on stderr, and no stack trace. */
const outcome = ({ code, stderr }: CliResult) => ({
  code,
  stderr,
  stackTrace: /\n\s+at /.test(stderr),
});
const refusal = (code: number, reason: RegExp) => ({
  code,
  stderr: expect.stringMatching(reason),
  stackTrace: false,
});

describe('image-automation policy', () => {
  it.concurrent.each<[string, string, RegExp]>([
    [
      'an invalid semver range',
      '{"semver":{"range":">=1.0.0 <<2.0.0"}}',
      /Invalid semver range ">=1\.0\.0 <<2\.0\.0"/,
    ],
    [
      'a range with four numbers',
      '{"semver":{"range":"1.2.3.4"}}',
      /Invalid semver range "1\.2\.3\.4"/,
    ],
    ['an unknown policy kind', '{"newest":{"order":"asc"}}', /newest/],
    [
      'two policy kinds',
      '{"semver":{"range":"^1"},"alphabetical":{"order":"asc"}}',
      /several policy kinds/,
    ],
    [
      'an unknown alphabetical order',
      '{"alphabetical":{"order":"sideways"}}',
      /sideways/,
    ],
    [
      'a lookbehind in filterTags',
      '{"alphabetical":{"order":"asc"},"filterTags":{"pattern":"(?<=v)1"}}',
      /RE2/,
    ],
    ['a policy that is not JSON', '{semver: ^1}', /JSON/],
  ])('%s: exit 2', async (_name, policy, reason) => {
    expect(
      outcome(await cli(['policy', '--policy', policy], '1.0.0\n')),
    ).toEqual(refusal(2, reason));
  });

  it.concurrent(
    'a catastrophic regex on adversarial tags finishes and chooses the matching tag',
    async () => {
      const result = await cli(
        [
          'policy',
          '--policy',
          '{"alphabetical":{"order":"asc"},"filterTags":{"pattern":"(a+)+$"}}',
        ],
        [...ADVERSARIAL_TAGS, 'aaaa', 'aaaaaaa'].join('\n'),
      );
      expect(result).toMatchObject({ code: 0, stdout: 'aaaaaaa\n' });
      // A backtracking engine would not return at all; this bound only catches a slow one.
      expect(result.elapsedMs).toBeLessThan(15_000);
    },
  );

  it.concurrent('hostile tags are never chosen over a valid one', async () => {
    const result = await cli([
      'policy',
      '--policy',
      '{"semver":{"range":"^1.0.0"}}',
      '--tags-file',
      'hostile-tags.txt',
    ]);
    expect(result).toMatchObject({ code: 0, stdout: '1.2.0\n' });
  });

  it.concurrent('only hostile tags: exit 1, none matches', async () => {
    const result = await cli([
      'policy',
      '--policy',
      '{"semver":{"range":"^1.0.0"}}',
      '--tags-file',
      'only-hostile-tags.txt',
    ]);
    expect(result.stdout).toBe('');
    expect(outcome(result)).toEqual(
      refusal(1, /no tag satisfies semver \^1\.0\.0 .*not a valid OCI tag/),
    );
  });
});

describe('image-automation apply', () => {
  it.concurrent.each<[string, string[], RegExp]>([
    [
      'an image ref with a newline and YAML',
      ['--images', '{"api":"registry.example/team/api:1.2.0\\nimage: evil"}'],
      /contains "\\n"/,
    ],
    [
      'an image ref with a quote',
      ['--images', '{"api":"registry.example/team/api:1.2.0\\""}'],
      /contains "\\""/,
    ],
    [
      'an image ref with a comment',
      ['--images', '{"api":"registry.example/team/api:1.2.0 # {}"}'],
      /contains " "/,
    ],
    [
      'a tag over 128 characters',
      ['--images', `{"api":"registry.example/team/api:${'1'.repeat(129)}"}`],
      /tag|128/i,
    ],
    [
      '--files leaving the directory',
      [
        '--files',
        '../../etc/passwd',
        '--images',
        '{"api":"registry.example/team/api:1.2.0"}',
      ],
      /leaves the repository/,
    ],
    [
      '--files absolute',
      [
        '--files',
        '/etc/passwd',
        '--images',
        '{"api":"registry.example/team/api:1.2.0"}',
      ],
      /is absolute/,
    ],
  ])('%s: exit 2, the manifest unchanged', async (_name, args, reason) => {
    expect(outcome(await cli(['apply', '--dir', 'repo', ...args]))).toEqual(
      refusal(2, reason),
    );
    expect(readFileSync(join(repo, 'deploy/api.yaml'), 'utf8')).toBe(MANIFEST);
  });

  it.concurrent.each<[string, string, string[], RegExp]>([
    [
      'a symlink out of the directory, named',
      withLink,
      ['--files', 'deploy/escape.yaml'],
      /deploy\/escape\.yaml: resolves \(through a symlink\) to .*outside/,
    ],
    [
      'a symlink out of the directory, walked',
      withLink,
      [],
      /deploy\/escape\.yaml: resolves \(through a symlink\) to .*outside/,
    ],
    [
      'a YAML alias bomb',
      withBomb,
      ['--files', 'deploy/bomb.yaml'],
      /deploy\/bomb\.yaml: aliases expand to more than \d+ nodes/,
    ],
    [
      'a 50 MiB manifest',
      withBigFile,
      ['--files', 'deploy/big.yaml'],
      /deploy\/big\.yaml: the file is \d+ bytes, over the \d+-byte limit/,
    ],
  ])(
    '%s: exit 2, nothing written inside or outside',
    async (_name, dir, args, reason) => {
      const result = await cli([
        'apply',
        '--dir',
        dir,
        ...args,
        '--images',
        '{"api":"registry.example/team/api:1.2.0"}',
      ]);
      expect(outcome(result)).toEqual(refusal(2, reason));
      expect(readFileSync(outside, 'utf8')).toBe(MANIFEST);
      expect(readFileSync(join(dir, 'deploy/api.yaml'), 'utf8')).toBe(MANIFEST);
    },
  );
});

describe('image-automation lint', () => {
  it.concurrent.each<[string, string, RegExp]>([
    [
      'a YAML alias bomb',
      'catalog-bomb.yaml',
      /catalog-bomb\.yaml cannot be read as YAML: .*alias/i,
    ],
    [
      'a file that is not YAML',
      'catalog-not-yaml.yaml',
      /catalog-not-yaml\.yaml is not valid YAML/,
    ],
    ['a file that does not exist', 'missing.yaml', /missing\.yaml/],
  ])('%s: exit 2', async (_name, file, reason) => {
    expect(outcome(await cli(['lint', file]))).toEqual(refusal(2, reason));
  });
});
