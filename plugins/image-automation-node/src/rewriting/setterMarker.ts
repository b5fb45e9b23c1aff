import { ImageField } from './types';

/** The key Flux's image automation sets as kyaml's setter shorthand. */
export const SETTER_SHORTHAND = '$imagepolicy';

/** Partial setters, as Flux defines them next to each policy's full setter. */
const PARTIAL_SETTER_SUFFIXES: ReadonlyArray<[string, ImageField]> = [
  [':tag', 'tag'],
  [':name', 'name'],
  [':digest', 'digest'],
];

/**
 * Reads the setter name out of a YAML comment the way kyaml's fieldmeta does
 * for Flux: leading `#` characters are dropped, the rest must be one JSON
 * object whose values are all strings (Go decodes it into map[string]string,
 * so any other value type makes the whole comment "not a marker"), and the
 * `$imagepolicy` entry must be a non-empty string. Anything else is an
 * ordinary comment.
 */
export function readSetterName(comment: string): string | undefined {
  const text = comment.replace(/^#+/, '');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    return undefined;
  }
  const entries = Object.entries(parsed as Record<string, unknown>);
  if (entries.some(([, v]) => typeof v !== 'string' && v !== null)) {
    return undefined;
  }
  const name = (parsed as Record<string, unknown>)[SETTER_SHORTHAND];
  return typeof name === 'string' && name.length > 0 ? name : undefined;
}

/** True for comments that look like they were meant as a marker, valid or not. */
export function mentionsSetter(comment: string): boolean {
  return comment.includes(SETTER_SHORTHAND);
}

export interface ResolvedSetter {
  policy: string;
  field: ImageField;
  /** Whether `policy` is one the caller knows about. */
  known: boolean;
}

/**
 * Splits a setter name into policy and field. Policy names are free strings
 * (`flux-system:podinfo`), so only a trailing `:tag`, `:name` or `:digest` is
 * a suffix, and only when what precedes it is a known policy or the whole name
 * is not one: a policy literally called `x:tag` still works as a full setter.
 */
export function resolveSetter(
  setterName: string,
  isKnownPolicy: (policy: string) => boolean,
): ResolvedSetter {
  let partial: { policy: string; field: ImageField } | undefined;
  for (const [suffix, field] of PARTIAL_SETTER_SUFFIXES) {
    if (setterName.endsWith(suffix) && setterName.length > suffix.length) {
      partial = { policy: setterName.slice(0, -suffix.length), field };
      break;
    }
  }
  if (partial && isKnownPolicy(partial.policy)) {
    return { ...partial, known: true };
  }
  if (isKnownPolicy(setterName)) {
    return { policy: setterName, field: 'image', known: true };
  }
  return { ...(partial ?? { policy: setterName, field: 'image' }), known: false };
}
