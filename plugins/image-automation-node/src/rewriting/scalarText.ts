import { Scalar, parse } from 'yaml';
import { ManifestRewriteError } from './ManifestRewriteError';

/** What a replaced value may contain: the characters of image references and digests. */
const SAFE_VALUE = /^[A-Za-z0-9._:/@[\]-]+$/;

/**
 * The source text for `value` in the quoting style of the scalar it replaces.
 * A plain scalar stays plain unless the value would read back as something
 * else (`1.10` is a number, `[::1]:5000/x` a list): then it is double-quoted,
 * as Flux does, and `onRequote` says so.
 */
export function renderScalar(
  scalar: Scalar,
  value: string,
  where: string,
  onRequote: (message: string) => void,
): string {
  if (!SAFE_VALUE.test(value)) {
    throw new ManifestRewriteError(
      `${where}: refusing to write ${JSON.stringify(value)}: it is not an image reference, tag or digest`,
    );
  }
  switch (scalar.type) {
    case Scalar.QUOTE_SINGLE:
      return `'${value.replace(/'/g, "''")}'`;
    case Scalar.QUOTE_DOUBLE:
      return JSON.stringify(value);
    case Scalar.PLAIN:
      if (readsBackAsString(value)) return value;
      onRequote(
        `${where}: ${JSON.stringify(value)} would not read back as a string unquoted; wrote it double-quoted`,
      );
      return JSON.stringify(value);
    default:
      throw new ManifestRewriteError(
        `${where}: the marked value is a block scalar (| or >); ` +
          'write the image as a plain or quoted scalar so it can be updated',
      );
  }
}

/**
 * A SAFE_VALUE that certainly reads back as itself: it starts with a letter
 * or digit (no indicator), does not end in `:` (a mapping key), and holds a
 * `/` or `@`, which no implicit type of YAML 1.2 or 1.1 (null, bool, int,
 * float, timestamp) can contain. Full references like `ghcr.io/acme/app:1.2`
 * take this path; bare tags and digests go through the parser below, which
 * costs tens of microseconds per call.
 */
const PLAIN_STRING_FOR_SURE = /^[A-Za-z0-9][^/@]*[/@].*[^:]$/;

/** True when `value` written plain, in block or flow context, is that same string in YAML 1.2 and 1.1. */
function readsBackAsString(value: string): boolean {
  if (/[[\]{},]/.test(value)) return false;
  if (PLAIN_STRING_FOR_SURE.test(value)) return true;
  try {
    return (
      parse(value) === value && parse(value, { version: '1.1' }) === value
    );
  } catch {
    return false;
  }
}

/** The value as the file holds it; plain scalars as written (`1.10`, not the number 1.1). */
export function currentValue(scalar: Scalar): string {
  if (
    scalar.type === Scalar.PLAIN &&
    scalar.srcToken &&
    'source' in scalar.srcToken
  ) {
    return scalar.srcToken.source;
  }
  return scalar.value === null || scalar.value === undefined
    ? ''
    : String(scalar.value);
}
