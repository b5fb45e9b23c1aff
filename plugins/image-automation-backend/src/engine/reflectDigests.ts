/*
 * Digest pinning over one entity's evaluation: which chosen tags need their
 * digest read, and what the readings change (a digest to show and write, a
 * re-pushed tag as an update of its own, a lookup failure or a `Never` that
 * would leave a pin stale as the image's error). Pure.
 */
import {
  AutomationSpec,
  DigestSituation,
  decideDigest,
  planDigestLookup,
} from '@image-automation/plugin-image-automation-common';
import type { CurrentTag } from '@image-automation/plugin-image-automation-node';
import type { ImageRecord } from '../domain/records';
import type { EntityEvaluation } from './evaluateEntity';

/** A chosen tag whose digest this cycle must read. */
export interface DigestLookupRequest {
  imageName: string;
  /** `registry/path`. */
  repository: string;
  tag: string;
}

/** What the registry answered for one lookup. */
export type DigestReading =
  | { digest: string }
  | { errorKind: string; message: string };

function situationOf(
  spec: AutomationSpec,
  imageName: string,
  chosenTag: string | undefined,
  here: CurrentTag | undefined,
): DigestSituation | undefined {
  const image = spec.images.find(i => i.name === imageName);
  // Digests are written only where a file pins one: an unpinned image
  // stays as it is, whatever the policy says.
  if (!image || !here?.pinsDigest) return undefined;
  return {
    reflection: image.digestReflectionPolicy,
    pinsDigest: true,
    currentTag: here.tag,
    currentDigest: here.digest,
    chosenTag,
  };
}

/** The lookups the evaluated images need: at most one per image. */
export function digestLookupsOf(
  spec: AutomationSpec,
  evaluation: EntityEvaluation,
  current: ReadonlyMap<string, CurrentTag>,
): DigestLookupRequest[] {
  const lookups: DigestLookupRequest[] = [];
  for (const record of evaluation.images) {
    if (record.state !== 'up-to-date' && record.state !== 'update-available')
      continue;
    const situation = situationOf(
      spec,
      record.imageName,
      record.latestTag,
      current.get(record.imageName),
    );
    if (!situation) continue;
    const plan = planDigestLookup(situation);
    if (plan.lookup) {
      lookups.push({
        imageName: record.imageName,
        repository: record.repository,
        tag: plan.tag,
      });
    }
  }
  return lookups;
}

/**
 * Folds the readings into the evaluation, in place: each pinned image gets
 * its digest; `Always` turns a digest that moved under the same tag into an
 * update; a failed lookup, or `Never` beside a pin, is the image's error and
 * holds the write-back (the verdict becomes undecided). A re-push already
 * pending in `previous` (the images as stored) keeps its `pendingSince` and
 * is not recorded in the history again, as a new tag's update is not.
 */
export function reflectDigests(
  spec: AutomationSpec,
  evaluation: EntityEvaluation,
  current: ReadonlyMap<string, CurrentTag>,
  readings: ReadonlyMap<string, DigestReading>,
  now: number,
  previous: readonly ImageRecord[],
): void {
  const reasons: string[] = [];
  const repushed: Array<{
    imageName: string;
    image: string;
    tag: string;
    known: boolean;
  }> = [];
  for (const record of evaluation.images) {
    if (record.state !== 'up-to-date' && record.state !== 'update-available')
      continue;
    const here = current.get(record.imageName);
    const situation = situationOf(
      spec,
      record.imageName,
      record.latestTag,
      here,
    );
    if (!situation) continue;
    const fail = (errorKind: string, message: string) => {
      Object.assign(record, {
        state: 'error',
        errorKind,
        errorMessage: message,
      });
      reasons.push(`${record.imageName}: ${message}`);
    };
    const plan = planDigestLookup(situation);
    if (!plan.lookup && plan.problem) {
      fail('config', plan.problem);
      continue;
    }
    const reading = readings.get(record.imageName);
    if (plan.lookup && (!reading || 'errorKind' in reading)) {
      fail(
        reading && 'errorKind' in reading
          ? reading.errorKind
          : 'registry-unexpected',
        `the digest of ${
          record.latestTag
        } could not be read, so the pinned digest cannot be kept current: ${
          reading && 'message' in reading ? reading.message : 'no answer'
        }`,
      );
      continue;
    }
    const decision = decideDigest(
      situation,
      reading && 'digest' in reading ? reading.digest : undefined,
    );
    record.digest = decision.digest;
    if (decision.digestUpdateDue && record.state === 'up-to-date') {
      const before = previous.find(p => p.imageName === record.imageName);
      const known =
        (before?.state === 'update-available' || before?.state === 'pr-open') &&
        before.latestTag === record.latestTag &&
        before.digest === decision.digest;
      record.state = 'update-available';
      record.pendingSince = (known && before?.pendingSince) || now;
      record.message = [record.message, decision.message]
        .filter(Boolean)
        .join('; ');
      repushed.push({
        imageName: record.imageName,
        image: spec.images.find(i => i.name === record.imageName)!.image,
        tag: record.latestTag!,
        known,
      });
    }
  }

  const updates = evaluation.updates.filter(
    u =>
      evaluation.images.find(i => i.imageName === u.imageName)?.state !==
      'error',
  );
  for (const r of repushed) {
    updates.push({
      imageName: r.imageName,
      image: r.image,
      fromTag: r.tag,
      toTag: r.tag,
    });
    if (r.known) continue;
    evaluation.history.push({
      entityRef: evaluation.images[0].entityRef,
      imageName: r.imageName,
      event: 'update-available',
      fromTag: r.tag,
      toTag: r.tag,
      detail: 'the tag was pushed again with a new digest',
      createdAt: now,
    });
  }
  evaluation.updates = updates;

  const verdict = evaluation.verdict;
  if (reasons.length) {
    evaluation.verdict = {
      kind: 'undecided',
      reasons: [
        ...(verdict.kind === 'undecided' ? verdict.reasons : []),
        ...reasons,
      ],
    };
  } else if (repushed.length && verdict.kind !== 'undecided') {
    const targets = verdict.kind === 'behind' ? { ...verdict.targets } : {};
    for (const r of repushed) targets[r.imageName] = r.tag;
    evaluation.verdict = { kind: 'behind', targets };
  }
}
