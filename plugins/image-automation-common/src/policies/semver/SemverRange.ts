import { InvalidPolicyError } from '../ImagePolicySpec';
import {
  SemanticVersion,
  VersionNumber,
  compareSemanticVersions,
  readVersionNumber,
} from './SemanticVersion';

/**
 * A semver range with Masterminds/semver v3.4+ semantics (what Flux uses):
 * `||` between alternatives, comma or whitespace for AND, hyphen ranges,
 * x-ranges (`1.x`, `1.2.*`, partial versions), `~`, `~>`, `^`, `v`
 * prefixes, and Masterminds' prerelease rule: a prerelease version passes
 * an AND group only when some comparator of that group names a prerelease,
 * and then it is checked against every comparator of the group as any
 * version would be (so `>=3.0.0-0 <4.0.0` admits `4.0.0-beta.2`).
 */
export interface SemverRange {
  readonly source: string;
  /** True when some comparator names a prerelease, so prereleases can match at all. */
  readonly namesPrerelease: boolean;
  /**
   * The AND groups where naming a prerelease in one comparator admits
   * prereleases to others that name none: the case that surprises people.
   */
  readonly prereleasesWidened: ReadonlyArray<{
    group: string;
    namedBy: string[];
  }>;
  test(version: SemanticVersion): boolean;
}

interface AndGroup {
  text: string;
  comparators: Comparator[];
  /** Masterminds' containsPre: prereleases may pass this group at all. */
  namesPrerelease: boolean;
}

type Operator = '=' | '!=' | '>' | '<' | '>=' | '<=' | '~' | '^';

interface Comparator {
  operator: Operator;
  /** As written, for messages: `>=3.0.0-0`. */
  text: string;
  version: SemanticVersion;
  /** Some part of the version was a wildcard or left out (`1.2`, `1.x`, `*`). */
  dirty: boolean;
  majorDirty: boolean;
  minorDirty: boolean;
  patchDirty: boolean;
}

/** Spellings Masterminds accepts for each operator; longest first. */
const OPERATORS: ReadonlyArray<[string, Operator]> = [
  ['!=', '!='],
  ['>=', '>='],
  ['=>', '>='],
  ['<=', '<='],
  ['=<', '<='],
  ['~>', '~'],
  ['=', '='],
  ['>', '>'],
  ['<', '<'],
  ['~', '~'],
  ['^', '^'],
];

const MAX_RANGE_LENGTH = 1024;

function isWhitespace(char: string | undefined): boolean {
  return char === ' ' || char === '\t' || char === '\n' || char === '\r';
}

/** Reads one range string; throws InvalidPolicyError quoting it and saying where it went wrong. */
export function parseSemverRange(source: string): SemverRange {
  const fail = (problem: string): never => {
    throw new InvalidPolicyError(
      `Invalid semver range ${JSON.stringify(source)}: ${problem}. ` +
        'Use Masterminds/semver syntax, e.g. ">=1.4.0 <2.0.0", "1.2.x", "^1.2", "~1.2.3" or ">=1.0.0-0" to include prereleases.',
    );
  };
  if (source.trim().length === 0) fail('the range is empty');
  if (source.length > MAX_RANGE_LENGTH)
    fail(`the range is longer than ${MAX_RANGE_LENGTH} characters`);

  const alternatives: AndGroup[] = source.split('||').map(alternative => {
    const comparators = parseAlternative(alternative, fail);
    return {
      text: alternative.trim(),
      comparators,
      namesPrerelease: comparators.some(c => c.version.prerelease !== ''),
    };
  });
  return {
    source,
    namesPrerelease: alternatives.some(group => group.namesPrerelease),
    prereleasesWidened: alternatives
      .filter(
        group =>
          group.namesPrerelease &&
          group.comparators.some(c => c.version.prerelease === ''),
      )
      .map(group => ({
        group: group.text,
        namedBy: group.comparators
          .filter(c => c.version.prerelease !== '')
          .map(c => c.text),
      })),
    test: version =>
      alternatives.some(
        group =>
          (version.prerelease === '' || group.namesPrerelease) &&
          group.comparators.every(comparator => satisfies(version, comparator)),
      ),
  };
}

