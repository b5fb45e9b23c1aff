import fc from 'fast-check';
import { createTagPolicy, ImagePolicySpec, InvalidPolicyError } from '.';
import { isValidTag } from '../tags/ociTag';
import { isSignatureTag } from './signatureTags';
import { parseSemanticVersion } from './semver/SemanticVersion';
import { parseSemverRange } from './semver/SemverRange';
import { compareSemanticVersions } from './semver/SemanticVersion';

/*
 * The expected tags below are worked out from Flux's own code
 * (image-reflector-controller v1.0, internal/policy and
 * internal/controller, with Masterminds/semver v3.4+ and
 * fluxcd/pkg/version):
 *
 * - The repository controller stores the tags sorted by descending bytes
 *   (sortTagsAndGetLatestTags sorts the slice in place before SetTags), so
 *   every policy sees them in that order.
 * - semver: version.ParseVersion (at least two dots, then Masterminds'
 *   NewVersion, which coerces), Constraints.Check, and the choice is replaced
 *   only by a strictly greater version: of equal versions, the first met.
 * - numerical: strconv.ParseFloat; the choice is replaced unless the number
 *   is worse: of equal numbers, the last met.
 * - alphabetical: sort, first of the sorted list.
 * - filterTags: a map from the extracted value to the tag, written in that
 *   order: of tags extracting the same value, the last met.
 */

function latest(spec: ImagePolicySpec, tags: string[]): string | undefined {
  return createTagPolicy(spec).evaluate(tags).latest;
}

describe('Flux conformance: loose versions (Masterminds NewVersion coerces)', () => {
  it.each([
    // NewVersion coerces 2023.07.04 to 2023.7.4 and 2023.12.01 to
    // 2023.12.1; 2023.12.1 is the highest. The original tag is returned.
    ['>=2023.1.0', ['2023.07.04', '2023.12.01', '2023.7.10'], '2023.12.01'],
    // 2023.07.04 and 2023.7.4 are equal; in descending bytes 2023.7.4 comes
    // first ("7" > "0") and Flux keeps the first of equal versions.
    ['*', ['2023.07.04', '2023.7.4'], '2023.7.4'],
    ['1.x', ['01.0.0', '1.0.0'], '1.0.0'],
    // The range's own versions are coerced the same way.
    ['>=2023.01.0 <2024.0.0', ['2022.12.31', '2023.01.15'], '2023.01.15'],
    ['^1.0', ['v1.02.3', '1.2.4'], '1.2.4'],
    // 1.2-rc.1 has two dots, so it passes ParseVersion's SplitN(tag, ".", 3)
    // check; NewVersion reads it as 1.2.0-rc.1, above 1.1.0, and the range
    // names a prerelease.
    ['>=1.0.0-0', ['1.2-rc.1', '1.1.0'], '1.2-rc.1'],
    // ... but it is a prerelease, which "*" does not admit.
    ['*', ['1.2-rc.1', '1.1.0'], '1.1.0'],
    // 1.2 has one dot: ParseVersion refuses it (ErrInvalidSemVer).
    ['*', ['1.2', '1.1.0'], '1.1.0'],
    // Parts are uint64: the largest one is a version, and 2^53 + 1 is told
    // apart from 2^53 (a double would tie them).
    [
      '*',
      ['9007199254740992.0.0', '18446744073709551615.0.0', '9.0.0'],
      '18446744073709551615.0.0',
    ],
    [
      '>=9007199254740992.0.0',
      ['9007199254740993.0.0', '9007199254740992.0.0'],
      '9007199254740993.0.0',
    ],
    // 2^64 overflows ParseUint: not a version.
    ['*', ['18446744073709551616.0.0', '1.0.0'], '1.0.0'],
    // Four parts do not match NewVersion's pattern.
    ['*', ['1.2.3.4', '1.0.0'], '1.0.0'],
  ])('range %j over %j chooses %j', (range, tags, expected) => {
    expect(latest({ semver: { range } }, tags)).toBe(expected);
  });

  it('orders a coerced tag by its value, not its spelling', () => {
    const { candidates } = createTagPolicy({
      semver: { range: '*' },
    }).evaluate(['2023.10.1', '2023.09.30', '2023.9.1', '2023.010.2']);
    // 2023.10.2 > 2023.10.1 > 2023.9.30 > 2023.9.1, where a string sort
    // would put 2023.010.2 first and 2023.9.1 above 2023.10.1.
    expect(candidates).toEqual([
      '2023.010.2',
      '2023.10.1',
      '2023.09.30',
      '2023.9.1',
    ]);
  });
});

