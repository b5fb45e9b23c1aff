/*
 * One entity's images decided: scans + the tags in Git + policies → the
 * image rows, the history, the write-back's verdict and the updates due.
 * Pure: everything it needs is handed in, so every rule has a unit test.
 */
import {
  FirstSeenTags,
  PolicyEvaluation,
  TagFacts,
  TagPolicy,
  decideImageUpdate,
} from '@image-automation/plugin-image-automation-common';
import type { CurrentTag } from '@image-automation/plugin-image-automation-node';
import type {
  EntityRecord,
  HistoryEvent,
  ImageRecord,
  RepositoryRecord,
} from '../domain/records';
import type { CycleVerdict, Targets } from '../writeback/decideWriteBack';
import type { PendingUpdate } from '../writeback/WriteBackHandler';

/** One image of an entity, compiled for a cycle. */
export interface CompiledImage {
  name: string;
  image: string;
  repository?: string;
  policy?: TagPolicy;
  /** Why the image cannot be used (bad reference or policy). */
  problem?: string;
}

/** What Git said for the entity this cycle. */
export type GitReading =
  /** The tag each image holds at the base head. */
  | { kind: 'read'; current: Map<string, CurrentTag> }
  /** Reading failed (host error, missing branch, refused repository). */
  | { kind: 'failed'; errorKind: string; message: string };

export interface EntityEvaluationInput {
  entity: EntityRecord;
  compiled: CompiledImage[];
  git: GitReading;
  /** Scan record per image repository. */
  scans: ReadonlyMap<string, RepositoryRecord>;
  /** The entity's images as stored last cycle. */
  previous: ImageRecord[];
  /** When the decisions are made (minimumAge counts from first seen to this). */
  now: number;
  /** The policy's evaluation of a repository's tags (shared across entities). */
  evaluate?: (
    repository: string,
    policy: TagPolicy,
    tags: FirstSeenTags,
  ) => PolicyEvaluation;
  /** Build times of a repository's tags, for policies that order by them. */
  factsOf?: (repository: string, policy: TagPolicy) => TagFacts | undefined;
}

export interface EntityEvaluation {
  images: ImageRecord[];
  history: HistoryEvent[];
  /** What the write-back decides from. */
  verdict: CycleVerdict;
  /** The images due an update, with the tag Git holds now. */
  updates: PendingUpdate[];
}

/**
 * Decides every image of one entity. An image is up to date only when its
 * tag was read from Git; anything that could not be decided (a read,
 * registry, parse or config error, or no allowed tag) makes the verdict
 * `undecided`, which holds the write-back as it is.
 */
