import { InvalidDurationError, parseDuration } from './duration';

describe('parseDuration', () => {
  it.each([
    ['90s', 90_000],
    ['30m', 1_800_000],
    ['2h', 7_200_000],
    ['1d', 86_400_000],
    ['1h30m', 5_400_000],
    ['500ms', 500],
    ['1.5h', 5_400_000],
    ['0s', 0],
    [' 2h ', 7_200_000],
    ['1h1m1s1ms', 3_661_001],
    ['PT2H', 7_200_000],
    ['pt2h', 7_200_000],
    ['PT1H30M', 5_400_000],
    ['PT90S', 90_000],
    ['PT0.5S', 500],
    ['P1D', 86_400_000],
    ['P1DT12H', 129_600_000],
    ['P1W', 604_800_000],
  ])('parses %j as %d ms', (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  it.each([
    ['', 'it is empty'],
    ['   ', 'it is empty'],
    ['90', 'the unit is missing'],
    ['2 hours', 'unknown unit " hours"'],
    ['2hours', 'unexpected "ours"'],
    ['2w', 'unknown unit "w"'],
    ['2H', 'unknown unit "H"'],
    ['-5m', 'it is negative'],
    ['h', 'unexpected "h"'],
    ['1h junk', 'unexpected " junk"'],
    ['P1M', 'years and months have no fixed length'],
    ['P1Y', 'years and months have no fixed length'],
    ['P', 'it has no components'],
    ['PT', 'it has no components'],
    ['P1DT', '"T" must be followed by hours, minutes or seconds'],
    ['P2X', 'not an ISO 8601 duration'],
    ['99999999999999999999d', 'it is too long'],
  ])('rejects %j: %s', (text, problem) => {
    expect(() => parseDuration(text)).toThrow(InvalidDurationError);
    expect(() => parseDuration(text)).toThrow(problem);
  });

  it('quotes the value and shows valid forms in the message', () => {
    expect(() => parseDuration('soon')).toThrow(
      /^Invalid duration "soon": .*e\.g\. "90s", "30m", "2h", "1h30m", "1d", or ISO 8601 such as "PT2H"$/,
    );
  });
});
