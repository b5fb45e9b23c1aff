import type { DigestReflectionPolicy } from '../config/types';

/** What Git holds and what the tag decision chose, for one image. */
export interface DigestSituation {
  /** As written in the full form; unset means "as Git asks" (see below). */
  reflection?: DigestReflectionPolicy;
  /** Some file pins a digest for this image (a `:digest` setter, `name:tag@sha256:…`). */
  pinsDigest: boolean;
  /** The tag Git holds now. */
  currentTag?: string;
  /** The digest Git holds now, when it pins one. */
  currentDigest?: string;
  /** The tag the tag decision wants in Git (the current one when no update is due). */
  chosenTag?: string;
}

/** Whether the chosen tag's digest must be read from the registry this cycle. */
export type DigestLookup =
  | { lookup: true; tag: string }
  | { lookup: false; problem?: string };

/** What to write for the digest, once it is known. */
export interface DigestDecision {
  /** The digest Git should hold with the chosen tag; undefined: write none. */
  digest?: string;
  /** True when only the digest moved (the same tag pushed again): an update of its own. */
  digestUpdateDue: boolean;
  message?: string;
}

/**
 * The policy in force: Flux's `digestReflectionPolicy`, except that unset
 * follows Git. Flux defaults to `Never`, which would write a new tag beside
 * an old pinned digest; here a file that pins a digest reads as
 * `IfNotPresent` and one that does not as `Never`.
 */
export function effectiveReflection(
  situation: Pick<DigestSituation, 'reflection' | 'pinsDigest'>,
): DigestReflectionPolicy {
  return (
    situation.reflection ?? (situation.pinsDigest ? 'IfNotPresent' : 'Never')
  );
}

/**
 * Whether this cycle needs a HEAD for the chosen tag (never more than one
 * per tag): `Always` asks every cycle, so that a tag pushed again is seen;
 * `IfNotPresent` only when the tag changes or Git pins no digest yet;
 * `Never` not at all. `Never` while Git pins a digest is a problem: the pin
 * would go stale beside a new tag.
 */
export function planDigestLookup(situation: DigestSituation): DigestLookup {
  const reflection = effectiveReflection(situation);
  if (!situation.chosenTag) return { lookup: false };
  if (reflection === 'Never') {
    return situation.pinsDigest
      ? {
          lookup: false,
          problem:
            'Git pins a digest for this image but digestReflectionPolicy is Never, so the pin would go stale beside a new tag; set digestReflectionPolicy to IfNotPresent or Always, or remove the digest from the files',
        }
      : { lookup: false };
  }
  if (
    reflection === 'IfNotPresent' &&
    situation.chosenTag === situation.currentTag &&
    situation.currentDigest
  ) {
    return { lookup: false };
  }
  return { lookup: true, tag: situation.chosenTag };
}

/**
 * The digest to write with the chosen tag, given the registry's answer to
 * the lookup `planDigestLookup` asked for (`resolved`), if any.
 */
export function decideDigest(
  situation: DigestSituation,
  resolved?: string,
): DigestDecision {
  const reflection = effectiveReflection(situation);
  if (reflection === 'Never' || !situation.chosenTag) {
    return { digestUpdateDue: false };
  }
  const sameTag = situation.chosenTag === situation.currentTag;
  if (!resolved) {
    // IfNotPresent keeps what Git holds while the tag stays.
    return sameTag && situation.currentDigest
      ? { digest: situation.currentDigest, digestUpdateDue: false }
      : { digestUpdateDue: false };
  }
  if (!sameTag) return { digest: resolved, digestUpdateDue: false };
  if (resolved === situation.currentDigest) {
    return { digest: resolved, digestUpdateDue: false };
  }
  return {
    digest: resolved,
    // IfNotPresent reads only when Git has no digest yet: adding it is the update.
    digestUpdateDue: true,
    message: situation.currentDigest
      ? `${
          situation.chosenTag
        } was pushed again: its digest is now ${shortDigest(
          resolved,
        )} (Git pins ${shortDigest(situation.currentDigest)})`
      : `pinning ${situation.chosenTag} to its digest ${shortDigest(resolved)}`,
  };
}

/** `sha256:0123456789ab`: the first 12 hex digits, as registries and Docker show digests. */
export function shortDigest(digest: string): string {
  const colon = digest.indexOf(':');
  return `${digest.slice(0, colon + 1)}${digest.slice(colon + 1, colon + 13)}`;
}