describe('Flux conformance: prereleases per AND group (Masterminds v3.4)', () => {
  it.each([
    // >=3.0.0-0 names a prerelease, so the whole AND group admits them:
    // 4.0.0-beta.2 < 4.0.0 passes <4.0.0 and is the highest.
    ['>=3.0.0-0 <4.0.0', ['3.9.0', '4.0.0-beta.2', '4.0.0'], '4.0.0-beta.2'],
    // The other group names none: 5.1.0-rc.1 fails it, and fails the first
    // group's <4.0.0. 4.5.0 fails both; 5.0.0 passes the second.
    ['>=3.0.0-0 <4.0.0 || >=5.0.0', ['4.5.0', '5.1.0-rc.1', '5.0.0'], '5.0.0'],
    // No comparator names a prerelease: none is admitted.
    ['>=1.0.0 <2.0.0', ['1.5.0-rc.1', '1.4.0'], '1.4.0'],
    // v3.4 applies the group rule to != too (earlier releases did not).
    ['!=1.4.0', ['1.5.0-rc.1', '1.4.1'], '1.4.1'],
    // A hyphen range is >= A, <= B in one group: -rc.1 on A admits
    // 2.0.0-rc.1 under <= 2.0.0.
    ['1.0.0-rc.1 - 2.0.0', ['1.9.0', '2.0.0-rc.1'], '2.0.0-rc.1'],
  ])('range %j over %j chooses %j', (range, tags, expected) => {
    expect(latest({ semver: { range } }, tags)).toBe(expected);
  });

  it('says so in the policy description, since it surprises people', () => {
    expect(
      createTagPolicy({ semver: { range: '>=3.0.0-0 <4.0.0' } }).describe(),
    ).toBe(
      'semver >=3.0.0-0 <4.0.0 (as in Flux: >=3.0.0-0 names a prerelease, so every comparator of ">=3.0.0-0 <4.0.0" admits prereleases)',
    );
    // Nothing to say when no comparator is widened.
    expect(
      createTagPolicy({ semver: { range: '>=3.0.0-0 <4.0.0-0' } }).describe(),
    ).toBe('semver >=3.0.0-0 <4.0.0-0');
  });
});

describe('Flux conformance: ties', () => {
  it.each([
    // semver: descending bytes v1.0.0, 1.0.0; only a strictly greater
    // version replaces the first: v1.0.0.
    [{ semver: { range: '*' } }, ['1.0.0', 'v1.0.0'], 'v1.0.0'],
    [{ semver: { range: '*' } }, ['v1.0.0', '1.0.0'], 'v1.0.0'],
    // numerical asc: descending bytes 7, 6, 07, 007; 6 is skipped (lower),
    // each equal number replaces the choice: 007.
    [{ numerical: { order: 'asc' } }, ['07', '7', '6', '007'], '007'],
    // numerical desc: 8, 7, 07, 007; 7 < 8 replaces, so do 07 and 007.
    [{ numerical: { order: 'desc' } }, ['8', '007', '7', '07'], '007'],
    // 1e1, 10.0 and 10 are all ten; descending bytes 1e1, 10.0, 10: 10.
    [{ numerical: { order: 'asc' } }, ['10', '1e1', '10.0', '9'], '10'],
    // filterTags: descending bytes c-10, b-20, a-20; the filter maps 20 to
    // b-20, then to a-20. alphabetical asc of {10, 20} is 20: a-20.
    [
      {
        alphabetical: { order: 'asc' },
        filterTags: { pattern: '^[a-z]-(?P<n>[0-9]+)$', extract: '$n' },
      },
      ['b-20', 'a-20', 'c-10'],
      'a-20',
    ],
    // the same with numerical and semver values
    [
      {
        numerical: { order: 'asc' },
        filterTags: { pattern: '^[a-z]-(?P<n>[0-9]+)$', extract: '$n' },
      },
      ['a-20', 'c-10', 'b-20'],
      'a-20',
    ],
    [
      {
        semver: { range: '*' },
        filterTags: { pattern: '^(?:web|app)-(?P<v>.+)$', extract: '$v' },
      },
      ['web-1.0.0', 'app-1.0.0', 'app-0.9.0'],
      'app-1.0.0',
    ],
    // Values that differ but order alike (Flux meets its map's values in no
    // fixed order here): the rule of the kind without a filter, on the
    // values, decides: 007 for numerical, v1.0.0 for semver.
    [
      {
        numerical: { order: 'asc' },
        filterTags: { pattern: '^b(?P<n>[0-9]+)$', extract: '$n' },
      },
      ['b7', 'b007', 'b07'],
      'b007',
    ],
    [
      {
        semver: { range: '*' },
        filterTags: { pattern: '^x-(?P<v>.+)$', extract: '$v' },
      },
      ['x-1.0.0', 'x-v1.0.0'],
      'x-v1.0.0',
    ],
  ] as Array<[ImagePolicySpec, string[], string]>)(
    '%j over %j chooses %j',
    (spec, tags, expected) => {
      expect(latest(spec, tags)).toBe(expected);
      expect(latest(spec, [...tags].reverse())).toBe(expected);
    },
  );

  it('ranks tied tags after the one chosen, in the same order for asc and desc', () => {
    const asc = createTagPolicy({ numerical: { order: 'asc' } });
    const desc = createTagPolicy({ numerical: { order: 'desc' } });
    const tags = ['7', '8', '07', '007', '08'];
    expect(asc.evaluate(tags).candidates).toEqual([
      '08',
      '8',
      '007',
      '07',
      '7',
    ]);
    expect(desc.evaluate(tags).candidates).toEqual([
      '007',
      '07',
      '7',
      '08',
      '8',
    ]);
  });
});

