import type {
  ChangeDestination,
  EntityImageAutomation,
  HistoryEntry,
  ImageState,
  ImageStatus,
  OverviewEntry,
  PullRequestInfo,
} from '@image-automation/plugin-image-automation-common';
import { IMAGE_STATES } from '@image-automation/plugin-image-automation-common';
import {
  EntityRecord,
  EntityView,
  HistoryEvent,
  ImageRecord,
  WriteBackRecord,
} from '../domain/records';
import { changeOf, imageChangeOf } from './changeDestination';

const iso = (ms?: number) =>
  ms === undefined ? undefined : new Date(ms).toISOString();

export function pullRequestOf(
  writeBack?: WriteBackRecord,
): PullRequestInfo | undefined {
  if (!writeBack?.prNumber || !writeBack.prUrl || !writeBack.prState)
    return undefined;
  return {
    number: writeBack.prNumber,
    url: writeBack.prUrl,
    state: writeBack.prState,
    branch: writeBack.branch,
  };
}

export function imageStatusOf(
  image: ImageRecord & { lastPush?: EntityView['images'][number]['lastPush'] },
  lastScanAt: number | undefined,
  writeBack?: WriteBackRecord,
  change?: ChangeDestination,
): ImageStatus {
  const pullRequest = pullRequestOf(writeBack);
  return {
    name: image.imageName,
    image: image.repository,
    policy: image.policy,
    state: image.state,
    currentTag: image.currentTag,
    currentSource:
      image.currentFile && image.currentLine
        ? { file: image.currentFile, line: image.currentLine }
        : undefined,
    latestTag: image.latestTag,
    versionsBehind: image.versionsBehind,
    pendingSince: iso(image.pendingSince),
    lastScanAt: iso(lastScanAt),
    digest: image.digest,
    lastPushEvent: image.lastPush && {
      receivedAt: iso(image.lastPush.receivedAt)!,
      provider: image.lastPush.provider,
      tag: image.lastPush.tag,
      pending: image.lastPush.pending,
    },
    error:
      image.errorKind || image.errorMessage
        ? {
            kind: image.errorKind ?? 'error',
            message: image.errorMessage ?? 'unknown error',
          }
        : undefined,
    message: image.message,
    // Only a pull request that carries this image's pending tag is "its" PR.
    pullRequest:
      pullRequest && (image.state === 'pr-open' || pullRequest.state !== 'open')
        ? pullRequest
        : undefined,
    change: imageChangeOf(image.imageName, change, writeBack),
  };
}

export function entityResponseOf(view: EntityView): EntityImageAutomation {
  const { entity, images, writeBack } = view;
  const change = changeOf(entity.mode, writeBack);
  return {
    entityRef: entity.entityRef,
    mode: entity.mode,
    repository: entity.gitRepository,
    gitHost: writeBack?.hostKind,
    change,
    images: images.map(i => imageStatusOf(i, i.lastScanAt, writeBack, change)),
    configProblems: entity.configProblems,
    lastCheckedAt: iso(entity.lastCheckedAt),
  };
}

export function overviewEntryOf(
  entity: EntityRecord,
  images: ImageRecord[],
  writeBack?: WriteBackRecord,
): OverviewEntry {
  const counts = Object.fromEntries(IMAGE_STATES.map(s => [s, 0])) as Record<
    ImageState,
    number
  >;
  for (const image of images) counts[image.state]++;
  const pending = images
    .map(i => i.pendingSince)
    .filter((p): p is number => p !== undefined);
  const pullRequest = pullRequestOf(writeBack);
  return {
    entityRef: entity.entityRef,
    mode: entity.mode,
    title: entity.title,
    owner: entity.owner,
    system: entity.system,
    images: [...new Set(images.map(i => i.repository))],
    registries: [...new Set(images.map(i => registryOf(i.repository)))],
    counts,
    imagesBehind: counts['update-available'] + counts['pr-open'],
    oldestPendingSince: pending.length ? iso(Math.min(...pending)) : undefined,
    openPullRequests: pullRequest?.state === 'open' ? [pullRequest] : [],
    repository: entity.gitRepository,
    change: changeOf(entity.mode, writeBack),
    errors: counts.error + (entity.configProblems.length ? 1 : 0),
    lastCheckedAt: iso(entity.lastCheckedAt),
  };
}

export function registryOf(repository: string): string {
  return repository.split('/')[0];
}

export function historyEntryOf(
  event: HistoryEvent & { id: string },
): HistoryEntry {
  return {
    id: event.id,
    event: event.event,
    at: new Date(event.createdAt).toISOString(),
    imageName: event.imageName,
    fromTag: event.fromTag,
    toTag: event.toTag,
    prNumber: event.prNumber,
    commitSha: event.commitSha,
    detail: event.detail,
  };
}
