/**
 * Raised by {@link parseDuration} for text that is not a duration. The message
 * quotes the text and shows valid forms.
 * @public
 */
export class InvalidDurationError extends Error {
  constructor(readonly value: string, problem: string) {
    super(
      `Invalid duration ${JSON.stringify(value)}: ${problem}. ` +
        'Use a number and a unit (ms, s, m, h, d), e.g. "90s", "30m", "2h", "1h30m", "1d", or ISO 8601 such as "PT2H"',
    );
    this.name = 'InvalidDurationError';
  }
}

const MS_PER_UNIT: Record<string, number> = {
  ms: 1,
  s: 1_000,
  m: 60_000,
  h: 3_600_000,
  d: 86_400_000,
};

/** Go-style components, `1h30m`: each a decimal number and a unit. */
const GO_COMPONENT = /(\d+(?:\.\d+)?)(ms|s|m|h|d)/y;

/**
 * ISO 8601 durations without years and months, which have no fixed length:
 * `P1D`, `PT2H`, `PT1H30M`, `PT0.5S`, `P1W`.
 */
const ISO_DURATION =
  /^P(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+(?:\.\d+)?)H)?(?:(\d+(?:\.\d+)?)M)?(?:(\d+(?:\.\d+)?)S)?)?$/i;

/**
 * Parses a duration as written in annotations and config: Go/Flux style
 * (`90s`, `30m`, `2h`, `1d`, `1h30m`, `500ms`) or ISO 8601 (`PT2H`, `P1D`).
 * Surrounding whitespace is ignored; everything else must be part of the
 * duration.
 *
 * @returns the duration in milliseconds (rounded to a whole millisecond)
 * @throws InvalidDurationError for anything else: a bare number (the unit
 *   would be a guess), negative values, unknown units, years or months.
 * @public
 */
export function parseDuration(value: string): number {
  const text = value.trim();
  const fail = (problem: string): never => {
    throw new InvalidDurationError(value, problem);
  };
  if (text.length === 0) fail('it is empty');
  if (text.length > 64) fail('it is longer than 64 characters');
  if (/^[pP]/.test(text)) return parseIsoDuration(text, fail);
  if (/^\d+(\.\d+)?$/.test(text)) fail('the unit is missing');
  if (text.startsWith('-')) fail('it is negative');

  let total = 0;
  GO_COMPONENT.lastIndex = 0;
  while (GO_COMPONENT.lastIndex < text.length) {
    const start = GO_COMPONENT.lastIndex;
    const match = GO_COMPONENT.exec(text);
    if (!match) {
      const rest = text.slice(start);
      const unit = /^\d+(?:\.\d+)?([^\d.]*)/.exec(rest)?.[1];
      fail(
        unit
          ? `unknown unit ${JSON.stringify(unit)}`
          : `unexpected ${JSON.stringify(rest)}`,
      );
    } else {
      total += Number(match[1]) * MS_PER_UNIT[match[2]];
    }
  }
  return finish(total, fail);
}

function parseIsoDuration(
  text: string,
  fail: (problem: string) => never,
): number {
  const match = ISO_DURATION.exec(text);
  if (!match) {
    if (/^P(\d+Y|\d+M)/i.test(text)) {
      fail(
        'years and months have no fixed length; give days instead, e.g. "P30D"',
      );
    }
    fail(
      'it is not an ISO 8601 duration of weeks, days, hours, minutes and seconds',
    );
  }
  const [, weeks, days, hours, minutes, seconds] = match!;
  if (
    [weeks, days, hours, minutes, seconds].every(part => part === undefined)
  ) {
    fail('it has no components');
  }
  if (/T$/i.test(text))
    fail('"T" must be followed by hours, minutes or seconds');
  const total =
    Number(weeks ?? 0) * 7 * MS_PER_UNIT.d +
    Number(days ?? 0) * MS_PER_UNIT.d +
    Number(hours ?? 0) * MS_PER_UNIT.h +
    Number(minutes ?? 0) * MS_PER_UNIT.m +
    Number(seconds ?? 0) * MS_PER_UNIT.s;
  return finish(total, fail);
}

function finish(total: number, fail: (problem: string) => never): number {
  if (!Number.isSafeInteger(Math.round(total))) fail('it is too long');
  return Math.round(total);
}
