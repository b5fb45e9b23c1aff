import { createTagPolicy } from '@image-automation/plugin-image-automation-common';
import { imageSpec } from '../plan/__testUtils__/imageSpec';
import { findCurrentTags } from './currentTags';
import { findImages } from './findImages';

const api = imageSpec('api', ['a.yaml', 'b.yaml']);
const worker = imageSpec('worker', ['w.yaml'], 'worker');
const semver = createTagPolicy(api.policy);
const policies = new Map([
  ['api', semver],
  ['worker', semver],
]);

const marked = (value: string) => `image: ${value} # {"$imagepolicy": "api"}\n`;
const unmarked = 'image: ghcr.io/acme/api:1.0.0\n';
const refusal =
  'a.yaml: no marker for policy "api" and no containers to update; add # {"$imagepolicy": "api"} to the image value or remove the file from image-automation/files';

describe('findCurrentTags', () => {
  it('reads the lowest of the tags the places hold, naming every other place', () => {
    const three = imageSpec('api', ['a.yaml', 'b.yaml', 'c.yaml']);
    const found = findCurrentTags(
      [three],
      new Map([
        ['a.yaml', marked('ghcr.io/acme/api:1.10.0')],
        ['b.yaml', `# pinned by hand\n${marked('ghcr.io/acme/api:1.9.0')}`],
        ['c.yaml', marked('ghcr.io/acme/api:2.0.0')],
      ]),
      policies,
    );
    expect(found).toEqual({
      current: new Map([
        [
          'api',
          {
            tag: '1.9.0',
            file: 'b.yaml',
            line: 2,
            disagreement: 'a.yaml:1 holds 1.10.0, c.yaml:1 holds 2.0.0',
          },
        ],
      ]),
      warnings: [],
    });
  });

  it('reads a tag wherever one can be read, unless strict', () => {
    const files = new Map([
      ['a.yaml', unmarked],
      ['b.yaml', marked('ghcr.io/acme/api:1.2.0')],
    ]);
    expect(findCurrentTags([api], files, policies).current.get('api')).toEqual({
      tag: '1.2.0',
      file: 'b.yaml',
      line: 1,
      disagreement: undefined,
    });
    expect(
      findCurrentTags([api], files, policies, { strict: true }).current.get(
        'api',
      ),
    ).toEqual({ problem: refusal });
  });

  const missingB = { paths: ['b.yaml'], where: 'acme/deploy@main' };
  it.each([
    [
      'a refused file and a missing one',
      new Map([['a.yaml', unmarked]]),
      { missing: missingB },
      `${refusal}; b.yaml not found in acme/deploy@main`,
    ],
    [
      'a refused file, strict',
      new Map([['a.yaml', unmarked]]),
      { missing: missingB, strict: true },
      refusal,
    ],
    [
      'places without a tag',
      new Map([
        ['a.yaml', marked('ghcr.io/acme/api')],
        ['b.yaml', marked('ghcr.io/acme/api')],
      ]),
      {},
      'no setter marker # {"$imagepolicy": "api"} or container holds the image in a.yaml, b.yaml',
    ],
    [
      'places without a tag, strict',
      new Map([['a.yaml', marked('ghcr.io/acme/api')]]),
      { strict: true },
      'the places that hold api in a.yaml, b.yaml carry no tag (a.yaml:1 "ghcr.io/acme/api"); write the image with its tag, e.g. ghcr.io/acme/api:1.0.0',
    ],
  ])('explains %s', (_, files, options, problem) => {
    const { current } = findCurrentTags([api], files, policies, options);
    expect(current.get('api')).toEqual({ problem });
  });

  it('names the container a structured target looks for', () => {
    const { current } = findCurrentTags([worker], new Map(), policies);
    expect(current.get('worker')).toEqual({
      problem:
        'no setter marker # {"$imagepolicy": "worker"} or container "worker" holds the image in w.yaml',
    });
  });

  it('parses each file once with every target it holds, through the given parser', () => {
    const both = imageSpec('worker', ['a.yaml'], 'worker');
    const parse = jest.fn(findImages);
    const { current } = findCurrentTags(
      [api, both],
      new Map([
        [
          'a.yaml',
          `${marked(
            'ghcr.io/acme/api:1.0.0',
          )}kind: Pod\nspec:\n  containers:\n    - name: worker\n      image: ghcr.io/acme/worker:0.3.1\n`,
        ],
      ]),
      policies,
      { parse },
    );
    expect(parse).toHaveBeenCalledTimes(1);
    expect(parse.mock.calls[0][1]).toEqual({
      targets: [{ policy: 'api' }, { policy: 'worker', container: 'worker' }],
      policies: ['api', 'worker'],
    });
    expect(current.get('worker')?.tag).toBe('0.3.1');
  });

  it('reports an error the parser returns for that file, and throws any other', () => {
    const refused = findCurrentTags(
      [worker],
      new Map([['w.yaml', '']]),
      policies,
      {
        parse: () => new Error('w.yaml: too large'),
      },
    );
    expect(refused.current.get('worker')?.problem).toMatch(
      /^w\.yaml: too large; /,
    );

    const bug = new TypeError('bug');
    expect(() =>
      findCurrentTags([worker], new Map([['w.yaml', '']]), policies, {
        parse: () => {
          throw bug;
        },
      }),
    ).toThrow(bug);
  });
});