describe('Flux conformance: deliberate differences', () => {
  it('refuses tags outside the OCI tag grammar, which Flux would read', () => {
    // Flux reads 1.2.3+build.1 as a version and -1 as a number; a registry
    // cannot hold such tags, and writing one into YAML is never safe.
    expect(latest({ semver: { range: '*' } }, ['1.2.3+build.1', '1.0.0'])).toBe(
      '1.0.0',
    );
    expect(latest({ numerical: { order: 'desc' } }, ['-1', '0'])).toBe('0');
  });

  it('refuses an extract naming a group the pattern lacks, up front', () => {
    // Go's Regexp.ExpandString expands a missing group to "", so Flux maps
    // every tag to the same empty value and the policy fails on it.
    expect(() =>
      createTagPolicy({
        numerical: { order: 'asc' },
        filterTags: { pattern: '^build-(?P<n>[0-9]+)$', extract: '$num' },
      }),
    ).toThrow(InvalidPolicyError);
  });

  it('skips tags that are not numbers, where Flux fails the whole policy', () => {
    const evaluation = createTagPolicy({
      numerical: { order: 'asc' },
    }).evaluate(['3', 'latest', '2']);
    expect(evaluation.latest).toBe('3');
    expect(evaluation.excluded).toEqual([
      { tag: 'latest', reason: 'not a number' },
    ]);
  });
});

/**
 * Flux's choice, transcribed from its Go code, over the tags our policies
 * can see at all (valid OCI tags, no signature tags: the deliberate
 * differences above). Where Flux iterates a Go map (the values of
 * filterTags, in no fixed order) it takes them in descending byte order,
 * the order our policies settle such ties by.
 */
