import { createTagPolicy, ImagePolicySpec, InvalidPolicyError } from '.';

function latest(spec: ImagePolicySpec, tags: string[]): string | undefined {
  return createTagPolicy(spec).evaluate(tags).latest;
}

function reasons(
  spec: ImagePolicySpec,
  tags: string[],
): Record<string, string> {
  const { excluded } = createTagPolicy(spec).evaluate(tags);
  return Object.fromEntries(excluded.map(({ tag, reason }) => [tag, reason]));
}

describe('semver policy', () => {
  it.each([
    // Flux semver_test.go
    [
      '1.0.x',
      ['1.0.0', '1.0.0.1', '1.0.0p', '1.0.1', '1.2.0', '0.1.0'],
      '1.0.1',
    ],
    ['1.0.x', ['v1.2.3', 'v1.0.0', 'v0.1.0'], 'v1.0.0'],
    ['1.0.x', ['b1.2.3', 'b1.0.0', 'b0.1.0'], undefined],
    ['1.0.x', [], undefined],
    ['1.0.x', ['1.2.0'], undefined],
    // Flux docs and the SPEC
    [
      '>=1.4.0 <2.0.0',
      ['1.3.9', '1.4.0', '1.10.2', '1.9.9', '2.0.0', 'latest'],
      '1.10.2',
    ],
    ['>=1.4.0, <2.0.0', ['1.4.0', '1.5.0'], '1.5.0'],
    ['5.1.x', ['5.0.3', '5.1.0', '5.1.2', '5.2.0', '6.0.0'], '5.1.2'],
    ['^1.2', ['1.1.0', '1.2.0', '1.9.0', '2.0.0'], '1.9.0'],
    ['~1.2', ['1.2.0', '1.2.7', '1.3.0'], '1.2.7'],
    ['<1.0.0 || >=3.0.0', ['0.9.0', '1.5.0', '2.9.9', '3.1.0'], '3.1.0'],
    ['*', ['1.0.0', '2.0.0-rc.1'], '1.0.0'],
    // prereleases only when the range names one
    ['>=1.0.0', ['1.0.0', '1.1.0-rc.1'], '1.0.0'],
    ['>=1.0.0-0', ['1.0.0', '1.1.0-rc.1'], '1.1.0-rc.1'],
    ['>=1.1.0-rc.1', ['1.1.0-rc.1', '1.1.0-rc.2', '1.1.0'], '1.1.0'],
    // Masterminds v3.4: the prerelease in >=1.1.0-rc.1 admits prereleases
    // to <1.1.0 as well, and rc.10 > rc.2 (numeric identifiers).
    [
      '>=1.1.0-rc.1 <1.1.0',
      ['1.1.0-rc.1', '1.1.0-rc.10', '1.1.0-rc.2', '1.1.0'],
      '1.1.0-rc.10',
    ],
    [
      '>=1.1.0-rc.1 <1.1.0-0',
      ['1.1.0-rc.1', '1.1.0-rc.10', '1.1.0-rc.2'],
      undefined,
    ],
    [
      '>=1.1.0-rc.1, <1.2.0-0',
      ['1.1.0-rc.1', '1.1.0-rc.10', '1.1.0-rc.2'],
      '1.1.0-rc.10',
    ],
    // the original tag string is returned; v-prefixed ranges too
    ['v1.x', ['v1.0.0', 'v1.4.0', 'v2.0.0'], 'v1.4.0'],
    // ties: v1.0.0 and 1.0.0 are the same version; the tag later in byte order wins
    ['1.x', ['1.0.0', 'v1.0.0'], 'v1.0.0'],
    ['1.x', ['v1.0.0', '1.0.0'], 'v1.0.0'],
    // not valid OCI tags can never be chosen
    ['>=1.0.0', ['1.0.0', '9.0.0 ', '9.0.0\n'], '1.0.0'],
    // signature tags are skipped even when they would otherwise match
    ['*', ['1.0.0', 'sha256-abc.sig'], '1.0.0'],
  ])('range %j over %j chooses %j', (range, tags, expected) => {
    expect(latest({ semver: { range } }, tags)).toBe(expected);
  });

  it('says why each tag is excluded', () => {
    expect(
      reasons({ semver: { range: '>=1.4.0 <2.0.0' } }, [
        '1.5.0',
        '2.0.0',
        '1.6.0-rc.1',
        'latest',
        '1.5',
        'bad"tag',
        '1.5.0\n',
        'sha256-abc.sig',
        'sha256-abc.att',
        'sha256-abc.sbom',
      ]),
    ).toEqual({
      '2.0.0': 'does not satisfy >=1.4.0 <2.0.0',
      '1.6.0-rc.1': 'prerelease not allowed by the range',
      latest: 'not a semantic version',
      '1.5': 'not a semantic version',
      'bad"tag': expect.stringMatching(
        /^not a valid OCI tag: .*contains "\\""/,
      ),
      '1.5.0\n': expect.stringMatching(
        /^not a valid OCI tag: .*contains "\\n"/,
      ),
      'sha256-abc.sig': 'signature/attestation tag',
      'sha256-abc.att': 'signature/attestation tag',
      'sha256-abc.sbom': 'signature/attestation tag',
    });
  });

  it('lists candidates best first, so the index is how many versions behind a tag is', () => {
    const { candidates } = createTagPolicy({
      semver: { range: '^1.0.0' },
    }).evaluate(['1.0.0', '1.2.0', 'v1.1.0', '1.10.0', '1.2.0', '2.0.0']);
    expect(candidates).toEqual(['1.10.0', '1.2.0', 'v1.1.0', '1.0.0']);
  });
});

