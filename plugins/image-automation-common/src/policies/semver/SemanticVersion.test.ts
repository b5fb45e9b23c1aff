import {
  compareSemanticVersions,
  parseSemanticVersion,
} from './SemanticVersion';

describe('parseSemanticVersion (Flux: strict semver with an optional "v")', () => {
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
    '1.0.0.1',
    '1.0.0p',
    '01.0.0',
    '1.00.0',
    '1.0.00',
    '1.0.0-',
    '1.0.0-01',
    '1.0.0-rc..1',
    '1.0.0-rc_1',
    '1.0.0+',
    '1.0.0+a..b',
    'b1.2.3',
    ' 1.0.0',
    '1.0.0 ',
    '1000000000000000.0.0',
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

  it('ignores the v prefix and build metadata', () => {
    expect(
      compareSemanticVersions(
        parseSemanticVersion('v1.2.3')!,
        parseSemanticVersion('1.2.3+b.1')!,
      ),
    ).toBe(0);
  });
});