function fluxLatest(
  spec: ImagePolicySpec,
  listed: string[],
): string | undefined {
  const stored = listed
    .filter(tag => isValidTag(tag) && !isSignatureTag(tag))
    .sort()
    .reverse();
  let values = stored;
  let original = (value: string) => value;
  const pattern = spec.filterTags?.pattern;
  if (pattern) {
    // The patterns here use Go's (?P<name>…), which JavaScript spells (?<name>…).
    const regex = new RegExp(pattern.replace(/\(\?P</g, '(?<'));
    const filtered = new Map<string, string>();
    for (const tag of stored) {
      const match = regex.exec(tag);
      if (!match) continue;
      const value = spec.filterTags?.extract
        ? spec.filterTags.extract.replace(
            /\$(\w+)/,
            (_, name) => match.groups?.[name] ?? '',
          )
        : tag;
      filtered.set(value, tag);
    }
    values = [...filtered.keys()].sort().reverse();
    original = value => filtered.get(value)!;
  }
  let chosen: string | undefined;
  if (spec.semver) {
    const range = parseSemverRange(spec.semver.range);
    let best: ReturnType<typeof parseSemanticVersion>;
    for (const value of values) {
      const version = parseSemanticVersion(value);
      if (
        version &&
        range.test(version) &&
        (best === undefined || compareSemanticVersions(version, best) > 0)
      ) {
        best = version;
        chosen = value;
      }
    }
  } else if (spec.numerical) {
    const asc = spec.numerical.order !== 'desc';
    let best = 0;
    // Flux fails on a non-number; ours skips it (a deliberate difference).
    for (const value of values.filter(v =>
      /^[0-9]+(\.[0-9]*)?(e[0-9]+)?$/.test(v),
    )) {
      const number = Number(value);
      if (chosen !== undefined && (asc ? number < best : number > best))
        continue;
      chosen = value;
      best = number;
    }
  } else {
    const sorted = [...values].sort();
    chosen =
      spec.alphabetical?.order === 'desc'
        ? sorted[0]
        : sorted[sorted.length - 1];
  }
  return chosen === undefined ? undefined : original(chosen);
}

const looseTag = fc
  .tuple(
    fc.constantFrom('', 'v'),
    fc.constantFrom('1', '01', '2', '2023', '10'),
    fc.constantFrom('.0', '.00', '.7', '.07', '.12', ''),
    fc.constantFrom('.0', '.4', '.04', '.10', ''),
    fc.constantFrom('', '', '-rc.1', '-rc.2', '-0', '-beta.1'),
  )
  .map(([v, a, b, c, pre]) => `${v}${a}${b}${c}${pre}`);
const numberTag = fc.constantFrom(
  '7',
  '07',
  '007',
  '8',
  '10',
  '1e1',
  '10.0',
  '9.5',
  '0',
);
const prefixed = fc
  .tuple(fc.constantFrom('a-', 'b-', 'c-'), fc.oneof(looseTag, numberTag))
  .map(([prefix, tag]) => `${prefix}${tag}`);
const noise = fc.constantFrom(
  'latest',
  'sha256-abc.sig',
  'bad tag',
  '-1',
  '1.2.3+b',
);
const tagList = fc.array(fc.oneof(looseTag, numberTag, prefixed, noise), {
  maxLength: 30,
});
const specs = fc.constantFrom<ImagePolicySpec>(
  { semver: { range: '*' } },
  { semver: { range: '>=2.0.0-0 <2023.0.0' } },
  { semver: { range: '>=1.0.0 <3' } },
  { semver: { range: '*-0' } },
  { numerical: { order: 'asc' } },
  { numerical: { order: 'desc' } },
  { alphabetical: { order: 'asc' } },
  { alphabetical: { order: 'desc' } },
  {
    semver: { range: '>=0.0.0-0' },
    filterTags: { pattern: '^[a-c]-(?P<v>.*)$', extract: '$v' },
  },
  {
    numerical: { order: 'asc' },
    filterTags: { pattern: '^[a-c]-(?P<n>.*)$', extract: '$n' },
  },
  {
    numerical: { order: 'desc' },
    filterTags: { pattern: '^[0-9]' },
  },
  {
    alphabetical: { order: 'asc' },
    filterTags: { pattern: '^[a-c]-(?P<n>[0-9]+)', extract: '$n' },
  },
);

describe('Flux conformance: properties', () => {
  it('chooses what Flux chooses, for every kind, with and without a filter', () => {
    fc.assert(
      fc.property(specs, tagList, (spec, tags) => {
        expect(latest(spec, tags)).toBe(fluxLatest(spec, tags));
      }),
      { numRuns: 500 },
    );
  });

  it('never depends on the order the tags are listed in, for every kind', () => {
    fc.assert(
      fc.property(
        specs,
        tagList.chain(list =>
          fc.tuple(
            fc.constant(list),
            fc.shuffledSubarray(list, { minLength: list.length }),
          ),
        ),
        (spec, [list, shuffled]) => {
          const policy = createTagPolicy(spec);
          const a = policy.evaluate(list);
          const b = policy.evaluate(shuffled);
          expect(b.latest).toBe(a.latest);
          expect(b.candidates).toEqual(a.candidates);
          expect(a.latest).toBe(a.candidates[0]);
        },
      ),
      { numRuns: 500 },
    );
  });
});
