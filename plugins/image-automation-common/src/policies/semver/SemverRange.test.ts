import { InvalidPolicyError } from '../ImagePolicySpec';
import { parseSemanticVersion } from './SemanticVersion';
import { parseSemverRange } from './SemverRange';

function check(range: string, version: string): boolean {
  const parsed = parseSemanticVersion(version);
  if (!parsed) throw new Error(`test bug: ${version} is not a version`);
  return parseSemverRange(range).test(parsed);
}

// Cases from Masterminds/semver v3 constraints_test.go (TestConstraintCheck,
// TestConstraintsCheck), versions written out in full.
describe('parseSemverRange: Masterminds semantics', () => {
  it.each([
    ['=2.0.0', '1.2.3', false],
    ['=2.0.0', '2.0.0', true],
    ['=2.0', '2.0.1', true],
    ['4.1', '4.1.0', true],
    ['!=4.1.0', '4.1.0', false],
    ['!=4.1.0', '4.1.1', true],
    ['!=4.1', '4.1.1', false],
    ['!=4.1', '5.1.0-alpha.1', false],
    ['!=4.1-alpha', '4.1.0', true],
    ['!=4.1-alpha', '4.1.0-alpha', false],
    ['!=4.x', '5.1.0', true],
    ['!=4.x', '4.1.0', false],
    ['!=4.1.x', '4.2.0', true],
    ['!=4.2.x', '4.2.3', false],
    ['<11', '0.1.0', true],
    ['<11', '11.1.0', false],
    ['<1.1', '1.1.1', false],
    ['<1.x', '1.1.1', false],
    ['<1.x', '0.1.1', true],
    ['<1.1.x', '1.0.500', true],
    ['<1.1.x', '1.1.500', false],
    ['<=11', '11.2.3', true],
    ['<=11', '12.2.3', false],
    ['<=1.1', '1.1.1', true],
    ['<=1.1', '1.2.3', false],
    ['<=1.1.x', '1.2.500', false],
    ['<=2.x', '3.0.0', false],
    ['<=1.1', '0.1.0-alpha', false],
    ['<=1.1-a', '0.1.0-alpha', true],
    ['>1.1', '4.1.0', true],
    ['>1.1', '1.1.0', false],
    ['>11', '11.1.0', false],
    ['>11.1', '11.1.1', false],
    ['>11.1', '11.2.1', true],
    ['>0', '0.0.1-alpha', false],
    ['>0.0.0-0', '0.0.0-alpha', true],
    ['>1.2.3-alpha.1', '1.2.3-alpha.2', true],
    ['>1.2.3-alpha.1', '1.3.3-alpha.2', true],
    ['>=1.1', '4.1.0-beta', false],
    ['>=0', '0.0.1-alpha', false],
    ['>=0-0', '0.0.1-alpha', true],
    ['>=0.0.0-0', '3.4.5-beta.1', true],
    ['<0-z', '0.0.0-alpha', true],
    ['*', '4.5.6', true],
    ['*', '1.2.3-alpha.1', false],
    ['*-0', '1.2.3-alpha.1', true],
    ['x', '1.2.3', true],
    ['2.*', '3.4.5', false],
    ['2.*', '2.1.1', true],
    ['2.1.*', '2.2.1', false],
    ['2', '2.1.1', true],
    ['2', '3.4.5', false],
    ['1.0.x', '1.0.1', true],
    ['1.0.x', '1.2.0', false],
    ['1.X', '1.9.0', true],
    ['~1.2.3', '1.2.4', true],
    ['~1.2.3', '1.3.4', false],
    ['~1', '1.2.4', true],
    ['~1', '2.3.4', false],
    ['~>1.2', '1.2.9', true],
    ['~*', '2.1.1', true],
    ['~1.2.3-beta.2', '1.2.4-beta.2', true],
    ['~1.2.3-beta.2', '1.3.4-beta.2', false],
    ['~1.1.1-beta', '1.1.1-alpha', false],
    ['^1.2.3', '1.8.9', true],
    ['^1.2.3', '2.8.9', false],
    ['^1.2.3', '1.2.1', false],
    ['^1.2.0', '1.2.1-alpha.1', false],
    ['^1.2.0-alpha.0', '1.2.1-alpha.1', true],
    ['^1.2.0-alpha.2', '1.2.0-alpha.1', false],
    ['^0.2.3', '0.2.5', true],
    ['^0.2.3', '0.5.6', false],
    ['^0.0.3', '0.0.4', false],
    ['^0.0', '0.0.3', true],
    ['^0.0', '0.1.4', false],
    ['^0', '0.2.3', true],
    ['^0', '1.1.4', false],
    ['^0.0.0', '1.2.3', false],
    ['^1.x', '1.1.1', true],
    ['^1.x', '1.1.1-beta1', false],
    ['^1.1.2-alpha', '1.2.1-beta1', true],
    ['>1.1, <2', '1.2.1', true],
    ['>1.1 <2', '1.1.1', false],
    ['>=1.1, <2, !=1.2.3', '1.2.3', false],
    ['>=1.1    <2    !=1.2.3', '1.2.3', false],
    ['>=1.1, <2, !=1.2.3 || > 3', '4.1.2', true],
    ['>=1.1, <2, !=1.2.3 || > 3', '3.0.0', false],
    ['>=1.1 <2 !=1.2.3 || >= 3', '3.0.0', true],
    ['> 1.1, <     2', '1.1.1', false],
    ['1.1 - 2', '1.1.1', true],
    ['1.5.0 - 4.5', '3.7.0', true],
    ['1.0.0 - 2.0.0 <=2.0.0', '1.5.0', true],
    ['1.0.0 - 2.0.0, <=2.0.0', '1.5.0', true],
    ['1.1-3', '4.3.2', false],
    ['v1.0.x', '1.0.7', true],
    ['>=v1.4.0 <v2.0.0', '1.9.0', true],
    ['=> 1.2', '1.2.0', true],
    ['=< 1.2', '1.2.9', true],
    // Masterminds v3.4: a comparator naming a prerelease admits prereleases
    // to its whole AND group (containsPre), so the bare upper bound lets
    // them through too; other groups of the range are not affected.
    ['>=1.0.0-0 <2.0.0', '1.5.0-rc.1', true],
    ['>=1.0.0-0 <2.0.0-0', '1.5.0-rc.1', true],
    ['>=3.0.0-0 <4.0.0', '4.0.0-beta.2', true],
    ['>=3.0.0-0 <4.0.0', '4.0.0', false],
    ['>=3.0.0-0 <4.0.0 || >=5.0.0', '5.1.0-rc.1', false],
    ['>=5.0.0 || >=3.0.0-0 <4.0.0', '3.5.0-rc.1', true],
    // Masterminds constraints_test.go TestConstraintsCheck, prerelease rows
    ['>= 1.0.0  <= 2.0.0-beta', '1.0.1-beta', true],
    ['>= 1.0.0  <= 2.0.0-beta', '1.0.1', true],
    ['>= 1.0.0  <= 2.0.0-beta', '3.0.0', false],
    ['>= 1.0.0  <= 2.0.0-beta || > 3', '1.0.1-beta', true],
    ['>= 1.0.0  <= 2.0.0-beta || > 3', '3.0.1-beta', false],
    ['>= 1.0.0  <= 2.0.0-beta != 1.0.1 || > 3', '1.0.1-beta', true],
    ['>= 1.0.0  <= 2.0.0-beta != 1.0.1-beta || > 3', '1.0.1-beta', false],
    ['>= 1.0.0-0  <= 2.0.0', '1.0.1-beta', true],
    // v3.4 applies the group rule to != as well (older releases skipped it)
    ['!=4.1.0', '5.1.0-alpha.1', false],
    // range versions are coerced like tags: leading zeros, up to uint64
    ['>=2023.01.0 <2024', '2023.7.4', true],
    ['>=18446744073709551614.0.0', '18446744073709551615.0.0', true],
    ['<9007199254740993.0.0', '9007199254740992.0.0', true],
    ['<9007199254740993.0.0', '9007199254740993.0.0', false],
  ])('%j with %s is %s', (range, version, expected) => {
    expect(check(range, version)).toBe(expected);
  });

  it('knows when the range names a prerelease', () => {
    expect(parseSemverRange('>=1.0.0 <2.0.0').namesPrerelease).toBe(false);
    expect(parseSemverRange('>=1.0.0-0 <2.0.0').namesPrerelease).toBe(true);
  });

  it('says which AND groups admit prereleases to comparators that name none', () => {
    expect(
      parseSemverRange('>= 3.0.0-0 <4.0.0 || >=5.0.0').prereleasesWidened,
    ).toEqual([{ group: '>= 3.0.0-0 <4.0.0', namedBy: ['>=3.0.0-0'] }]);
    expect(parseSemverRange('1.0.0-rc.1 - 2.0.0').prereleasesWidened).toEqual([
      { group: '1.0.0-rc.1 - 2.0.0', namedBy: ['>=1.0.0-rc.1'] },
    ]);
    // Every comparator names one: nothing is widened.
    expect(parseSemverRange('>=1.0.0-0 <2.0.0-0').prereleasesWidened).toEqual(
      [],
    );
    expect(parseSemverRange('>=1.0.0 <2.0.0').prereleasesWidened).toEqual([]);
  });
});

