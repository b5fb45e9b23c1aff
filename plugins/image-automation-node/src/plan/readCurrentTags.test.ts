import {
  ImageAutomationSpec,
  createTagPolicy,
} from '@image-automation/plugin-image-automation-common';
import { readCurrentTags } from './readCurrentTags';

const api: ImageAutomationSpec = {
  name: 'api',
  image: 'ghcr.io/acme/api',
  policy: { semver: { range: '>=1.0.0' } },
  files: ['a.yaml', 'b.yaml'],
  allowDowngrade: false,
};
const worker: ImageAutomationSpec = {
  name: 'worker',
  image: 'ghcr.io/acme/worker',
  policy: { semver: { range: '>=1.0.0' } },
  files: ['w.yaml'],
  container: 'worker',
  allowDowngrade: false,
};
const policies = new Map([
  ['api', createTagPolicy(api.policy)],
  ['worker', createTagPolicy(worker.policy)],
]);

const marked = (tag: string) =>
  `image: ghcr.io/acme/api:${tag} # {"$imagepolicy": "api"}\n`;
const pod = (image: string) =>
  `kind: Pod\nmetadata: { name: w }\nspec:\n  containers:\n    - name: worker\n      image: ${image}\n`;

describe('readCurrentTags', () => {
  it('reads markers and structured targets', () => {
    const { current, warnings } = readCurrentTags(
      [api, worker],
      new Map([
        ['a.yaml', marked('1.2.0')],
        ['b.yaml', marked('1.2.0')],
        ['w.yaml', pod('ghcr.io/acme/worker:0.3.1')],
      ]),
      policies,
    );
    expect(warnings).toEqual([]);
    expect(current.get('api')).toEqual({
      tag: '1.2.0',
      where: 'a.yaml:1',
      disagreement: undefined,
    });
    expect(current.get('worker')).toEqual({
      tag: '0.3.1',
      where: 'w.yaml:6',
      disagreement: undefined,
    });
  });

  it('takes the lowest tag when the files disagree, so the one left behind is updated', () => {
    const { current } = readCurrentTags(
      [api],
      new Map([
        ['a.yaml', marked('1.10.0')],
        ['b.yaml', marked('1.9.0')],
      ]),
      policies,
    );
    expect(current.get('api')).toEqual({
      tag: '1.9.0',
      where: 'b.yaml:1',
      disagreement: 'a.yaml:1 holds 1.10.0',
    });
  });

  it.each([
    [
      'a file without marker or container',
      'image: ghcr.io/acme/api:1.0.0\n',
      'a.yaml: no marker for policy "api" and no containers to update; add # {"$imagepolicy": "api"} to the image value or remove the file from image-automation/files',
    ],
    [
      'a marker on an image without tag',
      'image: ghcr.io/acme/api # {"$imagepolicy": "api"}\n',
      'the places that hold api in a.yaml, b.yaml carry no tag (a.yaml:1 "ghcr.io/acme/api"); write the image with its tag, e.g. ghcr.io/acme/api:1.0.0',
    ],
  ])('explains %s', (_, content, problem) => {
    const { current } = readCurrentTags(
      [api],
      new Map([['a.yaml', content]]),
      policies,
    );
    expect(current.get('api')).toEqual({ problem });
  });

  it('reports a file the engine refuses, and warns about markers of unknown policies', () => {
    const { current, warnings } = readCurrentTags(
      [api, worker],
      new Map([
        [
          'a.yaml',
          `${marked('1.0.0')}other: x:1 # {"$imagepolicy": "nobody"}\n`,
        ],
        ['w.yaml', 'a: [unclosed\n'],
      ]),
      policies,
    );
    expect(current.get('api')?.tag).toBe('1.0.0');
    expect(warnings).toEqual([
      expect.stringMatching(/^a\.yaml:2: marker names policy "nobody"/),
    ]);
    expect(current.get('worker')?.problem).toMatch(/^w\.yaml/);
  });
});
