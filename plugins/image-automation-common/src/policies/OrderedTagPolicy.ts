import { describeInvalidTag, isValidTag } from '../tags/ociTag';
import { ImagePolicySpec } from './ImagePolicySpec';
import { TagFilter } from './TagFilter';
import { Rejection, TagOrdering, compareBytes } from './TagOrdering';
import { ExcludedTag, PolicyEvaluation, TagPolicy } from './TagPolicy';
import { isSignatureTag } from './signatureTags';

const SIGNATURE_TAG = Rejection.because('signature/attestation tag');

/**
 * An evaluation that ranks its allowed tags when `candidates` is first
 * read: sorting every allowed tag costs more than choosing the latest one,
 * and some callers only want the latest. A getter of the class, not one
 * defined on each evaluation: accessors defined per object gave every
 * evaluation a hidden class of its own, which V8 allocates in the old
 * generation, so a cycle's evaluations outlived it until a full GC.
 */
class RankedOnRead implements PolicyEvaluation {
  declare latest?: string;
  #candidates?: string[];
  #rank?: () => string[];

  constructor(
    readonly excluded: ExcludedTag[],
    latest: string | undefined,
    rank: () => string[],
  ) {
    if (latest !== undefined) this.latest = latest;
    this.#rank = rank;
  }

  get candidates(): string[] {
    if (this.#candidates === undefined) {
      this.#candidates = this.#rank!();
      this.#rank = undefined;
    }
    return this.#candidates;
  }

  set candidates(value: string[]) {
    this.#candidates = value;
    this.#rank = undefined;
  }

  /** What JSON.stringify wrote when `candidates` was a property of each evaluation. */
  toJSON(): PolicyEvaluation {
    return {
      ...(this.latest !== undefined && { latest: this.latest }),
      candidates: this.candidates,
      excluded: this.excluded,
    };
  }
}

/**
 * A policy as a pipeline every tag goes through, in this order: OCI tag
 * grammar, signature/attestation tags, the filter (and extraction), then the
 * policy kind's ordering. The first step that refuses a tag gives its reason.
 */
export class OrderedTagPolicy<K> implements TagPolicy {
  constructor(
    readonly spec: ImagePolicySpec,
    private readonly ordering: TagOrdering<K>,
    private readonly filter: TagFilter | undefined,
  ) {
    this.filterMismatch = Rejection.because(
      `does not match filter ${filter?.pattern}`,
    );
  }

  private readonly filterMismatch: Rejection;

  describe(): string {
    if (!this.filter) return this.ordering.description;
    const extract = this.spec.filterTags?.extract;
    return `${this.ordering.description}, tags filtered by ${
      this.filter.pattern
    }${extract ? ` extracting ${extract}` : ''}`;
  }

  compare(a: string, b: string): number | undefined {
    const first = this.assess(a);
    const second = this.assess(b);
    if (first instanceof Rejection || second instanceof Rejection) {
      return undefined;
    }
    // Tags the policy ranks alike (v1.0.0 and 1.0.0) compare equal here, so
    // callers never propose a change between them; only the ranking in
    // evaluate breaks such ties, to stay independent of input order.
    return this.ordering.compareKeys(first, second);
  }

  evaluate(tags: readonly string[]): PolicyEvaluation {
    const allowedTags: string[] = [];
    const allowedKeys: K[] = [];
    // The extracted values, only when they differ from the tags.
    const allowedValues: string[] | undefined = this.filter?.extracts
      ? []
      : undefined;
    const excluded: ExcludedTag[] = [];
    let best = -1;
    for (const tag of tags) {
      const key = this.assess(tag);
      if (key instanceof Rejection) {
        excluded.push({ tag, reason: key.reason! });
        continue;
      }
      const index = allowedTags.push(tag) - 1;
      allowedKeys.push(key);
      allowedValues?.push(this.assessedValue);
      if (
        best === -1 ||
        this.compareAllowed(
          tag,
          key,
          allowedValues?.[index],
          allowedTags[best],
          allowedKeys[best],
          allowedValues?.[best],
        ) > 0
      ) {
        best = index;
      }
    }
    return new RankedOnRead(
      excluded,
      best === -1 ? undefined : allowedTags[best],
      () => this.rank(allowedTags, allowedKeys, allowedValues),
    );
  }

  private rank(
    tags: string[],
    keys: K[],
    values: string[] | undefined,
  ): string[] {
    if (this.ordering.keysAreValues && !values) {
      // Byte order of the tags themselves: the engine's native string sort
      // is several times faster than any comparator.
      const ascending = tags.slice().sort();
      const ranked =
        this.ordering.tieBreak === 1 ? ascending.reverse() : ascending;
      return ranked.filter(
        (tag, index) => index === 0 || tag !== ranked[index - 1],
      );
    }
    const entries = tags.map((tag, index) => ({
      tag,
      key: keys[index],
      value: values?.[index],
    }));
    entries.sort((x, y) =>
      this.compareAllowed(y.tag, y.key, y.value, x.tag, x.key, x.value),
    );
    const ranked: string[] = [];
    for (const { tag } of entries) {
      // Equal tags sort next to each other; a tag listed twice is ranked once.
      if (ranked[ranked.length - 1] !== tag) ranked.push(tag);
    }
    return ranked;
  }

  /**
   * A total order of allowed tags, so the choice never depends on the order
   * the registry lists them in. Ties are settled as Flux settles them after
   * sorting the tags by descending bytes: first the ordering's own rule on
   * the values it orders, then, for tags extracting the very same value, the
   * tag earlier in byte order (Flux's filter maps each value to the tag it
   * met last).
   */
  private compareAllowed(
    a: string,
    aKey: K,
    aValue: string | undefined,
    b: string,
    bKey: K,
    bValue: string | undefined,
  ): number {
    return (
      this.ordering.compareKeys(aKey, bKey) ||
      this.ordering.tieBreak * compareBytes(aValue ?? a, bValue ?? b) ||
      compareBytes(b, a)
    );
  }

  /** The value the last allowed tag was ordered by (the tag, or what the filter extracted). */
  private assessedValue = '';

  /** The tag's sort key, or why the policy does not allow it (the reason is always set). */
  private assess(tag: string): K | Rejection {
    if (!isValidTag(tag)) {
      return Rejection.because(
        `not a valid OCI tag: ${describeInvalidTag(tag)}`,
      );
    }
    if (isSignatureTag(tag)) return SIGNATURE_TAG;
    let value = tag;
    if (this.filter) {
      const filtered = this.filter.apply(tag);
      if (filtered === undefined) return this.filterMismatch;
      value = filtered;
    }
    this.assessedValue = value;
    const key = this.ordering.keyOf(value);
    if (!(key instanceof Rejection) || key.reason !== undefined) return key;
    return Rejection.because(
      this.filter?.extracts
        ? `extracted value ${JSON.stringify(value)} is not ${key.unreadableAs}`
        : `not ${key.unreadableAs}`,
    );
  }
}