function parseAlternative(
  text: string,
  fail: (problem: string) => never,
): Comparator[] {
  const comparators: Comparator[] = [];
  let pos = 0;
  const skipWhitespace = () => {
    const start = pos;
    while (isWhitespace(text[pos])) pos++;
    return pos > start;
  };
  skipWhitespace();
  if (pos >= text.length) fail('an alternative around "||" is empty');
  for (;;) {
    const comparatorStart = pos;
    let operator: Operator | undefined;
    for (const [spelling, meaning] of OPERATORS) {
      if (text.startsWith(spelling, pos)) {
        operator = meaning;
        pos += spelling.length;
        break;
      }
    }
    skipWhitespace();
    const first = readPartialVersion(text, pos, fail);
    pos = first.end;
    const hyphen = /^\s+-\s+/.exec(text.slice(pos, pos + 64));
    if (operator === undefined && hyphen) {
      // `A - B` is Masterminds' `>= A, <= B`.
      pos += hyphen[0].length;
      const second = readPartialVersion(text, pos, fail);
      pos = second.end;
      comparators.push({
        operator: '>=',
        text: `>=${first.text}`,
        ...first.comparator,
      });
      comparators.push({
        operator: '<=',
        text: `<=${second.text}`,
        ...second.comparator,
      });
    } else {
      comparators.push({
        operator: operator ?? '=',
        text: text.slice(comparatorStart, pos).replace(/\s+/g, ''),
        ...first.comparator,
      });
    }
    const separated = skipWhitespace();
    if (pos >= text.length) return comparators;
    if (text[pos] === ',') {
      pos++;
      skipWhitespace();
      if (pos >= text.length) fail('the range ends with ","');
    } else if (!separated) {
      fail(
        `unexpected ${JSON.stringify(
          text.slice(pos, pos + 12),
        )} after a version (separate comparators with a space or ",")`,
      );
    }
  }
}

