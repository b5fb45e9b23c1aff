import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../main';
import { captureIo, runBin } from '../__testUtils__/cliIo';

async function run(args: string[], { cwd = tmpdir(), stdin = '' } = {}) {
  const io = captureIo(cwd, stdin);
  const code = await main(['policy', ...args], io);
  return { code, out: io.out, err: io.err };
}

const TAGS = [
  '1.0.0',
  '1.4.2',
  'v1.5.0',
  '2.0.0',
  '1.6.0-rc.1',
  'latest',
  '',
  'sha256-abc.sig',
  '',
].join('\n');

describe('image-automation policy', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'policy-verb-'));
    writeFileSync(join(dir, 'tags.txt'), TAGS);
    writeFileSync(join(dir, 'crlf.txt'), 'main-1\r\nmain-20\r\nmain-3\r\n');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it.each([
    [{ semver: { range: '1.x' } }, 'v1.5.0'],
    [{ semver: { range: '>=1.0.0-0 <2.0.0-0' } }, '1.6.0-rc.1'],
    [{ alphabetical: { order: 'asc' } }, 'v1.5.0'],
    [{ alphabetical: { order: 'desc' } }, '1.0.0'],
    [
      {
        semver: { range: '*' },
        filterTags: { pattern: '^v(?P<v>.*)$', extract: '$v' },
      },
      'v1.5.0',
    ],
  ])(
    'reads tags from stdin and prints the tag %j chooses',
    async (policy, expected) => {
      const result = await run(['--policy', JSON.stringify(policy)], {
        stdin: TAGS,
      });
      expect(result).toEqual({ code: 0, out: `${expected}\n`, err: '' });
    },
  );

  // The Flux conformance cases of -common's fluxConformance.test.ts, through
  // the verb; each expected tag is worked out there from Flux's code.
  it.each([
    // Masterminds NewVersion coerces leading zeros: 2023.12.01 is 2023.12.1.
    [
      { semver: { range: '>=2023.1.0' } },
      ['2023.07.04', '2023.12.01', '2023.7.10'],
      '2023.12.01',
    ],
    // two dots pass Flux's SplitN check; 1.2-rc.1 is 1.2.0-rc.1
    [{ semver: { range: '>=1.0.0-0' } }, ['1.2-rc.1', '1.1.0'], '1.2-rc.1'],
    // one comparator naming a prerelease admits them to its AND group
    [
      { semver: { range: '>=3.0.0-0 <4.0.0' } },
      ['3.9.0', '4.0.0-beta.2', '4.0.0'],
      '4.0.0-beta.2',
    ],
    // equal versions: the first met in descending bytes (only a strictly
    // greater version replaces it)
    [{ semver: { range: '*' } }, ['2023.07.04', '2023.7.4'], '2023.7.4'],
    // equal numbers: the last met in descending bytes (7, 07, 007)
    [{ numerical: { order: 'asc' } }, ['07', '7', '6', '007'], '007'],
    [{ numerical: { order: 'desc' } }, ['8', '007', '7', '07'], '007'],
    // equal extracted values: the filter keeps the last tag met (a-20)
    [
      {
        alphabetical: { order: 'asc' },
        filterTags: { pattern: '^[a-z]-(?P<n>[0-9]+)$', extract: '$n' },
      },
      ['b-20', 'a-20', 'c-10'],
      'a-20',
    ],
  ])(
    'chooses as Flux does: %j over %j is %j, in any listing order',
    async (policy, tags, expected) => {
      for (const listed of [tags, [...tags].reverse()]) {
        const result = await run(['--policy', JSON.stringify(policy)], {
          stdin: `${listed.join('\n')}\n`,
        });
        expect(result).toEqual({ code: 0, out: `${expected}\n`, err: '' });
      }
    },
  );

  it('reads tags from --tags-file relative to the working directory', async () => {
    const result = await run(
      ['--policy', '{"semver":{"range":"<2.0.0"}}', '--tags-file', 'tags.txt'],
      {
        cwd: dir,
      },
    );
    expect(result).toEqual({ code: 0, out: 'v1.5.0\n', err: '' });
  });

  it('ignores the carriage returns of a CRLF file', async () => {
    const result = await run(
      [
        '--policy',
        '{"numerical":{"order":"asc"},"filterTags":{"pattern":"^main-(?P<n>[0-9]+)$","extract":"$n"}}',
        '--tags-file',
        'crlf.txt',
      ],
      { cwd: dir },
    );
    expect(result).toEqual({ code: 0, out: 'main-20\n', err: '' });
  });

  it('exits 1 with a one-line reason when no tag is allowed', async () => {
    const result = await run(['--policy', '{"semver":{"range":">=2.1.0"}}'], {
      stdin: TAGS,
    });
    expect(result.code).toBe(1);
    expect(result.out).toBe('');
    expect(result.err).toBe(
      'image-automation policy: no tag satisfies semver >=2.1.0 (7 tags read, 0 allowed; e.g. "1.0.0": does not satisfy >=2.1.0)\n',
    );
  });

  it('exits 1 when there are no tags at all', async () => {
    const result = await run(['--policy', '{"numerical":{}}'], {
      stdin: '\n\n',
    });
    expect(result.code).toBe(1);
    expect(result.err).toBe(
      'image-automation policy: no tag satisfies numerical asc (0 tags read, 0 allowed)\n',
    );
  });

  it.each([
    [
      ['--policy', '{semver'],
      /^image-automation policy: --policy is not valid JSON \(.+\); expected e\.g\. \{/,
    ],
    [
      ['--policy', '{"semver":{"range":"1.0.0p"}}'],
      /Invalid semver range "1\.0\.0p"/,
    ],
    [
      ['--policy', '{"alphabetical":{"order":"up"}}'],
      /unknown alphabetical\.order "up" \(use "asc" or "desc"\)/,
    ],
    [
      ['--policy', '{"numerical":{},"filterTags":{"pattern":"(a"}}'],
      /Invalid filterTags\.pattern "\(a": missing closing \)/,
    ],
    [['--policy', '{}'], /no policy kind given/],
    [[], /--policy is required/],
    [
      ['--policy', '{"numerical":{}}', '--tags', 'x'],
      /Unknown option '--tags'/,
    ],
    [
      ['--policy', '{"numerical":{}}', '--tags-file', 'missing.txt'],
      /cannot read --tags-file "missing\.txt" \(no such file\)/,
    ],
  ])('exits 2 for %j', async (args, message) => {
    const result = await run(args, { cwd: tmpdir() });
    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(result.err).toMatch(message);
    expect(result.err.trimEnd().split('\n')).toHaveLength(1);
  });

  it('runs through the real bin with yarn', async () => {
    const { stdout } = await runBin([
      'policy',
      '--policy',
      '{"semver":{"range":"~1.4"}}',
      '--tags-file',
      join(dir, 'tags.txt'),
    ]);
    expect(stdout).toBe('1.4.2\n');
    const failure = runBin([
      'policy',
      '--policy',
      '{"semver":{"range":"~9"}}',
      '--tags-file',
      join(dir, 'tags.txt'),
    ]);
    await expect(failure).rejects.toMatchObject({
      code: 1,
      stderr: expect.stringContaining('no tag satisfies semver ~9'),
    });
  }, 90_000);
});