describe('parseSemverRange: invalid ranges', () => {
  it.each([
    // Flux's TestNewSemVer invalid ranges, then more.
    ['1.0.0p', /"1.0.0p" is not a version/],
    ['1x', /"1x" is not a version/],
    ['x1', /"x1" is not a version/],
    ['-1', /expected a version/],
    ['a', /expected a version/],
    ['', /empty/],
    ['   ', /empty/],
    ['>= bar', /expected a version/],
    ['BAR >= 1.2.3', /expected a version/],
    ['12.3.4.1234', /not a version/],
    ['12.3.34~ 1.2.3', /unexpected "~ 1.2.3"/],
    ['>=1.0.0 ||', /alternative around "\|\|" is empty/],
    ['>=1.0.0,', /ends with ","/],
    ['>=1.0.0-01', /leading zero/],
    ['>=1.0.0-', /must start a prerelease/],
    ['>=1.0.0 <2.0.0 && >3', /expected a version/],
    ['>=18446744073709551616', /too large/],
    [`>=${'9'.repeat(21)}`, /too large/],
  ])('%j', (range, message) => {
    expect(() => parseSemverRange(range)).toThrow(InvalidPolicyError);
    expect(() => parseSemverRange(range)).toThrow(message);
    expect(() => parseSemverRange(range)).toThrow(
      `Invalid semver range ${JSON.stringify(range)}`,
    );
  });

  it.each([
    '1.0.x',
    '^1.0',
    '=1.0.0',
    '~1.0',
    '>=1.0',
    '>0,<2.0',
    '>= 1.2.3 < 2.0 || => 3.0 < 4',
  ])('accepts Flux valid range %j', range => {
    expect(() => parseSemverRange(range)).not.toThrow();
  });
});
