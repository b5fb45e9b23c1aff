import { mkdtempSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManifestRewriteError } from './ManifestRewriteError';
import { applyToDirectory } from './applyToDirectory';

const marked = (ref: string) => `image: ${ref} # {"$imagepolicy": "app"}\n`;

describe('applyToDirectory', () => {
  let root: string;
  let outside: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'ia-apply-'));
    outside = mkdtempSync(join(tmpdir(), 'ia-outside-'));
    mkdirSync(join(root, 'deploy/prod'), { recursive: true });
    mkdirSync(join(root, 'node_modules/x'), { recursive: true });
    mkdirSync(join(root, '.git'), { recursive: true });
    writeFileSync(join(root, 'deploy/prod/a.yaml'), marked('ghcr.io/acme/app:1.0.0'));
    writeFileSync(join(root, 'deploy/b.yml'), marked('ghcr.io/acme/app:1.0.0'));
    writeFileSync(join(root, 'deploy/readme.md'), marked('ghcr.io/acme/app:1.0.0'));
    writeFileSync(join(root, 'node_modules/x/c.yaml'), marked('ghcr.io/acme/app:1.0.0'));
    writeFileSync(join(root, '.git/d.yaml'), marked('ghcr.io/acme/app:1.0.0'));
  });
  afterEach(() => {
    rmSync(root, { recursive: true, force: true });
    rmSync(outside, { recursive: true, force: true });
  });

  it('rewrites every *.yaml and *.yml in place, skipping node_modules and .git', async () => {
    const result = await applyToDirectory(root, { app: 'ghcr.io/acme/app:1.1.0' });
    expect(result.files.map(f => [f.file, f.changed])).toEqual([
      ['deploy/b.yml', true],
      ['deploy/prod/a.yaml', true],
    ]);
    expect(readFileSync(join(root, 'deploy/prod/a.yaml'), 'utf8')).toBe(marked('ghcr.io/acme/app:1.1.0'));
    expect(readFileSync(join(root, 'node_modules/x/c.yaml'), 'utf8')).toBe(marked('ghcr.io/acme/app:1.0.0'));
    expect(readFileSync(join(root, 'deploy/readme.md'), 'utf8')).toBe(marked('ghcr.io/acme/app:1.0.0'));
    expect(result.changes.map(c => `${c.file}:${c.line}`)).toEqual(['deploy/b.yml:1', 'deploy/prod/a.yaml:1']);
  });

  it('rewrites only the files given', async () => {
    const result = await applyToDirectory(root, { app: 'ghcr.io/acme/app:1.1.0' }, { files: ['deploy/b.yml'] });
    expect(result.changes).toHaveLength(1);
    expect(readFileSync(join(root, 'deploy/prod/a.yaml'), 'utf8')).toBe(marked('ghcr.io/acme/app:1.0.0'));
  });

  it('refuses paths that leave the root, lexically or through a symlink', async () => {
    writeFileSync(join(outside, 'secret.yaml'), marked('ghcr.io/acme/app:1.0.0'));
    symlinkSync(join(outside, 'secret.yaml'), join(root, 'deploy/escape.yaml'));
    await expect(applyToDirectory(root, { app: 'ghcr.io/acme/app:1.1.0' }, { files: ['../x.yaml'] })).rejects.toThrow(
      ManifestRewriteError,
    );
    await expect(applyToDirectory(root, { app: 'ghcr.io/acme/app:1.1.0' })).rejects.toThrow(
      /deploy\/escape\.yaml: resolves \(through a symlink\) to .*, outside/,
    );
    expect(readFileSync(join(outside, 'secret.yaml'), 'utf8')).toBe(marked('ghcr.io/acme/app:1.0.0'));
    // Nothing is written when one file fails.
    expect(readFileSync(join(root, 'deploy/b.yml'), 'utf8')).toBe(marked('ghcr.io/acme/app:1.0.0'));
  });

  it('reports a missing directory precisely', async () => {
    await expect(applyToDirectory(join(root, 'nope'), {})).rejects.toThrow(/nope: no such directory/);
  });
});