describe('alphabetical policy', () => {
  it.each([
    // Flux alphabetical_test.go: asc chooses the last in byte order, desc the first.
    [undefined, ['xenon', 'argon', 'krypton', 'neon'], 'xenon'],
    ['asc', ['xenon', 'argon', 'krypton', 'neon'], 'xenon'],
    ['desc', ['xenon', 'argon', 'krypton', 'neon'], 'argon'],
    [
      'asc',
      ['RELEASE.2023-01-31T08-42-01Z', 'RELEASE.2023-02-06T22-12-45Z'],
      'RELEASE.2023-02-06T22-12-45Z',
    ],
    // byte order: uppercase sorts before lowercase, digits before letters
    ['asc', ['a', 'B', '1'], 'a'],
    ['desc', ['a', 'B', '1'], '1'],
    ['asc', ['2', '10'], '2'],
    ['asc', [], undefined],
  ] as const)('order %s over %j chooses %j', (order, tags, expected) => {
    expect(latest({ alphabetical: order ? { order } : {} }, [...tags])).toBe(
      expected,
    );
  });

  it('ranks every tag; desc is asc reversed', () => {
    const tags = ['b', 'a', 'c'];
    expect(
      createTagPolicy({ alphabetical: { order: 'asc' } }).evaluate(tags)
        .candidates,
    ).toEqual(['c', 'b', 'a']);
    expect(
      createTagPolicy({ alphabetical: { order: 'desc' } }).evaluate(tags)
        .candidates,
    ).toEqual(['a', 'b', 'c']);
  });
});

describe('numerical policy', () => {
  it.each([
    // Flux numerical_test.go
    [undefined, ['1', '2', '3', '4', '5', '6'], '6'],
    [
      'asc',
      ['-62', '-88', '73', '72', '15', '16', '15', '29', '-33', '-91'].map(
        n => `t${n}`,
      ),
      undefined,
    ],
    ['asc', ['1.0', '2.5', '0.1', '10'], '10'],
    ['desc', ['1.0', '2.5', '0.1', '10'], '0.1'],
    ['asc', ['1e3', '999'], '1e3'],
    ['asc', ['7', '010'], '010'],
    // non-numbers are skipped (Flux fails the whole policy)
    ['asc', ['1', '2', 'latest', '3a'], '2'],
    // equal numbers: Flux meets them in descending byte order (1.0, 1, 01)
    // and keeps the last one met, in either order
    ['asc', ['1', '1.0', '01'], '01'],
    ['desc', ['1', '1.0', '01'], '01'],
  ] as const)('order %s over %j chooses %j', (order, tags, expected) => {
    expect(latest({ numerical: order ? { order } : {} }, [...tags])).toBe(
      expected,
    );
  });

  it('says which tags are not numbers', () => {
    expect(
      reasons({ numerical: { order: 'asc' } }, [
        '1',
        'latest',
        '0x10',
        '1_000',
      ]),
    ).toEqual({
      latest: 'not a number',
      '0x10': 'not a number',
      '1_000': 'not a number',
    });
  });
});

