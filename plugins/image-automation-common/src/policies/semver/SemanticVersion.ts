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
  /** Empty for a release. */
  prerelease: readonly string[];
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
 * accepts (fluxcd/pkg/version.ParseVersion). Hand-written rather than a
 * regex: this runs for every tag of every scan.
 */
export function parseSemanticVersion(
  text: string,
): SemanticVersion | undefined {
  const length = text.length;
  let i = text.charCodeAt(0) === 118 /* v */ ? 1 : 0;
  const numbers = [0, 0, 0];
  for (let part = 0; part < 3; part++) {
    if (part > 0) {
      if (text.charCodeAt(i) !== 46 /* . */) return undefined;
      i++;
    }
    const start = i;
    let value = 0;
    while (i < length && isDigit(text.charCodeAt(i))) {
      value = value * 10 + (text.charCodeAt(i) - 48);
      i++;
    }
    const digits = i - start;
    if (digits === 0 || digits > MAX_NUMBER_DIGITS) return undefined;
    if (digits > 1 && text.charCodeAt(start) === 48) return undefined;
    numbers[part] = value;
  }
  let prerelease: string[] = [];
  if (i < length && text.charCodeAt(i) === 45 /* - */) {
    const end = findBuildStart(text, i + 1);
    const identifiers = readIdentifiers(text, i + 1, end, true);
    if (!identifiers) return undefined;
    prerelease = identifiers;
    i = end;
  }
  if (i < length && text.charCodeAt(i) === 43 /* + */) {
    if (!readIdentifiers(text, i + 1, length, false)) return undefined;
    i = length;
  }
  if (i !== length) return undefined;
  return {
    major: numbers[0],
    minor: numbers[1],
    patch: numbers[2],
    prerelease,
  };
}

function findBuildStart(text: string, from: number): number {
  const plus = text.indexOf('+', from);
  return plus === -1 ? text.length : plus;
}

/** Dot-separated non-empty identifiers; prerelease numbers may not have leading zeros. */
function readIdentifiers(
  text: string,
  start: number,
  end: number,
  isPrerelease: boolean,
): string[] | undefined {
  if (start >= end) return undefined;
  const identifiers = text.slice(start, end).split('.');
  for (const identifier of identifiers) {
    if (identifier.length === 0) return undefined;
    let numeric = true;
    for (let k = 0; k < identifier.length; k++) {
      const code = identifier.charCodeAt(k);
      if (!isIdentifierChar(code)) return undefined;
      if (!isDigit(code)) numeric = false;
    }
    if (
      isPrerelease &&
      numeric &&
      identifier.length > 1 &&
      identifier.charCodeAt(0) === 48
    ) {
      return undefined;
    }
  }
  return identifiers;
}

function isNumericIdentifier(identifier: string): boolean {
  for (let k = 0; k < identifier.length; k++) {
    if (!isDigit(identifier.charCodeAt(k))) return false;
  }
  return true;
}

/** Semver §11 precedence of two prerelease identifier lists (both non-empty). */
function comparePrerelease(a: readonly string[], b: readonly string[]): number {
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
  const aPre = a.prerelease.length > 0;
  const bPre = b.prerelease.length > 0;
  if (!aPre && !bPre) return 0;
  if (!aPre) return 1;
  if (!bPre) return -1;
  return comparePrerelease(a.prerelease, b.prerelease);
}
