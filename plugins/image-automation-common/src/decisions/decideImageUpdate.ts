import type { PolicyEvaluation, TagFacts, TagPolicy } from '../policies';
import {
  compareSemanticVersions,
  parseSemanticVersion,
} from '../policies/semver/SemanticVersion';

/**
 * What the registry holds for one image repository (FirstSeenTags is one).
 * @public
 */
export interface ListedTags {
  /** Every tag listed, once each. */
  readonly tags: readonly string[];
  /** When this plugin first saw `tag` (epoch ms); undefined when it is not listed. */
  firstSeen(tag: string): number | undefined;
}

/** @public */
export interface DecisionInput {
  policy: TagPolicy;
  tags: ListedTags;
  /** The tag Git holds now; undefined when it could not be read. */
  currentTag?: string;
  allowDowngrade: boolean;
  minimumAgeMs?: number;
  now: number;
  /**
   * The policy's evaluation of exactly these tags, when the caller already
   * has it: entities sharing a repository and policy share one evaluation.
   */
  evaluation?: PolicyEvaluation;
  /** Build times, for policies that order by them (newestBuild). */
  facts?: TagFacts;
}

/** The decision for one image; pure, so every safety rule is unit-tested. */
export interface Decision {
  /** The tag Git should hold: the newest allowed, matured tag. */
  latestTag?: string;
  /** True when `latestTag` differs from the tag in Git and should be written. */
  updateDue: boolean;
  /** Allowed tags ordered above the tag in Git. */
  versionsBehind?: number;
  /** When the proposed tag was first seen. */
  pendingSince?: number;
  /** Why a newer tag is held back, or why nothing is proposed. */
  message?: string;
  /** No tag satisfies the policy at all. */
  noAllowedTag?: { tagsListed: number; policy: string };
}

/**
 * Chooses the tag Git should hold for one image, safely:
 * - only tags the policy allows, newest first;
 * - a tag younger than `minimumAgeMs` (since first seen) is held back;
 * - never a tag the policy orders below the one in Git, unless
 *   `allowDowngrade`: a deleted tag or a registry that briefly lists fewer
 *   tags must not roll a service back.
 */
export function decideImageUpdate(input: DecisionInput): Decision {
  const { policy, tags, currentTag, now } = input;
  // Candidates are listed tags; one that were not would count as just seen.
  const seenAt = (tag: string) => tags.firstSeen(tag) ?? now;
  const evaluation =
    input.evaluation ?? policy.evaluate(tags.tags, input.facts);
  const candidates = evaluation.candidates;
  if (candidates.length === 0) {
    return {
      updateDue: false,
      noAllowedTag: { tagsListed: tags.tags.length, policy: policy.describe() },
    };
  }

  const minimumAge = input.minimumAgeMs ?? 0;
  const matured = candidates.find(tag => seenAt(tag) + minimumAge <= now);
  const heldBack = candidates[0] !== matured ? candidates[0] : undefined;
  const heldBackMessage = heldBack
    ? `${heldBack} is held back until ${new Date(
        seenAt(heldBack) + minimumAge,
      ).toISOString()} (minimum age ${formatAge(minimumAge)})`
    : undefined;

  if (!matured) {
    return { updateDue: false, message: heldBackMessage };
  }

  const behind =
    currentTag === undefined
      ? undefined
      : countAbove(policy, candidates, currentTag, input.facts);
  const decision: Decision = {
    latestTag: matured,
    updateDue: false,
    versionsBehind: behind,
    message: heldBackMessage,
  };
  if (currentTag === undefined || currentTag === matured) return decision;

  const order = compareTags(policy, matured, currentTag, input.facts);
  if (order !== undefined && order <= 0 && !input.allowDowngrade) {
    return {
      ...decision,
      latestTag: currentTag,
      versionsBehind: 0,
      message: `Git holds ${currentTag}, which the policy orders at or above ${matured}, the newest allowed tag the registry lists; not downgrading (set allowDowngrade to allow it)`,
    };
  }
  return {
    ...decision,
    updateDue: true,
    pendingSince: seenAt(matured),
    versionsBehind: Math.max(behind ?? 1, 1),
  };
}

/** Allowed tags ordered strictly above `current`. */
function countAbove(
  policy: TagPolicy,
  candidates: string[],
  current: string,
  facts?: TagFacts,
): number {
  const index = candidates.indexOf(current);
  if (index >= 0) return index;
  return candidates.filter(
    tag => (compareTags(policy, tag, current, facts) ?? 1) > 0,
  ).length;
}

/**
 * The policy's order of two tags (> 0 when `a` is newer). A semver policy's range is a filter, not an
 * order: a tag in Git outside the range (say 2.0.0 under `<2.0.0`) is still
 * ordered by semver, so the range can never cause a downgrade. It is read by
 * the policy's own Flux-compatible reader, so a tag orders the same inside
 * and outside the range (`2024.01-rc.1` is 2024.1.0-rc.1 in both).
 * @public
 */
export function compareTags(
  policy: TagPolicy,
  a: string,
  b: string,
  facts?: TagFacts,
): number | undefined {
  const byPolicy = policy.compare(a, b, facts);
  if (byPolicy !== undefined || !policy.spec.semver) return byPolicy;
  const va = parseSemanticVersion(a);
  const vb = parseSemanticVersion(b);
  return va && vb ? compareSemanticVersions(va, vb) : undefined;
}

function formatAge(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 120) return `${minutes}m`;
  const hours = Math.round(minutes / 60);
  return hours < 48 ? `${hours}h` : `${Math.round(hours / 24)}d`;
}
