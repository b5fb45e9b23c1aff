import { createTagPolicy, ImagePolicySpec, InvalidPolicyError } from '..';
import { TagFacts } from '../TagPolicy';

const at = (iso: string) => Date.parse(iso);

/** Build times that disagree with every ordering of the tags' names. */
const CREATED: Record<string, number> = {
  '1.0.0': at('2024-06-01T00:00:00Z'),
  '2.0.0': at('2024-01-01T00:00:00Z'),
  latest: at('2024-07-01T00:00:00Z'),
  'main-abc1234': at('2024-05-01T00:00:00Z'),
  'main-0ff0ff0': at('2024-08-01T00:00:00Z'),
};
const TAGS = Object.keys(CREATED);

function evaluate(
  spec: ImagePolicySpec,
  tags: string[],
  facts: TagFacts = { created: CREATED },
) {
  return createTagPolicy(spec).evaluate(tags, facts);
}

describe('newestBuild policy', () => {
  it('chooses the tag built last, whatever its name', () => {
    const evaluation = evaluate({ newestBuild: {} }, TAGS);
    expect(evaluation.latest).toBe('main-0ff0ff0');
    expect(evaluation.candidates).toEqual([
      'main-0ff0ff0',
      'latest',
      '1.0.0',
      'main-abc1234',
      '2.0.0',
    ]);
    expect(evaluation.excluded).toEqual([]);
  });

  it('never reads a build time a tag named like an object member would inherit', () => {
    const policy = createTagPolicy({ newestBuild: {} });
    const named = ['__proto__', 'constructor', 'toString', 'hasOwnProperty'];
    const evaluation = policy.evaluate([...named, '1.0.0'], {
      created: { '1.0.0': at('2024-06-01T00:00:00Z') },
      createdUnknown: {},
    });
    expect(evaluation.latest).toBe('1.0.0');
    expect(evaluation.candidates).toEqual(['1.0.0']);
    expect(evaluation.excluded.map(e => e.tag).sort()).toEqual(
      [...named].sort(),
    );
    for (const { reason } of evaluation.excluded) {
      expect(typeof reason).toBe('string');
    }
    expect(policy.compare('constructor', '1.0.0', { created: {} })).toBe(
      undefined,
    );
  });

  it('orders only the tags the filter allows', () => {
    const evaluation = evaluate(
      { newestBuild: {}, filterTags: { pattern: '^\\d+\\.\\d+\\.\\d+$' } },
      TAGS,
    );
    expect(evaluation.candidates).toEqual(['1.0.0', '2.0.0']);
    expect(evaluation.excluded.map(e => e.tag).sort()).toEqual([
      'latest',
      'main-0ff0ff0',
      'main-abc1234',
    ]);
  });

  it('skips tags without a build time, saying why', () => {
    const evaluation = evaluate(
      { newestBuild: {} },
      [...TAGS, 'nightly', 'old'],
      {
        created: CREATED,
        createdUnknown: {
          old: 'the image config has no created time and no org.opencontainers.image.created annotation',
        },
      },
    );
    expect(evaluation.latest).toBe('main-0ff0ff0');
    expect(evaluation.excluded).toEqual([
      {
        tag: 'old',
        reason:
          'the image config has no created time and no org.opencontainers.image.created annotation',
      },
      {
        tag: 'nightly',
        reason:
          'its build time is not known yet (the image config has not been read)',
      },
    ]);
  });

  it('chooses nothing without build times', () => {
    const evaluation = createTagPolicy({ newestBuild: {} }).evaluate(TAGS);
    expect(evaluation.latest).toBeUndefined();
    expect(evaluation.candidates).toEqual([]);
    expect(evaluation.excluded).toHaveLength(TAGS.length);
  });

  it('still refuses signature tags and tags outside the OCI grammar', () => {
    const sig = 'sha256-0123abcd.sig';
    const evaluation = evaluate({ newestBuild: {} }, ['latest', sig, '-bad'], {
      created: { latest: 1, [sig]: 2, '-bad': 3 },
    });
    expect(evaluation.latest).toBe('latest');
    expect(
      Object.fromEntries(evaluation.excluded.map(e => [e.tag, e.reason])),
    ).toEqual({
      [sig]: 'signature/attestation tag',
      '-bad': expect.stringMatching(/^not a valid OCI tag/),
    });
  });

  it('breaks ties of equal build times by descending bytes, in any listing order', () => {
    const created = { a: 5, b: 5, c: 1 };
    for (const tags of [
      ['a', 'b', 'c'],
      ['c', 'b', 'a'],
      ['b', 'c', 'a', 'b'],
    ]) {
      expect(
        evaluate({ newestBuild: {} }, tags, { created }).candidates,
      ).toEqual(['b', 'a', 'c']);
    }
  });

  it('compares two tags by build time, undefined when one is unknown', () => {
    const policy = createTagPolicy({ newestBuild: {} });
    const facts = { created: CREATED };
    expect(policy.compare('latest', '1.0.0', facts)).toBe(1);
    expect(policy.compare('2.0.0', '1.0.0', facts)).toBe(-1);
    expect(policy.compare('latest', 'latest', facts)).toBe(0);
    expect(policy.compare('latest', 'unknown', facts)).toBeUndefined();
    expect(policy.compare('latest', '1.0.0')).toBeUndefined();
  });

  it('describes itself with its platform', () => {
    expect(createTagPolicy({ newestBuild: {} }).describe()).toBe(
      'newest build (linux/amd64)',
    );
    expect(
      createTagPolicy({
        newestBuild: { platform: 'linux/arm64/v8' },
        filterTags: { pattern: '^main-' },
      }).describe(),
    ).toBe('newest build (linux/arm64/v8), tags filtered by ^main-');
  });

  it('leaves the other kinds as they were: facts change nothing', () => {
    const policy = createTagPolicy({ semver: { range: '*' } });
    expect(policy.evaluate(TAGS, { created: CREATED }).latest).toBe('2.0.0');
  });
});

describe('newestBuild spec', () => {
  it.each([
    [{ newestBuild: {} }, { newestBuild: {} }],
    [{ newestBuild: null }, { newestBuild: {} }],
    [
      { newestBuild: { platform: ' linux/arm64 ' } },
      { newestBuild: { platform: 'linux/arm64' } },
    ],
  ])('accepts %j', (input, spec) => {
    expect(createTagPolicy(input as ImagePolicySpec).spec).toEqual(spec);
  });

  it.each([
    [
      { newestBuild: { platform: 'linux' } },
      'newestBuild.platform "linux" is not a platform; expected os/architecture[/variant]',
    ],
    [{ newestBuild: { platform: 'Linux/AMD64' } }, 'is not a platform'],
    [{ newestBuild: { platform: 7 } }, 'newestBuild.platform must be a string'],
    [
      { newestBuild: { order: 'asc' } },
      'unknown key "order" in newestBuild (expected "platform")',
    ],
    [{ newestBuild: 'yes' }, 'newestBuild must be an object such as {}'],
    [
      { newestBuild: {}, semver: { range: '*' } },
      'several policy kinds given (semver, newestBuild)',
    ],
    [
      {
        newestBuild: {},
        filterTags: { pattern: '^v(?P<v>.*)$', extract: '$v' },
      },
      'filterTags.extract has no effect with newestBuild',
    ],
  ])('refuses %j', (input, message) => {
    expect(() => createTagPolicy(input as ImagePolicySpec)).toThrow(
      InvalidPolicyError,
    );
    expect(() => createTagPolicy(input as ImagePolicySpec)).toThrow(message);
  });
});