export function evaluateEntity(input: EntityEvaluationInput): EntityEvaluation {
  const { entity, git, now } = input;
  const spec = entity.spec;
  if (!spec) {
    return {
      images: [],
      history: [],
      verdict: {
        kind: 'undecided',
        reasons: entity.configProblems.map(p => `${p.key}: ${p.message}`),
      },
      updates: [],
    };
  }
  const configProblem = entity.configProblems.length
    ? entity.configProblems.map(p => `${p.key} ${p.message}`).join('; ')
    : undefined;
  const previous = new Map(input.previous.map(p => [p.imageName, p]));
  const images: ImageRecord[] = [];
  const history: HistoryEvent[] = [];
  const reasons: string[] = [];
  const targets: Targets = {};
  const updates: PendingUpdate[] = [];
  if (configProblem) reasons.push(`config: ${configProblem}`);

  for (const image of input.compiled) {
    const imageSpec = spec.images.find(i => i.name === image.name)!;
    const record: ImageRecord = {
      entityRef: entity.entityRef,
      imageName: image.name,
      repository: image.repository ?? image.image,
      image: image.image,
      policy: image.policy?.describe() ?? 'invalid policy',
      state: 'pending',
      updatedAt: now,
    };
    images.push(record);
    const fail = (errorKind: string, errorMessage: string | undefined) => {
      Object.assign(record, { state: 'error', errorKind, errorMessage });
      reasons.push(`${image.name}: ${errorMessage ?? errorKind}`);
    };
    if (image.problem || !image.policy || !image.repository) {
      fail('config', image.problem);
      continue;
    }
    const here = git.kind === 'read' ? git.current.get(image.name) : undefined;
    // Git unreadable this cycle: the card keeps the tag read last time (the
    // state says error, so it never reads as up to date).
    const before = previous.get(image.name);
    record.currentTag = git.kind === 'read' ? here?.tag : before?.currentTag;
    record.currentFile = git.kind === 'read' ? here?.file : before?.currentFile;
    record.currentLine = git.kind === 'read' ? here?.line : before?.currentLine;

    const scan = input.scans.get(image.repository);
    if (!scan?.tags) {
      if (scan?.lastErrorKind) {
        fail(scan.lastErrorKind, scan.lastErrorMessage);
      } else {
        reasons.push(`${image.name}: not scanned yet`);
      }
      continue;
    }
    const decision = decideImageUpdate({
      policy: image.policy,
      tags: scan.tags,
      evaluation: input.evaluate?.(image.repository, image.policy, scan.tags),
      facts: input.factsOf?.(image.repository, image.policy),
      currentTag: here?.tag,
      allowDowngrade: imageSpec.allowDowngrade,
      minimumAgeMs: imageSpec.minimumAgeMs,
      now,
    });
    record.latestTag = decision.latestTag;
    record.versionsBehind = decision.versionsBehind;
    record.message =
      [
        decision.message,
        here?.disagreement &&
          `files disagree: ${here.file}:${here.line} holds ${here.tag}, ${here.disagreement}; each place moves up to ${decision.latestTag} on its own, none moves down`,
        scan.lastErrorMessage &&
          `last scan failed, using tags from ${new Date(
            scan.lastSuccessAt ?? 0,
          ).toISOString()}: ${scan.lastErrorMessage}`,
      ]
        .filter(Boolean)
        .join('; ') || undefined;
    if (scan.lastErrorKind) {
      // Stored tags still show where the image stands, but a registry that
      // just failed may list too few: no write-back decision rests on them.
      reasons.push(`${image.name}: last scan failed (${scan.lastErrorKind})`);
    }

    if (decision.noAllowedTag) {
      fail(
        'no-allowed-tag',
        `none of the ${decision.noAllowedTag.tagsListed} tags of ${image.repository} is allowed by ${decision.noAllowedTag.policy}: check the policy and the tags the registry lists`,
      );
    } else if (git.kind === 'failed') {
      fail(git.errorKind, git.message);
    } else if (here?.problem || here?.tag === undefined) {
      fail(
        'manifest',
        here?.problem ??
          `the tag of ${image.name} could not be read from Git; check image-automation/files`,
      );
    } else if (configProblem) {
      fail('config', configProblem);
    } else if (decision.updateDue) {
      record.state = 'update-available';
      record.pendingSince =
        before?.latestTag === decision.latestTag && before?.pendingSince
          ? before.pendingSince
          : now;
      if (
        !before ||
        before.latestTag !== decision.latestTag ||
        before.state === 'up-to-date'
      ) {
        history.push({
          entityRef: entity.entityRef,
          imageName: image.name,
          event: 'update-available',
          fromTag: here.tag,
          toTag: decision.latestTag,
          createdAt: now,
        });
      }
      targets[image.name] = decision.latestTag!;
      updates.push({
        imageName: image.name,
        image: image.image,
        fromTag: here.tag,
        toTag: decision.latestTag!,
      });
    } else {
      record.state = 'up-to-date';
    }
  }

  let verdict: CycleVerdict;
  if (reasons.length) verdict = { kind: 'undecided', reasons };
  else if (updates.length) verdict = { kind: 'behind', targets };
  else verdict = { kind: 'current' };
  return { images, history, verdict, updates };
}