function readPartialVersion(
  text: string,
  start: number,
  fail: (problem: string) => never,
): {
  comparator: Omit<Comparator, 'operator' | 'text'>;
  text: string;
  end: number;
} {
  let pos = start;
  if (text[pos] === 'v') pos++;
  const parts: Array<VersionNumber | 'x'> = [];
  while (parts.length < 3) {
    if (parts.length > 0) {
      if (text[pos] !== '.') break;
      pos++;
    }
    const char = text[pos];
    if (char === 'x' || char === 'X' || char === '*') {
      parts.push('x');
      pos++;
      continue;
    }
    const digitsStart = pos;
    while (pos < text.length && text[pos] >= '0' && text[pos] <= '9') pos++;
    const digits = text.slice(digitsStart, pos);
    if (digits.length === 0) {
      const found = text.slice(start, pos + 8) || 'the end';
      fail(`expected a version at ${JSON.stringify(found)}`);
    }
    // Masterminds coerces these as it does tags: leading zeros, up to uint64.
    const value = readVersionNumber(digits);
    if (value === undefined)
      fail(`the number ${digits} is too large (at most 18446744073709551615)`);
    parts.push(value!);
  }
  if (/[0-9A-Za-z.]/.test(text[pos] ?? '')) {
    fail(
      `${JSON.stringify(
        text.slice(start, pos + 1),
      )} is not a version (at most MAJOR.MINOR.PATCH, each a number or x)`,
    );
  }
  let prerelease = '';
  if (text[pos] === '-') {
    const match = /^[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*/.exec(
      text.slice(pos + 1, pos + 1 + MAX_RANGE_LENGTH),
    );
    if (!match)
      fail(
        `a "-" in ${JSON.stringify(
          text.slice(start, pos + 1),
        )} must start a prerelease such as "-rc.1"`,
      );
    prerelease = match![0];
    if (prerelease.split('.').some(id => /^0[0-9]+$/.test(id))) {
      fail(`the prerelease "${match![0]}" has a number with a leading zero`);
    }
    pos += 1 + match![0].length;
  }
  if (text[pos] === '+') {
    const match = /^[0-9A-Za-z-]+(?:\.[0-9A-Za-z-]+)*/.exec(
      text.slice(pos + 1, pos + 1 + MAX_RANGE_LENGTH),
    );
    if (!match) fail('a "+" must start build metadata such as "+build.1"');
    pos += 1 + match![0].length;
  }

  // Masterminds: the first wildcard or missing part makes the version "dirty"
  // and zeroes everything from there on.
  const [major, minor, patch] = parts;
  const majorDirty = major === 'x';
  const minorDirty = !majorDirty && (minor === undefined || minor === 'x');
  const patchDirty =
    !majorDirty && !minorDirty && (patch === undefined || patch === 'x');
  const version: SemanticVersion = {
    major: majorDirty ? 0 : (major as VersionNumber),
    minor: majorDirty || minorDirty ? 0 : (minor as VersionNumber),
    patch:
      majorDirty || minorDirty || patchDirty ? 0 : (patch as VersionNumber),
    prerelease,
  };
  return {
    comparator: {
      version,
      dirty: majorDirty || minorDirty || patchDirty,
      majorDirty,
      minorDirty,
      patchDirty,
    },
    text: text.slice(start, pos),
    end: pos,
  };
}

/**
 * One comparator, exactly as Masterminds/semver v3.4 checks it once its AND
 * group has let the version through the prerelease rule.
 */
function satisfies(v: SemanticVersion, c: Comparator): boolean {
  const con = c.version;
  const cmp = compareSemanticVersions(v, con);
  switch (c.operator) {
    case '=':
      return c.dirty ? tilde(v, c, cmp) : cmp === 0;
    case '!=':
      return notEqual(v, c, cmp);
    case '>':
      if (!c.dirty || c.majorDirty) return cmp > 0;
      if (v.major !== con.major) return v.major > con.major;
      if (c.minorDirty) return false;
      return v.minor > con.minor;
    case '<':
      return cmp < 0;
    case '>=':
      return cmp >= 0;
    case '<=':
      if (!c.dirty) return cmp <= 0;
      if (v.major > con.major) return false;
      return !(v.major === con.major && v.minor > con.minor && !c.minorDirty);
    case '~':
      return tilde(v, c, cmp);
    case '^':
      return caret(v, c, cmp);
    default:
      return false;
  }
}

function notEqual(v: SemanticVersion, c: Comparator, cmp: number): boolean {
  const con = c.version;
  if (c.dirty) {
    if (con.major !== v.major) return true;
    if (con.minor !== v.minor && !c.minorDirty) return true;
    if (c.minorDirty) return false;
    if (con.patch !== v.patch && !c.patchDirty) return true;
    if (c.patchDirty) {
      // Only a different prerelease makes it unequal.
      return v.prerelease !== con.prerelease;
    }
  }
  return cmp !== 0;
}

function tilde(v: SemanticVersion, c: Comparator, cmp: number): boolean {
  const con = c.version;
  if (cmp < 0) return false;
  if (c.majorDirty) return true;
  if (
    con.major === 0 &&
    con.minor === 0 &&
    con.patch === 0 &&
    !c.minorDirty &&
    !c.patchDirty
  ) {
    return true;
  }
  if (v.major !== con.major) return false;
  return v.minor === con.minor || c.minorDirty;
}

function caret(v: SemanticVersion, c: Comparator, cmp: number): boolean {
  const con = c.version;
  if (cmp < 0) return false;
  if (c.majorDirty) return true;
  if (con.major > 0 || c.minorDirty) return v.major === con.major;
  if (v.major > 0) return false;
  if (con.minor > 0 || c.patchDirty) return v.minor === con.minor;
  if (v.minor > 0) return false;
  return v.patch === con.patch;
}
