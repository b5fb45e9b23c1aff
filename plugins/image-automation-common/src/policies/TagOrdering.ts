/**
 * Why a value has no place in an ordering: either it cannot be read at all
 * (`unreadableAs`, e.g. "a number") or it can but is ruled out (`reason`).
 * A class, so that keys of any type (even strings) can be told apart from
 * rejections with `instanceof`, and common rejections can be allocated once.
 */
export class Rejection {
  private constructor(
    readonly reason: string | undefined,
    readonly unreadableAs: string | undefined,
  ) {}

  static because(reason: string): Rejection {
    return new Rejection(reason, undefined);
  }

  static unreadableAs(what: string): Rejection {
    return new Rejection(undefined, what);
  }
}

/**
 * One policy kind (semver, alphabetical, numerical): turns the value of a tag
 * (the tag itself or what the filter extracted from it) into a sort key.
 * Keys are compared so that a positive result means `a` is the better tag.
 */
export interface TagOrdering<K> {
  readonly description: string;
  keyOf(value: string): K | Rejection;
  compareKeys(a: K, b: K): number;
  /**
   * How two values with equal keys are ordered: 1 when the value later in
   * byte order is the better one, -1 when the earlier. Flux sorts the tags
   * by descending bytes before choosing: its semver policy keeps the first
   * of equal versions it meets (`v1.0.0` over `1.0.0`), its numerical policy
   * the last of equal numbers (`007` over `07` and `7`, in either order).
   * Alphabetical keys are the values themselves; there `tieBreak` is the
   * direction of the byte order, used to sort the tags natively.
   */
  readonly tieBreak: 1 | -1;
  /** True when the key of a value is the value itself, ordered by bytes in the `tieBreak` direction. */
  readonly keysAreValues?: boolean;
}

/** Byte order of two ASCII strings (tags are ASCII once OCI-validated). */
export function compareBytes(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
