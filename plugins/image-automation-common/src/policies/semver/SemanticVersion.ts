/**
 * A parsed semantic version. Major, minor and patch are plain numbers (the
 * parser refuses more than 15 digits, beyond which doubles lose precision);
 * prerelease identifiers stay strings so their numeric ones compare exactly
 * however long they are.
 */
export interface SemanticVersion {
  major: number;
  minor: number;
  patch: number;
  /** Dot-separated identifiers, `''` for a release; split only when two prereleases are compared. */
  prerelease: string;
}

const MAX_NUMBER_DIGITS = 15;

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
 * Reads a tag as a strict semantic version (`MAJOR.MINOR.PATCH[-pre][+build]`,
 * no leading zeros) with one optional `v` in front, which is what Flux
 * accepts (fluxcd/pkg/version.ParseVersion).
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
  let i = text.charCodeAt(0) === 118 /* v */ ? 1 : 0;
  for (let part = 0; part < 3; part++) {
    if (part > 0) {
      if (text.charCodeAt(i) !== 46 /* . */) return false;
      i++;
    }
    const start = i;
    let value = 0;
    while (i < length && isDigit(text.charCodeAt(i))) {
      value = value * 10 + (text.charCodeAt(i) - 48);
      i++;
    }
    const digits = i - start;
    if (digits === 0 || digits > MAX_NUMBER_DIGITS) return false;
    if (digits > 1 && text.charCodeAt(start) === 48) return false;
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
 * end, or -1 when malformed. Prerelease numbers may not have leading zeros.
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

function isNumericIdentifier(identifier: string): boolean {
  for (let k = 0; k < identifier.length; k++) {
    if (!isDigit(identifier.charCodeAt(k))) return false;
  }
  return true;
}

/** Semver §11 precedence of two prerelease identifier lists (both non-empty). */
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
