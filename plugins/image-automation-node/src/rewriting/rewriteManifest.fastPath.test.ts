import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { findImages } from './findImages';
import { rewriteManifest } from './rewriteManifest';
import { ImageTarget } from './types';

/*
 * scanPlainManifest is only a faster way to read the same file: rewriting
 * and finding images must give the same result (content, report, warnings,
 * errors) whether the scanner reads a file or gives it to the yaml package.
 */

const scanner = { enabled: true, answered: 0 };
jest.mock('./scanPlainManifest', () => {
  const actual = jest.requireActual('./scanPlainManifest');
  return {
    scanPlainManifest: (content: string) => {
      if (!scanner.enabled) return undefined;
      const scanned = actual.scanPlainManifest(content);
      if (scanned) scanner.answered++;
      return scanned;
    },
  };
});

function outcome(
  content: string,
  images: Record<string, string>,
  targets?: ImageTarget[],
) {
  try {
    return {
      rewritten: rewriteManifest({ path: 'f.yaml', content }, images, {
        targets,
      }),
      found: findImages({ path: 'f.yaml', content }, { targets }),
    };
  } catch (error) {
    return { error: String(error) };
  }
}

function workload(i: number, policy: string): string {
  return [
    '---',
    `# workload ${i}`,
    'kind: Deployment',
    'metadata:',
    `  name: app-${i}`,
    'spec:',
    '  template:',
    '    spec:',
    '      containers:',
    `        - name: app-${i}`,
    `          image: ghcr.io/acme/app:1.0.0 # {"$imagepolicy": "${policy}"}`,
    '          env:',
    '            - name: SCRIPT',
    '              value: |',
    '                # {"$imagepolicy": "not-a-marker"}',
    '        - name: sidecar',
    "          image: 'envoyproxy/envoy:v1.29.0'",
    '',
  ].join('\n');
}

describe('rewriteManifest with and without the plain-YAML scanner', () => {
  const fixtures = join(__dirname, '__fixtures__');
  const files: Array<{
    content: string;
    images: Record<string, string>;
    targets?: ImageTarget[];
  }> = [];
  for (const name of readdirSync(fixtures)) {
    const dir = join(fixtures, name);
    if (!statSync(dir).isDirectory()) continue;
    const { images, targets } = JSON.parse(
      readFileSync(join(dir, 'case.json'), 'utf8'),
    );
    for (const entry of readdirSync(join(dir, 'input'), {
      recursive: true,
      withFileTypes: true,
    })) {
      if (!entry.isFile()) continue;
      const content = readFileSync(join(entry.parentPath, entry.name), 'utf8');
      files.push({ content, images, targets });
      // Most fixtures are plain YAML once a BOM or CRLF is gone.
      files.push({
        content: content.replace(/^\uFEFF/, '').replace(/\r\n/g, '\n'),
        images,
        targets,
      });
    }
  }
  const twoWorkloads = workload(1, 'p') + workload(2, 'q:tag');
  files.push({ content: twoWorkloads, images: {} });
  files.push({
    content: twoWorkloads.replace(/ # \{"\$imagepolicy": "p"\}/, ''),
    images: {},
  });

  it('gives the same results on fixtures and workloads, under every kind of target', () => {
    scanner.answered = 0;
    for (const { content, images, targets } of files) {
      for (const extraTargets of [
        targets,
        undefined,
        [{ policy: 'p' }],
        [{ policy: 'p', container: 'app-1' }],
        [{ policy: 'p', container: 'missing' }],
      ]) {
        const allImages = {
          ...images,
          p: 'ghcr.io/acme/app:2.0.0',
          q: 'ghcr.io/acme/q:1.10',
        };
        scanner.enabled = true;
        const fast = outcome(content, allImages, extraTargets);
        scanner.enabled = false;
        const general = outcome(content, allImages, extraTargets);
        expect(fast).toEqual(general);
      }
    }
    expect(scanner.answered).toBeGreaterThan(50);
  });
});
