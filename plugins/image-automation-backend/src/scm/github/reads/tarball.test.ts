import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';
import { readTarball, TarballTooLargeError } from './tarball';

/** A repository committed with real git, archived the way GitHub serves its tarballs. */
function archiveOf(
  files: Record<string, string | Buffer>,
  setup?: (dir: string) => void,
) {
  const dir = mkdtempSync(join(tmpdir(), 'ia-tarball-'));
  try {
    const git = (...args: string[]) =>
      execFileSync('git', ['-C', dir, ...args], {
        encoding: 'buffer',
        maxBuffer: 256 * 1024 * 1024,
      });
    git('init', '-q', '-b', 'main');
    for (const [path, content] of Object.entries(files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), content);
    }
    setup?.(dir);
    git('add', '-A');
    git(
      '-c',
      'user.name=t',
      '-c',
      'user.email=t@example.com',
      'commit',
      '-qm',
      'files',
    );
    const commit = git('rev-parse', 'HEAD').toString().trim();
    const tree = new Map(
      git('ls-tree', '-r', '-l', 'HEAD')
        .toString()
        .trim()
        .split('\n')
        .map(line => {
          const [meta, path] = line.split('\t');
          const [mode, , sha, size] = meta.split(/\s+/);
          return [path, { mode, sha, size: Number(size) }] as const;
        }),
    );
    const gzipped = git(
      'archive',
      '--format=tar.gz',
      `--prefix=acme-deploy-${commit.slice(0, 7)}/`,
      'HEAD',
    );
    return { commit, tree, gzipped };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('readTarball', () => {
  it('lists every file with the blob id, size and mode git gives it, and keeps only what is asked for', async () => {
    const longPath = `${'deep/'.repeat(30)}app.yaml`;
    const { commit, tree, gzipped } = archiveOf(
      {
        'apps/web.yaml': 'image: ghcr.io/acme/web:1.0.0\n',
        [longPath]: 'image: ghcr.io/acme/deep:1.0.0\n',
        'bin/run.sh': '#!/bin/sh\necho hi\n',
        'empty.yaml': '',
        'README.md': '# deploy\n',
      },
      dir => {
        chmodSync(join(dir, 'bin/run.sh'), 0o755);
        symlinkSync('apps/web.yaml', join(dir, 'link.yaml'));
      },
    );
    const asked: string[] = [];
    const { commit: archived, files } = await readTarball(gzipped, {
      maxBytes: 1024 * 1024,
      keep: (path, _size, mode) => {
        asked.push(path);
        return path.endsWith('.yaml') && mode !== '120000';
      },
    });
    expect(archived).toBe(commit);
    expect(
      new Map(
        files.map(f => [f.path, { mode: f.mode, sha: f.sha, size: f.size }]),
      ),
    ).toEqual(
      new Map(
        [...tree].map(([path, entry]) => [
          path,
          // ls-tree prints "-" as a link's size; a link's blob is its target.
          {
            ...entry,
            size: entry.mode === '120000' ? 'apps/web.yaml'.length : entry.size,
          },
        ]),
      ),
    );
    const kept = Object.fromEntries(
      files.filter(f => f.text !== undefined).map(f => [f.path, f.text]),
    );
    expect(kept).toEqual({
      'apps/web.yaml': 'image: ghcr.io/acme/web:1.0.0\n',
      [longPath]: 'image: ghcr.io/acme/deep:1.0.0\n',
      'empty.yaml': '',
    });
    expect(asked.sort()).toEqual([...tree.keys()].sort());
  });

  it('hashes a large compressible file without holding it, and refuses to unpack past the limit', async () => {
    const big = Buffer.alloc(24 * 1024 * 1024, 'a');
    const { tree, gzipped } = archiveOf({
      'data/big.bin': big,
      'app.yaml': 'a: 1\n',
    });
    expect(gzipped.length).toBeLessThan(200 * 1024);
    const { files } = await readTarball(gzipped, {
      maxBytes: 64 * 1024 * 1024,
      keep: path => path.endsWith('.yaml'),
    });
    const bin = files.find(f => f.path === 'data/big.bin')!;
    expect(bin).toEqual({
      path: 'data/big.bin',
      mode: '100644',
      size: big.length,
      sha: tree.get('data/big.bin')!.sha,
    });
    expect(bin.text).toBeUndefined();

    await expect(
      readTarball(gzipped, { maxBytes: 8 * 1024 * 1024, keep: () => false }),
    ).rejects.toBeInstanceOf(TarballTooLargeError);
  });

  it('decodes kept files whole wherever the stream cuts them, multi-byte characters included', async () => {
    const files: Record<string, string> = {
      'big.yaml': `${'ä'.repeat(100_000)}\n`,
    };
    // Sizes that land the stream's chunk boundaries at every offset of a character.
    for (let i = 0; i < 40; i++) {
      files[`apps/svc-${i}.yaml`] = `name: ${'ü€😀'.repeat(500 + i * 137)}\n`;
    }
    const { gzipped } = archiveOf(files);
    const { files: read } = await readTarball(gzipped, {
      maxBytes: 1 << 24,
      keep: () => true,
    });
    expect(Object.fromEntries(read.map(f => [f.path, f.text]))).toEqual(files);
  });

  it('refuses an archive cut off inside a file', async () => {
    const { gzipped } = archiveOf({ 'app.yaml': 'x'.repeat(100_000) });
    const tar = gunzipSync(gzipped);
    await expect(
      readTarball(gzipSync(tar.subarray(0, 4096)), {
        maxBytes: 1 << 20,
        keep: () => true,
      }),
    ).rejects.toThrow(/ends inside app\.yaml/);
    // Cut inside the header of the next entry: the listing would look complete.
    const whole = gunzipSync(
      archiveOf({ 'a.yaml': 'a: 1\n', 'b.yaml': 'b: 2\n' }).gzipped,
    );
    const second = whole.indexOf(Buffer.from('b.yaml'));
    await expect(
      readTarball(gzipSync(whole.subarray(0, second + 10)), {
        maxBytes: 1 << 20,
        keep: () => true,
      }),
    ).rejects.toThrow(/ends inside a header/);
  });
});