describe('filterTags', () => {
  const timestamped: ImagePolicySpec = {
    numerical: { order: 'asc' },
    filterTags: { pattern: '^main-[a-f0-9]+-(?P<ts>[0-9]+)$', extract: '$ts' },
  };

  it('orders by the extracted value but returns the original tag', () => {
    const tags = [
      'main-abc123-1700000100',
      'main-def456-1700000200',
      'main-0a0a0a-999',
      'feature-x-1800000000',
    ];
    expect(latest(timestamped, tags)).toBe('main-def456-1700000200');
    expect(reasons(timestamped, tags)).toEqual({
      'feature-x-1800000000':
        'does not match filter ^main-[a-f0-9]+-(?P<ts>[0-9]+)$',
    });
  });

  it.each([
    // Flux docs examples
    [
      { semver: { range: '>=1.0.0' } },
      { pattern: '^v(?P<version>.*)$', extract: '$version' },
      ['v1.0.0', 'v1.2.0', '3.0.0'],
      'v1.2.0',
    ],
    [
      { semver: { range: '>=1.0.0' } },
      { pattern: '^(?<v>[0-9.]+)-alpine$', extract: '${v}' },
      ['1.2.0-alpine', '1.3.0', '1.1.9-alpine'],
      '1.2.0-alpine',
    ],
    [
      { semver: { range: '>=1.0.0-0' } },
      {
        pattern: '^([0-9]+)\\.([0-9]+)\\.([0-9]+)-r([0-9]+)$',
        extract: '$1.$2.$3-$4',
      },
      ['1.0.0-r2', '1.0.0-r10', '1.0.1-r1'],
      '1.0.1-r1',
    ],
    [
      { alphabetical: { order: 'asc' } },
      { pattern: '^RELEASE\\.(?P<timestamp>.*)Z$', extract: '$timestamp' },
      [
        'RELEASE.2023-01-31T08-42-01Z',
        'RELEASE.2023-02-06T22-12-45Z',
        'latest',
      ],
      'RELEASE.2023-02-06T22-12-45Z',
    ],
    [
      { alphabetical: { order: 'asc' } },
      { pattern: '^prod-' },
      ['prod-a', 'prod-b', 'staging-z'],
      'prod-b',
    ],
    // the pattern is not anchored unless it says so (Go FindStringSubmatch)
    [
      { alphabetical: { order: 'asc' } },
      { pattern: 'rc' },
      ['1.0-rc1', 'arc', 'zzz'],
      'arc',
    ],
  ] as Array<[ImagePolicySpec, ImagePolicySpec['filterTags'], string[], string]>)(
    '%j with %j',
    (policy, filterTags, tags, expected) => {
      expect(latest({ ...policy, filterTags }, tags)).toBe(expected);
    },
  );

  it('names the extracted value that the policy could not read', () => {
    expect(
      reasons(
        {
          numerical: { order: 'asc' },
          filterTags: { pattern: '^build-(?P<n>.*)$', extract: '$n' },
        },
        ['build-12', 'build-abc'],
      ),
    ).toEqual({ 'build-abc': 'extracted value "abc" is not a number' });
    expect(
      reasons(
        {
          semver: { range: '*' },
          filterTags: { pattern: '^v(?P<v>.*)$', extract: '$v' },
        },
        ['v1.0.0', 'vnext'],
      ),
    ).toEqual({ vnext: 'extracted value "next" is not a semantic version' });
  });

  it('resolves ties between tags extracting the same value by the original tag, in any input order', () => {
    const spec: ImagePolicySpec = {
      semver: { range: '*' },
      filterTags: { pattern: '^(?:[a-z]+-)?(?P<v>[0-9.]+)$', extract: '$v' },
    };
    // Flux's filter maps 1.0.0 to the last tag it meets in descending byte
    // order (debian-1.0.0, then alpine-1.0.0): alpine-1.0.0.
    expect(latest(spec, ['alpine-1.0.0', 'debian-1.0.0', '0.9.0'])).toBe(
      'alpine-1.0.0',
    );
    expect(latest(spec, ['debian-1.0.0', 'alpine-1.0.0', '0.9.0'])).toBe(
      'alpine-1.0.0',
    );
  });

  it('never hangs on a catastrophic-backtracking pattern (linear-time engine)', () => {
    const adversarial = `${'a'.repeat(127)}!`.slice(0, 128);
    const tags = Array.from(
      { length: 2000 },
      (_, i) => `${'a'.repeat(60 + (i % 60))}${i % 2 ? '!' : ''}`,
    );
    for (const pattern of [
      '^(a+)+$',
      '^(a|a)*$',
      '^(a*)*b$',
      '(a|aa)+$',
      '^(?P<x>(a+)+)$',
      '(.*a){12}$',
    ]) {
      const policy = createTagPolicy({
        alphabetical: { order: 'asc' },
        filterTags: { pattern },
      });
      const evaluation = policy.evaluate([adversarial, ...tags]);
      expect(evaluation.excluded.some(e => e.tag === adversarial)).toBe(true);
    }
  }, 30_000);
});

