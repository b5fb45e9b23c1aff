/**
 * A version part: a number up to Number.MAX_SAFE_INTEGER, a bigint above it
 * (Masterminds reads parts as uint64). One value always has one
 * representation, so `===`, `<` and `>` compare parts exactly even across
 * the two types, and the common case stays a plain number.
 */
export type VersionNumber = number | bigint;

/**
 * A parsed semantic version. Prerelease identifiers stay strings so their
 * numeric ones compare exactly however long they are.
 */
export interface SemanticVersion {
  major: VersionNumber;
  minor: VersionNumber;
  patch: VersionNumber;
  /** Dot-separated identifiers, `''` for a release; split only when two prereleases are compared. */
  prerelease: string;
}

/** Up to this many significant digits a double holds a part exactly. */
const EXACT_DIGITS = 15;
const UINT64_MAX = 18446744073709551615n;
const UINT64_MAX_TEXT = '18446744073709551615';

function isDigit(code: number): boolean {
  return code >= 48 && code <= 57;
}

function isIdentifierChar(code: number): boolean {
  return (
    isDigit(code) ||
    (code >= 65 && code <= 90) ||
    (code >= 97 && code <= 122) ||
    code === 45 /* - */
  );
}

/**
 * A run of decimal digits as Go's strconv.ParseUint(text, 10, 64) reads it
 * (leading zeros allowed, at most 2^64-1), or undefined when it overflows.
 */
export function readVersionNumber(
  text: string,
  start = 0,
  end = text.length,
): VersionNumber | undefined {
  let first = start;
  while (first < end - 1 && text.charCodeAt(first) === 48) first++;
  const significant = end - first;
  if (significant <= EXACT_DIGITS) {
    let value = 0;
    for (let k = first; k < end; k++) {
      value = value * 10 + (text.charCodeAt(k) - 48);
    }
    return value;
  }
  if (significant > UINT64_MAX_TEXT.length) return undefined;
  const big = BigInt(text.slice(first, end));
  if (big > UINT64_MAX) return undefined;
  return big <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(big) : big;
}

/**
 * Reads a tag as Flux reads it (fluxcd/pkg/version.ParseVersion): the text
 * must have at least two dots, then Masterminds/semver's NewVersion, which
 * coerces: one optional `v`, one to three numeric parts (leading zeros
 * allowed, each up to uint64; missing ones are 0), then an optional
 * prerelease and build metadata. So `2023.07.04` is 2023.7.4 and
 * `1.2-rc.1` is 1.2.0-rc.1, while `1.2` is no version at all.
 */
export function parseSemanticVersion(
  text: string,
): SemanticVersion | undefined {
  const version: SemanticVersion = {
    major: 0,
    minor: 0,
    patch: 0,
    prerelease: '',
  };
  return readSemanticVersion(text, version) ? version : undefined;
}

/**
 * {@link parseSemanticVersion} into an object the caller owns, so that a scan
 * over many tags allocates nothing for the tags it refuses. Hand-written
 * rather than a regex: this runs for every tag of every scan.
 */
export function readSemanticVersion(
  text: string,
  into: SemanticVersion,
): boolean {
  const length = text.length;
  // Flux's own check before Masterminds': strings.SplitN(tag, ".", 3) must
  // give three parts.
  const firstDot = text.indexOf('.');
  if (firstDot === -1 || text.indexOf('.', firstDot + 1) === -1) return false;
  let i = text.charCodeAt(0) === 118 /* v */ ? 1 : 0;
  for (let part = 0; part < 3; part++) {
    if (part > 0) {
      // Minor and patch may be left out; a dot must start a number.
      if (text.charCodeAt(i) !== 46 /* . */) {
        if (part === 1) into.minor = 0;
        into.patch = 0;
        break;
      }
      i++;
    }
    const start = i;
    while (i < length && isDigit(text.charCodeAt(i))) i++;
    if (i === start) return false;
    const value = readVersionNumber(text, start, i);
    if (value === undefined) return false;
    if (part === 0) into.major = value;
    else if (part === 1) into.minor = value;
    else into.patch = value;
  }
  into.prerelease = '';
  if (i < length && text.charCodeAt(i) === 45 /* - */) {
    const end = skipIdentifiers(text, i + 1, true);
    if (end === -1) return false;
    into.prerelease = text.slice(i + 1, end);
    i = end;
  }
  if (i < length && text.charCodeAt(i) === 43 /* + */) {
    i = skipIdentifiers(text, i + 1, false);
    if (i === -1) return false;
  }
  return i === length;
}

/**
 * Skips dot-separated non-empty identifiers from `start`; returns where they
 * end, or -1 when malformed. Prerelease numbers may not have leading zeros
 * (Masterminds' validatePrerelease, which NewVersion applies too).
 */
function skipIdentifiers(
  text: string,
  start: number,
  isPrerelease: boolean,
): number {
  let i = start;
  for (;;) {
    const identifierStart = i;
    let numeric = true;
    while (i < text.length) {
      const code = text.charCodeAt(i);
      if (!isIdentifierChar(code)) break;
      if (!isDigit(code)) numeric = false;
      i++;
    }
    const identifierLength = i - identifierStart;
    if (identifierLength === 0) return -1;
    if (
      isPrerelease &&
      numeric &&
      identifierLength > 1 &&
      text.charCodeAt(identifierStart) === 48
    ) {
      return -1;
    }
    if (text.charCodeAt(i) !== 46 /* . */) return i;
    i++;
  }
}

/**
 * Whether Masterminds compares a prerelease identifier as a number: digits
 * that strconv.ParseUint reads. A longer one overflows and is compared as
 * text, like any alphanumeric identifier.
 */
function isNumericIdentifier(identifier: string): boolean {
  for (let k = 0; k < identifier.length; k++) {
    if (!isDigit(identifier.charCodeAt(k))) return false;
  }
  return (
    identifier.length < UINT64_MAX_TEXT.length ||
    (identifier.length === UINT64_MAX_TEXT.length &&
      identifier <= UINT64_MAX_TEXT)
  );
}

/** Masterminds' comparePrerelease of two prerelease identifier lists (both non-empty). */
function comparePrerelease(aText: string, bText: string): number {
  const a = aText.split('.');
  const b = bText.split('.');
  const shared = Math.min(a.length, b.length);
  for (let k = 0; k < shared; k++) {
    const x = a[k];
    const y = b[k];
    if (x === y) continue;
    const xNumeric = isNumericIdentifier(x);
    const yNumeric = isNumericIdentifier(y);
    if (xNumeric && yNumeric) {
      // No leading zeros, so the longer number is the larger one.
      if (x.length !== y.length) return x.length < y.length ? -1 : 1;
      return x < y ? -1 : 1;
    }
    if (xNumeric) return -1;
    if (yNumeric) return 1;
    return x < y ? -1 : 1;
  }
  return Math.sign(a.length - b.length);
}

/** Semver precedence: negative when `a` is lower. Build metadata is ignored. */
export function compareSemanticVersions(
  a: SemanticVersion,
  b: SemanticVersion,
): number {
  if (a.major !== b.major) return a.major < b.major ? -1 : 1;
  if (a.minor !== b.minor) return a.minor < b.minor ? -1 : 1;
  if (a.patch !== b.patch) return a.patch < b.patch ? -1 : 1;
  if (a.prerelease === b.prerelease) return 0;
  if (a.prerelease === '') return 1;
  if (b.prerelease === '') return -1;
  return comparePrerelease(a.prerelease, b.prerelease);
}
