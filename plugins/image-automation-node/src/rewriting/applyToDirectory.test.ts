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

  describe('file selection, as Flux scans a directory (internal/update/filereader.go)', () => {
    // A Helm template: `{{- if }}` lines are not YAML.
    const helmTemplate = `{{- if .Values.enabled }}\n${marked('ghcr.io/acme/app:1.0.0')}{{- end }}\n`;

    it.each([
      // filepath.Ext is ".yaml" or ".yml", compared as bytes
      ['app.yaml', true],
      ['app.yml', true],
      // Ext of ".yaml" is ".yaml" itself
      ['.yaml', true],
      // filepath.Base is exactly "Kustomization"
      ['Kustomization', true],
      ['kustomization', false],
      ['KUSTOMIZATION', false],
      // case-sensitive: Ext ".YAML" is not ".yaml"
      ['app.YAML', false],
      ['app.Yml', false],
      ['app.yaml.bak', false],
      ['app.json', false],
      ['values.yaml.tpl', false],
    ])('%s is scanned: %s', async (name, scanned) => {
      writeFileSync(join(root, 'deploy', name), marked('ghcr.io/acme/app:1.0.0'));
      const result = await applyToDirectory(root, { app: 'ghcr.io/acme/app:1.1.0' });
      expect(result.files.map(f => f.file).includes(`deploy/${name}`)).toBe(scanned);
      expect(readFileSync(join(root, 'deploy', name), 'utf8')).toBe(
        marked(`ghcr.io/acme/app:${scanned ? '1.1.0' : '1.0.0'}`),
      );
    });

    it('skips a file of the walk that is not YAML, says why, and still updates the others', async () => {
      mkdirSync(join(root, 'chart/templates'), { recursive: true });
      writeFileSync(join(root, 'chart/templates/deployment.yaml'), helmTemplate);
      const result = await applyToDirectory(root, { app: 'ghcr.io/acme/app:1.1.0' });
      expect(result.skipped).toEqual([
        {
          file: 'chart/templates/deployment.yaml',
          reason: expect.stringMatching(/^chart\/templates\/deployment\.yaml:1: invalid YAML: /),
        },
      ]);
      expect(result.files.map(f => f.file)).toEqual(['deploy/b.yml', 'deploy/prod/a.yaml']);
      expect(readFileSync(join(root, 'deploy/prod/a.yaml'), 'utf8')).toBe(marked('ghcr.io/acme/app:1.1.0'));
      expect(readFileSync(join(root, 'chart/templates/deployment.yaml'), 'utf8')).toBe(helmTemplate);
    });

    it('still refuses a file named in files that is not YAML, and writes nothing', async () => {
      mkdirSync(join(root, 'chart/templates'), { recursive: true });
      writeFileSync(join(root, 'chart/templates/deployment.yaml'), helmTemplate);
      await expect(
        applyToDirectory(
          root,
          { app: 'ghcr.io/acme/app:1.1.0' },
          { files: ['deploy/b.yml', 'chart/templates/deployment.yaml'] },
        ),
      ).rejects.toThrow(/chart\/templates\/deployment\.yaml:1: invalid YAML/);
      expect(readFileSync(join(root, 'deploy/b.yml'), 'utf8')).toBe(marked('ghcr.io/acme/app:1.0.0'));
    });

    it('still refuses YAML refused for safety during a walk (an alias bomb is not skipped)', async () => {
      const bomb = [
        'a: &a ["x","x","x","x","x","x","x","x","x","x"]',
        'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a,*a]',
        'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b,*b]',
        'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c,*c]',
        'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d,*d]',
        'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e,*e]',
        marked('ghcr.io/acme/app:1.0.0'),
      ].join('\n');
      writeFileSync(join(root, 'deploy/bomb.yaml'), bomb);
      await expect(applyToDirectory(root, { app: 'ghcr.io/acme/app:1.1.0' })).rejects.toThrow(/alias/);
    });
  });
});
