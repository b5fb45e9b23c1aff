import {
  type ChangeDestination,
  type WriteBackMode,
  changeRequestReference,
} from '@image-automation/plugin-image-automation-common';
import type { WriteBackRecord } from '../domain/records';

const SHORT_SHA = 7;

/**
 * Where the entity's last change went, as the write-back recorded it: its
 * pull or merge request (in the host's own reference form), or — for what
 * was pushed (`push`, `push-branch`, and a branch whose change request is
 * not open yet) — the branch and the commit. Undefined before the first write.
 */
export function changeOf(
  mode: WriteBackMode,
  writeBack: WriteBackRecord | undefined,
): ChangeDestination | undefined {
  if (!writeBack) return undefined;
  const { branch, lastCommitSha: commitSha, hostKind } = writeBack;
  const pushed = writeBack.state === 'pushed';
  if (!pushed && writeBack.prNumber && writeBack.prUrl && writeBack.prState) {
    return {
      kind: hostKind === 'gitlab' ? 'merge-request' : 'pull-request',
      reference: changeRequestReference(hostKind, writeBack.prNumber),
      url: writeBack.prUrl,
      branch,
      commitSha,
      number: writeBack.prNumber,
      state: writeBack.prState,
    };
  }
  if (!commitSha) return undefined;
  return {
    // Push mode's branch is the base itself: the change is the commit.
    kind: pushed && mode === 'push' ? 'commit' : 'branch',
    reference: commitSha.slice(0, SHORT_SHA),
    branch,
    commitSha,
  };
}

/** The entity's change as one image's: only a change that carried a tag of that image is its. */
export function imageChangeOf(
  imageName: string,
  change: ChangeDestination | undefined,
  writeBack: WriteBackRecord | undefined,
): ChangeDestination | undefined {
  const tag = writeBack?.targetTags?.[imageName];
  return change && tag !== undefined ? { ...change, tag } : undefined;
}
