import { ImagePolicySpec } from './ImagePolicySpec';

/** A tag the policy did not allow, and why, in plain words. @public */
export interface ExcludedTag {
  tag: string;
  reason: string;
}

/** @public */
export interface PolicyEvaluation {
  /** The original tag string chosen (never the extracted value). */
  latest?: string;
  /** Every allowed tag, best first, so a tag's index is how many versions behind it is. */
  candidates: string[];
  excluded: ExcludedTag[];
}

/**
 * What the registry told about the tags beyond their names. Only the
 * newest-build kind reads it; the others order tags by name alone.
 * @public
 */
export interface TagFacts {
  /** Tag → when its image was built (epoch ms); a tag not here has no known build time. */
  created?: Readonly<Record<string, number>>;
  /** Tag → why its build time is not known, e.g. the config has no `created`. */
  createdUnknown?: Readonly<Record<string, string>>;
}

/**
 * A validated policy, ready to choose among tags. Pure: the same tags in any
 * order give the same evaluation.
 * @public
 */
export interface TagPolicy {
  readonly spec: ImagePolicySpec;
  evaluate(tags: readonly string[], facts?: TagFacts): PolicyEvaluation;
  /**
   * Negative if `a` is ordered before (worse than) `b`, positive if after
   * (better), 0 if the policy ranks them alike (`v1.0.0` and `1.0.0`, `1`
   * and `01`, tags extracting the same value); undefined if either tag is
   * not allowed by the policy or its filter.
   */
  compare(a: string, b: string, facts?: TagFacts): number | undefined;
  /** Plain words for the card, e.g. `semver >=1.4.0 <2.0.0`. */
  describe(): string;
}
