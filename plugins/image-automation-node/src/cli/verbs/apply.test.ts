import { mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applyVerb } from './apply';
import { captureIo } from '../__testUtils__/cliIo';

const deployment = [
  'kind: Deployment',
  'metadata:',
  '  name: web',
  'spec:',
  '  template:',
  '    spec:',
  '      containers:',
  '        - name: web',
  '          image: nginx:1.25.3 # {"$imagepolicy": "flux-system:web"}',
  '        - name: other',
  '          image: ghcr.io/acme/x:1.0.0 # {"$imagepolicy": "flux-system:unknown"}',
  '',
].join('\n');

describe('image-automation apply', () => {
  let cwd: string;
  beforeEach(() => {
    cwd = mkdtempSync(join(tmpdir(), 'ia-cli-'));
    mkdirSync(join(cwd, 'deploy'));
    writeFileSync(join(cwd, 'deploy/web.yaml'), deployment);
  });
  afterEach(() => rmSync(cwd, { recursive: true, force: true }));

  it('rewrites in place and prints the JSON report; warnings go to stderr', async () => {
    const io = captureIo(cwd);
    const code = await applyVerb.run(
      ['--dir', 'deploy', '--images', '{"flux-system:web":"docker.io/library/nginx:1.27.0"}', '--json'],
      io,
    );
    expect(code).toBe(0);
    expect(JSON.parse(io.out)).toEqual([
      {
        file: 'web.yaml',
        line: 9,
        documentIndex: 0,
        kind: 'Deployment',
        name: 'web',
        container: 'web',
        policy: 'flux-system:web',
        field: 'image',
        old: 'nginx:1.25.3',
        new: 'nginx:1.27.0',
      },
    ]);
    expect(io.err).toBe(
      'warning: web.yaml:11: marker names policy "flux-system:unknown", which this automation does not have; left unchanged\n',
    );
    expect(readFileSync(join(cwd, 'deploy/web.yaml'), 'utf8')).toBe(
      deployment.replace('nginx:1.25.3', 'nginx:1.27.0'),
    );
  });

  it('prints a table by default', async () => {
    const io = captureIo(cwd);
    expect(await applyVerb.run(['--dir', 'deploy', '--images', '{"flux-system:web":"nginx:1.27.0"}'], io)).toBe(0);
    expect(io.out).toContain('web.yaml:9');
    expect(io.out).toMatch(/Deployment\/web \(web\)\s+flux-system:web\s+image\s+nginx:1\.25\.3\s+nginx:1\.27\.0/);
    expect(io.out).toContain('1 change(s) in 1 file(s).');
  });

  it.each([
    [['--images', '{}'], '--dir is required'],
    [['--dir', 'deploy'], '--images is required'],
    [['--dir', 'deploy', '--images', '{nope'], '--images is not valid JSON'],
    [['--dir', 'deploy', '--images', '["x"]'], '--images must be a JSON object'],
    [['--dir', 'deploy', '--images', '{"a":1}'], 'the value for "a" must be an image reference string'],
    [['--dir', 'missing', '--images', '{}'], 'no such directory'],
    [['--dir', 'deploy', '--images', '{}', '--files', '../web.yaml'], 'leaves the repository with ".."'],
    [['--dir', 'deploy', '--images', '{"flux-system:web":"nginx:1.0\\n#evil"}'], 'images["flux-system:web"]: Invalid image reference'],
    [['--dir', 'deploy', '--images', '{}', '--frobnicate'], "Unknown option '--frobnicate'"],
  ])('exits 2 on bad input %j', async (args, message) => {
    const io = captureIo(cwd);
    expect(await applyVerb.run(args, io)).toBe(2);
    expect(io.err).toContain(message);
    expect(readFileSync(join(cwd, 'deploy/web.yaml'), 'utf8')).toBe(deployment);
  });

  describe('file selection, as Flux scans a directory', () => {
    const helmTemplate = `{{- if .Values.enabled }}\n${deployment}{{- end }}\n`;
    const images = '{"flux-system:web":"nginx:1.27.0"}';

    beforeEach(() => {
      mkdirSync(join(cwd, 'deploy/chart/templates'), { recursive: true });
      writeFileSync(join(cwd, 'deploy/chart/templates/web.yaml'), helmTemplate);
      // Flux scans *.yaml, *.yml and Kustomization, case-sensitively.
      writeFileSync(join(cwd, 'deploy/Kustomization'), deployment);
      writeFileSync(join(cwd, 'deploy/web.YAML'), deployment);
      writeFileSync(join(cwd, 'deploy/web.json.yml.txt'), deployment);
    });

    it('updates the files Flux would scan, skips a Helm template with a note, and exits 0', async () => {
      const io = captureIo(cwd);
      expect(await applyVerb.run(['--dir', 'deploy', '--images', images, '--json'], io)).toBe(0);
      expect(JSON.parse(io.out).map((c: { file: string }) => c.file)).toEqual(['Kustomization', 'web.yaml']);
      expect(io.err).toMatch(
        /^note: skipped chart\/templates\/web\.yaml, which is not YAML \(Flux skips such files too\): chart\/templates\/web\.yaml:1: invalid YAML: /m,
      );
      expect(readFileSync(join(cwd, 'deploy/web.yaml'), 'utf8')).toContain('nginx:1.27.0');
      expect(readFileSync(join(cwd, 'deploy/Kustomization'), 'utf8')).toContain('nginx:1.27.0');
      expect(readFileSync(join(cwd, 'deploy/web.YAML'), 'utf8')).toBe(deployment);
      expect(readFileSync(join(cwd, 'deploy/web.json.yml.txt'), 'utf8')).toBe(deployment);
      expect(readFileSync(join(cwd, 'deploy/chart/templates/web.yaml'), 'utf8')).toBe(helmTemplate);
    });

    it('exits 2 when a file named in --files is not YAML, and writes nothing', async () => {
      const io = captureIo(cwd);
      const code = await applyVerb.run(
        ['--dir', 'deploy', '--images', images, '--files', 'web.yaml,chart/templates/web.yaml'],
        io,
      );
      expect(code).toBe(2);
      expect(io.err).toContain('chart/templates/web.yaml:1: invalid YAML');
      expect(readFileSync(join(cwd, 'deploy/web.yaml'), 'utf8')).toBe(deployment);
    });
  });
});
