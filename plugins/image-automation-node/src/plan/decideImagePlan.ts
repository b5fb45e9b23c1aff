import {
  DigestSituation,
  FirstSeenTags,
  ImageAutomationSpec,
  TagFacts,
  TagPolicy,
  decideDigest,
  decideImageUpdate,
} from '@image-automation/plugin-image-automation-common';
import { CurrentTag } from './readCurrentTags';

/** What a plan found for one image. */
export interface ImagePlan {
  name: string;
  /** The policy in words, e.g. `semver ^1.0.0`; absent when it is invalid. */
  policy?: string;
  /** The tag the files hold now. */
  currentTag?: string;
  /** The tag the files should hold: the newest allowed, or the current one when that is newer. */
  targetTag?: string;
  /** The digest pinned beside `targetTag`, where the files pin one. */
  targetDigest?: string;
  /** True when `targetTag` differs from the tag in the files and a pull request would change it. */
  updateDue: boolean;
  /** Things the user should know that do not stop the plan. */
  notes: string[];
  /** Why no decision could be made; the plan exits 1. */
  error?: string;
}

/**
 * Decides one image with the backend's own rule ({@link decideImageUpdate}):
 * newest allowed tag, never below the tag in the files unless
 * `allowDowngrade`. Pure.
 *
 * A plan has no first-seen times, so every tag counts as seen long ago and
 * `minimumAge` cannot hold anything back; a note says so.
 */
export function decideImagePlan(input: {
  image: ImageAutomationSpec;
  policy: TagPolicy;
  /** `registry/repository`, for messages. */
  repository: string;
  tags: readonly string[];
  current: CurrentTag;
  /** Build times, for a newest-build policy. */
  facts?: TagFacts;
}): ImagePlan {
  const { image, policy, current } = input;
  const plan: ImagePlan = {
    name: image.name,
    policy: policy.describe(),
    currentTag: current.tag,
    updateDue: false,
    notes: [],
  };
  if (current.problem) return { ...plan, error: current.problem };

  const decision = decideImageUpdate({
    policy,
    tags: FirstSeenTags.listed(input.tags, undefined, 0),
    currentTag: current.tag,
    allowDowngrade: image.allowDowngrade,
    now: 0,
    facts: input.facts,
  });
  if (decision.noAllowedTag) {
    const { tagsListed } = decision.noAllowedTag;
    return {
      ...plan,
      error:
        `none of the ${tagsListed} tag${tagsListed === 1 ? '' : 's'} of ${
          input.repository
        } is allowed by ${plan.policy}: ` +
        'check the policy and the tags the registry lists',
    };
  }

  if (image.minimumAgeMs !== undefined) {
    plan.notes.push(
      `minimumAge ${formatDuration(
        image.minimumAgeMs,
      )} is not applied: a plan has no first-seen times of tags ` +
        '(the backend stores them), so the backend may hold a new tag back for that long',
    );
  }
  const unknown = Object.entries(input.facts?.createdUnknown ?? {});
  if (unknown.length) {
    const [tag, reason] = unknown.sort(([a], [b]) => (a < b ? -1 : 1))[0];
    plan.notes.push(
      `${unknown.length} tag${
        unknown.length === 1 ? ' has' : 's have'
      } no known build time and ${
        unknown.length === 1 ? 'is' : 'are'
      } left out (${tag}: ${reason})`,
    );
  }
  if (decision.message) plan.notes.push(decision.message);
  if (current.disagreement) {
    plan.notes.push(
      `the files disagree: ${current.where} holds ${current.tag}, ${current.disagreement}; every place is set to the same tag`,
    );
  }
  return {
    ...plan,
    targetTag: decision.latestTag,
    updateDue: decision.updateDue,
  };
}

/**
 * Where the files pin a digest for the image, what the backend weighs to
 * keep that pin current (see planDigestLookup); undefined when nothing is
 * pinned or the image could not be planned.
 */
export function pinnedDigestSituation(
  image: ImageAutomationSpec,
  current: CurrentTag,
  plan: ImagePlan,
): DigestSituation | undefined {
  if (plan.error || !current.pinsDigest) return undefined;
  return {
    reflection: image.digestReflectionPolicy,
    pinsDigest: true,
    currentTag: current.tag,
    currentDigest: current.digest,
    chosenTag: plan.targetTag,
  };
}

/**
 * The plan with the digest to pin beside its target tag, given what the
 * registry answered for the lookup the situation asked for (if any): the
 * backend's rule ({@link decideDigest}), so a tag pushed again with a new
 * digest is an update of its own. Pure.
 */
export function withPinnedDigest(
  plan: ImagePlan,
  situation: DigestSituation,
  resolved: string | undefined,
): ImagePlan {
  const decision = decideDigest(situation, resolved);
  return {
    ...plan,
    targetDigest: decision.digest,
    updateDue: plan.updateDue || decision.digestUpdateDue,
    notes: decision.message ? [...plan.notes, decision.message] : plan.notes,
  };
}

/** `90m`, `2h`, `3d`: the largest unit that keeps the value whole. */
export function formatDuration(ms: number): string {
  const units: Array<[string, number]> = [
    ['d', 86_400_000],
    ['h', 3_600_000],
    ['m', 60_000],
    ['s', 1_000],
  ];
  for (const [unit, size] of units) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