describe('compare', () => {
  const policy = createTagPolicy({ semver: { range: '>=1.0.0 <2.0.0' } });

  it.each([
    ['1.0.0', '1.1.0', -1],
    ['1.1.0', '1.0.0', 1],
    ['v1.0.0', '1.0.0', 0],
    ['1.0.0', '1.0.0', 0],
    ['1.0.0', '2.0.0', undefined],
    ['latest', '1.0.0', undefined],
    ['1.0.0\n', '1.0.0', undefined],
  ])('%s vs %s', (a, b, expected) => {
    const result = policy.compare(a, b);
    expect(result === undefined ? undefined : Math.sign(result)).toBe(expected);
  });

  it('agrees with the ranking of evaluate', () => {
    const numerical = createTagPolicy({ numerical: { order: 'desc' } });
    const { candidates } = numerical.evaluate(['3', '1', '2', 'x']);
    expect(candidates).toEqual(['1', '2', '3']);
    expect(numerical.compare('1', '2')).toBeGreaterThan(0);
    expect(numerical.compare('1', '01')).toBe(0);
    expect(numerical.compare('x', '2')).toBeUndefined();
  });
});

describe('plain-words description', () => {
  it.each([
    [{ semver: { range: '>=1.4.0 <2.0.0' } }, 'semver >=1.4.0 <2.0.0'],
    [{ alphabetical: { order: 'desc' } }, 'alphabetical desc'],
    [{ alphabetical: {} }, 'alphabetical asc'],
    [{ numerical: {} }, 'numerical asc'],
    [
      {
        numerical: { order: 'asc' },
        filterTags: { pattern: '^main-(?P<ts>[0-9]+)$', extract: '$ts' },
      },
      'numerical asc, tags filtered by ^main-(?P<ts>[0-9]+)$ extracting $ts',
    ],
    [
      { alphabetical: { order: 'asc' }, filterTags: { pattern: '^prod-' } },
      'alphabetical asc, tags filtered by ^prod-',
    ],
  ] as Array<[ImagePolicySpec, string]>)('%j', (spec, words) => {
    expect(createTagPolicy(spec).describe()).toBe(words);
  });
});

