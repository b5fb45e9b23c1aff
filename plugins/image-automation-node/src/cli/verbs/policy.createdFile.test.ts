import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { main } from '../main';
import { captureIo } from '../__testUtils__/cliIo';

async function run(args: string[], { cwd = tmpdir(), stdin = '' } = {}) {
  const io = captureIo(cwd, stdin);
  const code = await main(['policy', ...args], io);
  return { code, out: io.out, err: io.err };
}

const NEWEST = '{"newestBuild":{}}';

describe('image-automation policy --created-file', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'policy-created-'));
    // build times disagree with the names: 1.0.0 was rebuilt last
    writeFileSync(
      join(dir, 'created.txt'),
      [
        '# tag  created',
        '2.0.0\t2024-01-01T00:00:00Z',
        '1.0.0   2024-06-01T10:00:00.123+02:00',
        'main-abc 2024-05-01T00:00:00Z\r',
        '',
      ].join('\n'),
    );
    writeFileSync(join(dir, 'tags.txt'), '2.0.0\nmain-abc\nnever-built\n');
    writeFileSync(join(dir, 'bad-time.txt'), 'v1 yesterday\n');
    writeFileSync(join(dir, 'bad-line.txt'), 'v1\n');
    writeFileSync(
      join(dir, 'twice.txt'),
      'v1 2024-01-01T00:00:00Z\nv1 2024-01-02T00:00:00Z\n',
    );
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('chooses the tag built last among the created file tags', async () => {
    const result = await run(
      ['--policy', NEWEST, '--created-file', 'created.txt'],
      {
        cwd: dir,
      },
    );
    expect(result).toEqual({ code: 0, out: '1.0.0\n', err: '' });
  });

  it('orders the --tags-file tags by the build times given', async () => {
    const result = await run(
      [
        '--policy',
        NEWEST,
        '--created-file',
        'created.txt',
        '--tags-file',
        'tags.txt',
      ],
      { cwd: dir },
    );
    expect(result).toEqual({ code: 0, out: 'main-abc\n', err: '' });
  });

  it("takes the created file's tags, not stdin, when there is no --tags-file", async () => {
    const result = await run(
      [
        '--policy',
        '{"newestBuild":{},"filterTags":{"pattern":"^\\\\d"}}',
        '--created-file',
        'created.txt',
      ],
      { cwd: dir, stdin: 'ignored\n' },
    );
    expect(result).toEqual({ code: 0, out: '1.0.0\n', err: '' });
  });

  it('exits 1 when no listed tag has a build time', async () => {
    writeFileSync(join(dir, 'only-unbuilt.txt'), 'never-built\n');
    const result = await run(
      [
        '--policy',
        NEWEST,
        '--created-file',
        'created.txt',
        '--tags-file',
        'only-unbuilt.txt',
      ],
      { cwd: dir },
    );
    expect(result.code).toBe(1);
    expect(result.err).toContain(
      '"never-built": its build time is not known yet',
    );
  });

  it.each([
    [
      ['--policy', NEWEST],
      /newestBuild orders tags by when their image was built: give the build times with --created-file F/,
    ],
    [
      ['--policy', NEWEST, '--created-file', 'bad-time.txt'],
      /--created-file bad-time\.txt: line 1: "yesterday" is not an RFC 3339 time/,
    ],
    [
      ['--policy', NEWEST, '--created-file', 'bad-line.txt'],
      /line 1: expected a tag and an RFC 3339 time separated by whitespace/,
    ],
    [
      ['--policy', NEWEST, '--created-file', 'twice.txt'],
      /line 2: "v1" is listed twice/,
    ],
    [
      ['--policy', NEWEST, '--created-file', 'missing.txt'],
      /cannot read --created-file "missing\.txt" \(no such file\)/,
    ],
  ])('exits 2 for %j', async (args, message) => {
    const result = await run(args, { cwd: dir });
    expect(result.code).toBe(2);
    expect(result.out).toBe('');
    expect(result.err).toMatch(message);
  });
});
