/*
 * The write-back decision as one pure table (see WRITE-BACK rows below):
 * this cycle's verdict × what we stored last time × what the host says now
 * → exactly one action. No I/O: WriteBackCoordinator reads everything
 * first, calls this, and only carries the action out.
 */
import type { WriteBackMode } from '@image-automation/plugin-image-automation-common';

/** Image name → tag. */
export type Targets = Record<string, string>;

/** This cycle's per-image result for one entity. */
export type CycleVerdict =
  /** Some image had a read, registry, parse or config error, or no tag could be chosen. */
  | { kind: 'undecided'; reasons: string[] }
  /** Every place already holds its target (or one above it). */
  | { kind: 'current' }
  /** The target of each image with a place below it. */
  | { kind: 'behind'; targets: Targets };

/** What we stored last time, reduced to what the table needs. */
export interface StoredWriteBack {
  state: 'none' | 'open' | 'declined' | 'merged' | 'closed-by-us' | 'pushed';
  /** What our branch proposes (state `open`). */
  targets?: Targets;
  /** Tags a person closed without merging. */
  declined?: Targets;
}

/** The change request and branch as the host reports them now. */
export interface RemoteState {
  changeRequest?: { number: number; state: 'open' | 'merged' | 'closed' };
  /**
   * Our write branch: `ours` when its head is the commit we recorded,
   * `edited` when it is anyone else's (whatever its trailer says).
   */
  branch: 'absent' | 'ours' | 'edited';
  /** Whether the base head moved since our branch was made on it. */
  baseMoved: boolean;
}

export type Authorization =
  | { allowed: true }
  | { allowed: false; problem: string };

export interface WriteBackInput {
  cycle: CycleVerdict;
  record: StoredWriteBack;
  remote: RemoteState;
  mode: WriteBackMode;
  /** The operator's say over this repository and mode. */
  authorization: Authorization;
  /** False for hosts without pull/merge requests (plain Git). */
  supportsChangeRequests: boolean;
  /** The entity left the catalog over a day ago: only its open change request is closed. */
  entityGone?: boolean;
  /**
   * The image's policy order of two tags: > 0 when `a` is newer than `b`,
   * undefined when the policy cannot order them.
   */
  compare: (image: string, a: string, b: string) => number | undefined;
}

export type CloseReason = 'observe' | 'up-to-date' | 'entity-gone';

export type WriteBackAction =
  | {
      kind: 'nothing';
      why:
        | 'up-to-date'
        | 'observing'
        | 'change-request-open'
        | 'branch-current'
        | 'not-open';
    }
  /** The cycle could not decide: PR, branch and record stay exactly as they are. */
  | { kind: 'hold'; reasons: string[] }
  /** The operator does not allow this write: a config problem. */
  | { kind: 'refused'; problem: string }
  | { kind: 'close'; number: number; why: CloseReason }
  /** A person's commit is on the branch: left alone, and said so. */
  | { kind: 'report-edited'; number?: number }
  /** Every target was declined by a person; waits for a newer tag. */
  | { kind: 'declined'; declined: Targets }
  /** A new change request; `freshBranch` when the old branch holds a person's commit. */
  | { kind: 'open'; targets: Targets; freshBranch: boolean }
  | { kind: 'update'; number: number; targets: Targets }
  | { kind: 'push'; targets: Targets }
  | { kind: 'push-branch'; targets: Targets; freshBranch: boolean };

export interface WriteBackDecision {
  /** R1/R2: the record brought up to date with the host, before the action. */
  reconcile?:
    | { state: 'declined'; declined: Targets; number: number }
    | { state: 'merged'; number: number };
  action: WriteBackAction;
  /** The table row that matched, for logs and tests. */
  row: string;
}

