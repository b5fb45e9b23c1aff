import { InvalidPolicyError } from '../policies';
import { parseShorthandPolicy } from './shorthandPolicy';

describe('parseShorthandPolicy', () => {
  it.each([
    ['semver: >=1.4.0 <2.0.0', { semver: { range: '>=1.4.0 <2.0.0' } }],
    ['semver:~7.2', { semver: { range: '~7.2' } }],
    ['  semver:   1.x  ', { semver: { range: '1.x' } }],
    ['semver: >=1.0.0 || ^3.0.0', { semver: { range: '>=1.0.0 || ^3.0.0' } }],
    ['alphabetical: desc', { alphabetical: { order: 'desc' } }],
    ['alphabetical: asc', { alphabetical: { order: 'asc' } }],
    ['alphabetical', { alphabetical: { order: 'asc' } }],
    ['numerical: asc', { numerical: { order: 'asc' } }],
    ['numerical: desc', { numerical: { order: 'desc' } }],
    ['numerical:', { numerical: { order: 'asc' } }],
    ['newest-build', { newestBuild: {} }],
    ['newest-build: linux/arm64', { newestBuild: { platform: 'linux/arm64' } }],
  ])('parses %j', (text, spec) => {
    expect(parseShorthandPolicy(text)).toEqual(spec);
  });

  it.each([
    ['', 'it is empty'],
    ['semver', 'semver needs a range'],
    ['semver:   ', 'semver needs a range'],
    ['semvr: 1.x', 'unknown policy kind "semvr" (did you mean "semver"?)'],
    ['latest', 'unknown policy kind "latest"; write "semver: <range>"'],
    [
      '>=1.4.0 <2.0.0',
      'it names no policy kind; for a semver range write "semver: >=1.4.0 <2.0.0"',
    ],
    [
      'alphabetical: descending',
      'unknown alphabetical order "descending"; use "alphabetical: asc"',
    ],
    ['numerical: up', 'unknown numerical order "up"'],
    ['semver: >=1.4 <<2', 'Invalid semver range ">=1.4 <<2"'],
    ['semver: banana', 'Invalid semver range "banana"'],
    ['newest-build: arm64', '"arm64" is not a platform'],
    [
      'newest_build',
      'unknown policy kind "newest_build" (did you mean "newest-build"?)',
    ],
  ])('rejects %j: %s', (text, problem) => {
    expect(() => parseShorthandPolicy(text)).toThrow(InvalidPolicyError);
    expect(() => parseShorthandPolicy(text)).toThrow(problem);
  });

  it('quotes the whole value in the message', () => {
    expect(() => parseShorthandPolicy('semvr: 1.x')).toThrow(
      /^Invalid policy "semvr: 1\.x": /,
    );
  });
});