describe('invalid policies', () => {
  it.each([
    [
      {},
      /no policy kind given; give exactly one of semver, alphabetical, numerical or newestBuild/,
    ],
    [
      { semver: { range: '1.x' }, numerical: {} },
      /several policy kinds given \(semver, numerical\)/,
    ],
    [
      { semver: { range: '1.x' }, sort: 'x' },
      /unknown key "sort" in the policy/,
    ],
    [
      { semver: { rnage: '1.x' } },
      /unknown key "rnage" in semver \(expected "range"\)/,
    ],
    [{ semver: {} }, /semver.range must be a string/],
    [{ semver: '1.x' }, /semver must be an object/],
    [
      { semver: { range: '>=1.0.0 <2' + 'p' } },
      /Invalid semver range ">=1.0.0 <2p"/,
    ],
    [
      { alphabetical: { order: 'ASC' } },
      /unknown alphabetical.order "ASC" \(use "asc" or "desc"\)/,
    ],
    [{ numerical: { order: 'up' } }, /unknown numerical.order "up"/],
    [
      { numerical: {}, filterTags: { pattern: '(' } },
      /Invalid filterTags.pattern "\(": missing closing \)/,
    ],
    [
      { numerical: {}, filterTags: { pattern: '^(?=x)' } },
      /Invalid filterTags.pattern .*unsupported Perl syntax/,
    ],
    [
      { numerical: {}, filterTags: { pattern: '^(a)\\1$' } },
      /Invalid filterTags.pattern .*invalid escape/,
    ],
    [
      {
        numerical: {},
        filterTags: { pattern: '^v(?P<v>.*)$', extract: '$ts' },
      },
      /has no group "ts" \(it has 1 group, named "v"\)/,
    ],
    [
      { numerical: {}, filterTags: { pattern: '^v(.*)$', extract: '$2' } },
      /has no group "2"/,
    ],
    [
      { numerical: {}, filterTags: { extract: '$1' } },
      /extract needs a filterTags.pattern/,
    ],
    [
      { numerical: {}, filterTags: { pattern: 'x', replace: 'y' } },
      /unknown key "replace" in filterTags/,
    ],
    [
      { numerical: {}, filterTags: { pattern: 1 } },
      /filterTags.pattern must be a string, not a number/,
    ],
    [null, /expected an object/],
    [[], /expected an object .*not an array/],
  ])('%j', (spec, message) => {
    expect(() => createTagPolicy(spec as ImagePolicySpec)).toThrow(
      InvalidPolicyError,
    );
    expect(() => createTagPolicy(spec as ImagePolicySpec)).toThrow(message);
  });
});

describe('evaluations', () => {
  const TAGS = ['1.0.0', '1.2.0', 'v1.1.0', 'latest', '2.0.0-rc.1'];

  it('rank on first read of candidates, and keep what is assigned to them', () => {
    const policy = createTagPolicy({ semver: { range: '^1.0.0' } });
    const evaluation = policy.evaluate(TAGS);
    expect(evaluation.latest).toBe('1.2.0');
    const ranked = evaluation.candidates;
    expect(ranked).toEqual(['1.2.0', 'v1.1.0', '1.0.0']);
    expect(evaluation.candidates).toBe(ranked);
    evaluation.candidates = ['1.0.0'];
    expect(evaluation.candidates).toEqual(['1.0.0']);
    expect(JSON.parse(JSON.stringify(policy.evaluate(TAGS)))).toEqual({
      latest: '1.2.0',
      candidates: ranked,
      excluded: expect.any(Array),
    });
    const none = policy.evaluate(['latest']);
    expect('latest' in none).toBe(false);
    expect(JSON.parse(JSON.stringify(none))).toEqual({
      candidates: [],
      excluded: [{ tag: 'latest', reason: expect.any(String) }],
    });
  });

  it('define no property of their own for the lazy ranking', () => {
    // An accessor defined on each evaluation gave each its own hidden class,
    // which V8 allocates in the old generation: a cycle's thousand
    // evaluations then outlived it until a full collection.
    for (const spec of [
      { semver: { range: '^1.0.0' } },
      { alphabetical: { order: 'asc' as const } },
      {
        numerical: { order: 'desc' as const },
        filterTags: { pattern: '^(?P<n>\\d+)', extract: '$n' },
      },
    ]) {
      const evaluation = createTagPolicy(spec).evaluate(TAGS);
      expect(
        Object.getOwnPropertyDescriptor(evaluation, 'candidates'),
      ).toBeUndefined();
      void evaluation.candidates;
      expect(
        Object.getOwnPropertyDescriptor(evaluation, 'candidates'),
      ).toBeUndefined();
      expect(Object.getPrototypeOf(evaluation)).toBe(
        Object.getPrototypeOf(
          createTagPolicy({ semver: { range: '*' } }).evaluate([]),
        ),
      );
    }
  });
});
