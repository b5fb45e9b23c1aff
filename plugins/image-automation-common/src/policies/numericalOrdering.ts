import { SortOrder } from './ImagePolicySpec';
import { Rejection, TagOrdering } from './TagOrdering';

/**
 * Decimal numbers as Go's strconv.ParseFloat reads them (Flux's parser),
 * less the spellings a tag never carries in practice (hex floats, Inf, NaN).
 */
const DECIMAL_NUMBER =
  /^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?$/;

/**
 * Flux's `numerical` policy: `asc` chooses the highest number, `desc` the
 * lowest. Of equal numbers (`7`, `07`, `7.0`) Flux keeps the one it meets
 * last in descending byte order, whatever the order: the value earliest in
 * byte order. Unlike Flux, a value that is not a number is skipped (with its
 * reason) instead of failing the whole policy.
 */
export function numericalOrdering(order: SortOrder): TagOrdering<number> {
  const sign: 1 | -1 = order === 'asc' ? 1 : -1;
  const unreadable = Rejection.unreadableAs('a number');
  const tooLarge = Rejection.because('the number is too large');
  return {
    description: `numerical ${order}`,
    keyOf(value) {
      if (!DECIMAL_NUMBER.test(value)) return unreadable;
      const number = Number(value);
      return Number.isFinite(number) ? number : tooLarge;
    },
    tieBreak: -1,
    compareKeys: (a, b) => (a === b ? 0 : sign * Math.sign(a - b)),
  };
}
