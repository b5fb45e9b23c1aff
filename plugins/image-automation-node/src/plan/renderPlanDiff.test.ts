import { execFileSync } from 'node:child_process';
import {
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
  mkdirSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { imageSpec as image } from './__testUtils__/imageSpec';
import { renderPlanDiff } from './renderPlanDiff';

const crlfValues = [
  '# values for prod',
  'api:',
  '  image:',
  '    repository: ghcr.io/acme/api # {"$imagepolicy": "api:name"}',
  '    tag: \'1.0.0\' # {"$imagepolicy": "api:tag"}',
  '',
].join('\r\n');

const pod = [
  'kind: Pod',
  'metadata: { name: worker }',
  'spec:',
  '  containers:',
  '    - name: worker',
  '      image: ghcr.io/acme/worker:1.0.0',
  '',
].join('\n');

describe('renderPlanDiff', () => {
  it('renders a git-style diff that git apply accepts, byte for byte (CRLF kept)', () => {
    const files = new Map([
      ['deploy/values.yaml', crlfValues],
      ['deploy/pod.yaml', pod],
    ]);
    const { diff, changedFiles, warnings } = renderPlanDiff(
      [
        image('api', ['deploy/values.yaml']),
        image('worker', ['deploy/pod.yaml'], 'worker'),
      ],
      new Map([
        ['api', { tag: '1.2.0' }],
        ['worker', { tag: '1.0.3' }],
      ]),
      files,
    );
    expect(warnings).toEqual([]);
    expect(changedFiles).toEqual(['deploy/pod.yaml', 'deploy/values.yaml']);
    expect(
      diff.startsWith(
        'diff --git a/deploy/pod.yaml b/deploy/pod.yaml\n--- a/deploy/pod.yaml\n+++ b/deploy/pod.yaml\n',
      ),
    ).toBe(true);
    expect(diff.split('\n').filter(l => /^[-+][^-+]/.test(l))).toEqual([
      '-      image: ghcr.io/acme/worker:1.0.0',
      '+      image: ghcr.io/acme/worker:1.0.3',
      '-    tag: \'1.0.0\' # {"$imagepolicy": "api:tag"}\r',
      '+    tag: \'1.2.0\' # {"$imagepolicy": "api:tag"}\r',
    ]);

    const work = mkdtempSync(join(tmpdir(), 'plan-diff-'));
    try {
      mkdirSync(join(work, 'deploy'));
      for (const [path, content] of files)
        writeFileSync(join(work, path), content);
      writeFileSync(join(work, 'plan.patch'), diff);
      execFileSync('git', ['apply', '--unsafe-paths', 'plan.patch'], {
        cwd: work,
      });
      expect(readFileSync(join(work, 'deploy/values.yaml'), 'utf8')).toBe(
        crlfValues.replace("'1.0.0'", "'1.2.0'"),
      );
      expect(readFileSync(join(work, 'deploy/pod.yaml'), 'utf8')).toBe(
        pod.replace('worker:1.0.0', 'worker:1.0.3'),
      );
    } finally {
      rmSync(work, { recursive: true, force: true });
    }
  });

  it('is empty when the files already hold the target tags, or no tag is targeted', () => {
    const files = new Map([['deploy/pod.yaml', pod]]);
    const images = [image('worker', ['deploy/pod.yaml'], 'worker')];
    expect(
      renderPlanDiff(images, new Map([['worker', { tag: '1.0.0' }]]), files),
    ).toEqual({
      diff: '',
      changedFiles: [],
      warnings: [],
    });
    expect(renderPlanDiff(images, new Map(), files).diff).toBe('');
  });

  it('throws when the structured target names a container the file does not have', () => {
    const twoContainers = pod.replace(
      '      image: ghcr.io/acme/worker:1.0.0\n',
      '      image: ghcr.io/acme/worker:1.0.0\n    - name: sidecar\n      image: busybox:1\n',
    );
    expect(() =>
      renderPlanDiff(
        [image('worker', ['deploy/pod.yaml'], 'missing')],
        new Map([['worker', { tag: '1.0.3' }]]),
        new Map([['deploy/pod.yaml', twoContainers]]),
      ),
    ).toThrow(/missing/);
  });

  it('pins the digest only where a place pins one, and refuses a place of another repository, as the backend does', () => {
    const pinned = (c: string) => `sha256:${c.repeat(64)}`;
    const files = new Map([
      [
        'deploy/pods.yaml',
        [
          'kind: Pod',
          'metadata: { name: a }',
          'spec:',
          '  containers:',
          `    - name: worker`,
          `      image: ghcr.io/acme/worker:1.0.0@${pinned(
            'a',
          )} # {"$imagepolicy": "worker"}`,
          '---',
          'kind: Pod',
          'metadata: { name: b }',
          'spec:',
          '  containers:',
          '    - name: worker',
          '      image: ghcr.io/acme/worker:1.0.0 # {"$imagepolicy": "worker"}',
          '',
        ].join('\n'),
      ],
    ]);
    const { diff, changedFiles } = renderPlanDiff(
      [image('worker', ['deploy/pods.yaml'])],
      new Map([['worker', { tag: '1.0.3', digest: pinned('b') }]]),
      files,
    );
    expect(changedFiles).toEqual(['deploy/pods.yaml']);
    expect(diff.split('\n').filter(l => /^[-+] /.test(l))).toEqual([
      `-      image: ghcr.io/acme/worker:1.0.0@${pinned(
        'a',
      )} # {"$imagepolicy": "worker"}`,
      `+      image: ghcr.io/acme/worker:1.0.3@${pinned(
        'b',
      )} # {"$imagepolicy": "worker"}`,
      '-      image: ghcr.io/acme/worker:1.0.0 # {"$imagepolicy": "worker"}',
      '+      image: ghcr.io/acme/worker:1.0.3 # {"$imagepolicy": "worker"}',
    ]);
    const elsewhere = new Map([
      [
        'deploy/pods.yaml',
        files
          .get('deploy/pods.yaml')!
          .replace(
            'image: ghcr.io/acme/worker:1.0.0 #',
            'image: ghcr.io/other/worker:1.0.0 #',
          ),
      ],
    ]);
    expect(() =>
      renderPlanDiff(
        [image('worker', ['deploy/pods.yaml'])],
        new Map([['worker', { tag: '1.0.3', digest: pinned('b') }]]),
        elsewhere,
      ),
    ).toThrow(/never the repository/);
  });
});
