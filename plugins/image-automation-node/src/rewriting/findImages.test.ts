import { ManifestRewriteError } from './ManifestRewriteError';
import { findImages } from './findImages';
import { MAX_MANIFEST_BYTES } from './limits';
import { rewriteManifest } from './rewriteManifest';

const values = [
  'image:',
  '  repository: ghcr.io/acme/api # {"$imagepolicy": "flux-system:api:name"}',
  '  tag: "1.4.2" # {"$imagepolicy": "flux-system:api:tag"}',
  'other: ghcr.io/acme/other:2.0.0 # {"$imagepolicy": "flux-system:other"}',
  '',
].join('\n');

describe('findImages', () => {
  it('reports what every marker holds now, without policies given', () => {
    const { found, warnings } = findImages({ path: 'values.yaml', content: values }, {});
    expect(found.map(f => [f.line, f.policy, f.field, f.value])).toEqual([
      [2, 'flux-system:api', 'name', 'ghcr.io/acme/api'],
      [3, 'flux-system:api', 'tag', '1.4.2'],
      [4, 'flux-system:other', 'image', 'ghcr.io/acme/other:2.0.0'],
    ]);
    expect(warnings).toEqual([]);
  });

  it('leaves out markers for policies it was not given, with a warning', () => {
    const { found, warnings } = findImages(
      { path: 'values.yaml', content: values },
      { policies: ['flux-system:api'] },
    );
    expect(found.map(f => f.policy)).toEqual(['flux-system:api', 'flux-system:api']);
    expect(warnings).toEqual([
      'values.yaml:4: marker names policy "flux-system:other", which this automation does not have; left unchanged',
    ]);
  });

  it('reads a structured target', () => {
    const pod = 'kind: Pod\nmetadata: {name: p}\nspec:\n  containers:\n  - name: app\n    image: nginx:1.25\n';
    expect(
      findImages({ path: 'pod.yaml', content: pod }, { targets: [{ policy: 'web', container: 'app' }] })
        .found,
    ).toEqual([
      {
        file: 'pod.yaml',
        line: 6,
        documentIndex: 0,
        kind: 'Pod',
        name: 'p',
        container: 'app',
        policy: 'web',
        field: 'image',
        value: 'nginx:1.25',
      },
    ]);
  });
});

describe('manifest limits', () => {
  it('refuses a file over MAX_MANIFEST_BYTES, with or without markers', () => {
    const big = `# ${'x'.repeat(MAX_MANIFEST_BYTES)}\n`;
    expect(() => rewriteManifest({ path: 'big.yaml', content: big }, {})).toThrow(
      ManifestRewriteError,
    );
    expect(() => findImages({ path: 'big.yaml', content: big }, {})).toThrow(
      /big\.yaml: the file is \d+ bytes, over the 1048576-byte limit/,
    );
  });

  it('refuses a recursive alias', () => {
    const content = 'a: &a [1, *a]\nimage: x:1 # {"$imagepolicy": "p"}\n';
    expect(() => rewriteManifest({ path: 'r.yaml', content }, { p: 'x:2' })).toThrow(
      ManifestRewriteError,
    );
  });

  it('leaves a file without markers or targets untouched without parsing it', () => {
    const content = 'not: [valid yaml\n';
    expect(rewriteManifest({ path: 'x.yaml', content }, { p: 'x:2' })).toEqual({
      content,
      changes: [],
      found: [],
      warnings: [],
    });
  });

  it('refuses to write into a block scalar', () => {
    const content = 'image: | # {"$imagepolicy": "p"}\n  x:1\n';
    const headMarked = 'list:\n  # {"$imagepolicy": "p"}\n  - |\n    x:1\n';
    expect(rewriteManifest({ path: 'b.yaml', content }, { p: 'x:2' }).content).toBe(content);
    expect(() => rewriteManifest({ path: 'b.yaml', content: headMarked }, { p: 'x:2' })).toThrow(
      /b\.yaml:3: the marked value is a block scalar/,
    );
  });
});
