import {
  compareSemanticVersions,
  parseSemanticVersion,
} from './SemanticVersion';

describe('parseSemanticVersion (Flux: ParseVersion, then Masterminds NewVersion)', () => {
  it.each([
    ['1.0.0', 1, 0, 0, ''],
    ['v1.2.3', 1, 2, 3, ''],
    ['0.0.0', 0, 0, 0, ''],
    ['10.20.30', 10, 20, 30, ''],
    ['1.0.0-rc.1', 1, 0, 0, 'rc.1'],
    ['1.0.0-alpha-beta.0', 1, 0, 0, 'alpha-beta.0'],
    ['1.0.0-0a', 1, 0, 0, '0a'],
    ['1.0.0+build.5', 1, 0, 0, ''],
    ['1.0.0-rc.1+build.5', 1, 0, 0, 'rc.1'],
    ['999999999999999.0.0', 999999999999999, 0, 0, ''],
    // NewVersion coerces leading zeros in the numeric parts (ParseUint).
    ['01.0.0', 1, 0, 0, ''],
    ['1.00.0', 1, 0, 0, ''],
    ['1.0.00', 1, 0, 0, ''],
    ['2023.07.04', 2023, 7, 4, ''],
    ['v2025.02.03-rc.1', 2025, 2, 3, 'rc.1'],
    ['00000000000000000000001.0.0', 1, 0, 0, ''],
    // Parts up to uint64; above 2^53 they are bigints, so they stay exact.
    ['9007199254740991.0.0', 9007199254740991, 0, 0, ''],
    ['9007199254740993.0.0', 9007199254740993n, 0, 0, ''],
    ['1.0.18446744073709551615', 1, 0, 18446744073709551615n, ''],
    // Two dots pass Flux's SplitN check; NewVersion then fills in the
    // missing parts with 0, the dots being in the prerelease.
    ['1.2-rc.1', 1, 2, 0, 'rc.1'],
    ['v1-rc.1.2', 1, 0, 0, 'rc.1.2'],
  ])('reads %j', (text, major, minor, patch, prerelease) => {
    expect(parseSemanticVersion(text)).toEqual({
      major,
      minor,
      patch,
      prerelease,
    });
  });

  it.each([
    '',
    'v',
    'vv1.0.0',
    'V1.0.0',
    '1',
    '1.0',
    // one dot: Flux's SplitN(tag, ".", 3) check refuses it before Masterminds
    '1.0-rc1',
    'v2023.07',
    '1.0.0.1',
    '1.0.0p',
    '1..0',
    '1.0.',
    '1.x.0',
    '1.0.0-',
    '1.0.0-01',
    '1.0.0-rc..1',
    '1.0.0-rc_1',
    '1.0.0+',
    '1.0.0+a..b',
    'b1.2.3',
    ' 1.0.0',
    '1.0.0 ',
    // above uint64: ParseUint fails
    '18446744073709551616.0.0',
    '1.0.123456789012345678901',
    'latest',
  ])('refuses %j', text => {
    expect(parseSemanticVersion(text)).toBeUndefined();
  });
});

describe('compareSemanticVersions (semver §11 precedence)', () => {
  // Each is lower than the next.
  const ascending = [
    '0.9.9',
    '1.0.0-0',
    '1.0.0-1',
    '1.0.0-2',
    '1.0.0-10',
    '1.0.0-18446744073709551615',
    // Above uint64 Masterminds' ParseUint fails and the identifier is
    // compared as text, above every number and below letters.
    '1.0.0-18446744073709551616',
    '1.0.0-99999999999999999999',
    '1.0.0-alpha',
    '1.0.0-alpha.1',
    '1.0.0-alpha.beta',
    '1.0.0-beta',
    '1.0.0-beta.2',
    '1.0.0-beta.11',
    '1.0.0-rc.1',
    '1.0.0',
    '1.0.1',
    '1.1.0',
    '1.10.0',
    '2.0.0',
    '10.0.0',
    '9007199254740992.0.0',
    '9007199254740993.0.0',
    '18446744073709551615.0.0',
  ];
  it.each(ascending.slice(1).map((higher, i) => [ascending[i], higher]))(
    '%s < %s',
    (lower, higher) => {
      const a = parseSemanticVersion(lower)!;
      const b = parseSemanticVersion(higher)!;
      expect(compareSemanticVersions(a, b)).toBeLessThan(0);
      expect(compareSemanticVersions(b, a)).toBeGreaterThan(0);
    },
  );

  it.each([
    ['2023.07.04', '2023.7.4'],
    ['01.02.03', '1.2.3'],
    ['1.2-rc.1', '1.2.0-rc.1'],
  ])('%s equals %s (coerced)', (a, b) => {
    expect(
      compareSemanticVersions(
        parseSemanticVersion(a)!,
        parseSemanticVersion(b)!,
      ),
    ).toBe(0);
  });

  it('ignores the v prefix and build metadata', () => {
    expect(
      compareSemanticVersions(
        parseSemanticVersion('v1.2.3')!,
        parseSemanticVersion('1.2.3+b.1')!,
      ),
    ).toBe(0);
  });
});
