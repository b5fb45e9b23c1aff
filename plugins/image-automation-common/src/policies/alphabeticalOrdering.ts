import { SortOrder } from './ImagePolicySpec';
import { TagOrdering, compareBytes } from './TagOrdering';

/**
 * Flux's `alphabetical` policy: byte order; `asc` chooses the last value,
 * `desc` the first. Every value is allowed; the value is its own key.
 */
export function alphabeticalOrdering(order: SortOrder): TagOrdering<string> {
  const sign: 1 | -1 = order === 'asc' ? 1 : -1;
  return {
    description: `alphabetical ${order}`,
    keyOf: value => value,
    tieBreak: sign,
    keysAreValues: true,
    compareKeys: (a, b) => (a === b ? 0 : sign * compareBytes(a, b)),
  };
}