/** Decides the one write-back action for an entity. Pure. */
export function decideWriteBack(input: WriteBackInput): WriteBackDecision {
  const { cycle, mode } = input;
  let { record, remote } = input;
  let reconcile: WriteBackDecision['reconcile'];
  const request = remote.changeRequest;

  // R1: closed by a person without merging: its targets are declined.
  if (request?.state === 'closed' && record.state === 'open') {
    const declined = { ...record.declined, ...record.targets };
    reconcile = { state: 'declined', declined, number: request.number };
    record = { state: 'declined', declined };
  }
  // R2: merged: recorded, then decided as if there were no change request.
  if (request?.state === 'merged' && record.state === 'open') {
    reconcile = { state: 'merged', number: request.number };
    record = { ...record, state: 'merged', targets: undefined };
  }
  const open = request?.state === 'open' ? request : undefined;
  if (!open && remote.changeRequest)
    remote = { ...remote, changeRequest: undefined };
  const ours = open !== undefined && remote.branch === 'ours';
  const done = (row: string, action: WriteBackAction): WriteBackDecision => ({
    reconcile,
    action,
    row,
  });

  if (input.entityGone) {
    return ours
      ? done('gone', {
          kind: 'close',
          number: open!.number,
          why: 'entity-gone',
        })
      : done('gone', { kind: 'nothing', why: 'not-open' });
  }
  if (!input.authorization.allowed) {
    return done('1', { kind: 'refused', problem: input.authorization.problem });
  }
  if (mode === 'pull-request' && !input.supportsChangeRequests) {
    return done('1', {
      kind: 'refused',
      problem:
        'mode pull-request needs a host with pull or merge requests; this repository is reached with plain Git: use mode push-branch (or push)',
    });
  }
  if (cycle.kind === 'undecided') {
    return done('2', { kind: 'hold', reasons: cycle.reasons });
  }
  if (mode === 'observe') {
    return ours
      ? done('3', { kind: 'close', number: open!.number, why: 'observe' })
      : done('3', { kind: 'nothing', why: 'observing' });
  }
  if (cycle.kind === 'current') {
    if (ours) {
      return done('4', {
        kind: 'close',
        number: open!.number,
        why: 'up-to-date',
      });
    }
    if (open) return done('5', { kind: 'report-edited', number: open.number });
    return done('6', { kind: 'nothing', why: 'up-to-date' });
  }

  // Behind: what a person declined is not proposed again until a newer tag.
  const targets = notDeclined(cycle.targets, record.declined, input.compare);
  if (Object.keys(targets).length === 0) {
    return done('7', { kind: 'declined', declined: record.declined ?? {} });
  }
  if (open && !ours) {
    return done('8', { kind: 'report-edited', number: open.number });
  }
  if (open) {
    if (sameTargets(targets, record.targets) && !remote.baseMoved) {
      return done('9', { kind: 'nothing', why: 'change-request-open' });
    }
    return done('10', { kind: 'update', number: open.number, targets });
  }
  const freshBranch = remote.branch === 'edited';
  switch (mode) {
    case 'push':
      return done('12', { kind: 'push', targets });
    case 'push-branch':
      if (
        remote.branch === 'ours' &&
        record.state === 'pushed' &&
        sameTargets(targets, record.targets) &&
        !remote.baseMoved
      ) {
        return done('13', { kind: 'nothing', why: 'branch-current' });
      }
      return done('13', { kind: 'push-branch', targets, freshBranch });
    default:
      return done('11', { kind: 'open', targets, freshBranch });
  }
}

/** The targets a person has not declined (a declined tag or an older one). */
export function notDeclined(
  targets: Targets,
  declined: Targets | undefined,
  compare: WriteBackInput['compare'],
): Targets {
  const result: Targets = {};
  for (const [image, tag] of Object.entries(targets)) {
    const refused = declined?.[image];
    if (refused === undefined) {
      result[image] = tag;
      continue;
    }
    const order = tag === refused ? 0 : compare(image, tag, refused);
    if (order !== undefined && order > 0) result[image] = tag;
  }
  return result;
}

function sameTargets(a: Targets, b: Targets | undefined): boolean {
  if (!b) return false;
  const keys = Object.keys(a);
  return (
    keys.length === Object.keys(b).length && keys.every(k => a[k] === b[k])
  );
}
