import {
  WriteBackInput,
  decideWriteBack,
  notDeclined,
} from './decideWriteBack';

/** Dotted numbers, as a semver policy orders the tags used here. */
const compare = (_image: string, a: string, b: string) => {
  const [x, y] = [a, b].map(t => t.split('.').map(Number));
  for (let i = 0; i < 3; i++) if (x[i] !== y[i]) return x[i] - y[i];
  return 0;
};

function input(overrides: Partial<WriteBackInput> = {}): WriteBackInput {
  return {
    cycle: { kind: 'behind', targets: { api: '1.1.0' } },
    record: { state: 'none' },
    remote: { branch: 'absent', baseMoved: false },
    mode: 'pull-request',
    authorization: { allowed: true },
    supportsChangeRequests: true,
    compare,
    ...overrides,
  };
}

const openOurs = {
  changeRequest: { number: 7, state: 'open' as const },
  branch: 'ours' as const,
  baseMoved: false,
};
const openEdited = { ...openOurs, branch: 'edited' as const };

describe('decideWriteBack', () => {
  it('R1: a change request closed without merging records its targets as declined, then goes on', () => {
    const decision = decideWriteBack(
      input({
        record: { state: 'open', targets: { api: '1.4.2' } },
        remote: {
          changeRequest: { number: 7, state: 'closed' },
          branch: 'ours',
          baseMoved: false,
        },
        cycle: { kind: 'behind', targets: { api: '1.4.2' } },
      }),
    );
    expect(decision.reconcile).toEqual({
      state: 'declined',
      declined: { api: '1.4.2' },
      number: 7,
    });
    expect(decision.action).toEqual({
      kind: 'declined',
      declined: { api: '1.4.2' },
    });
  });

  it('R1 only for a change request we left open: one we closed ourselves declines nothing', () => {
    const decision = decideWriteBack(
      input({
        record: { state: 'closed-by-us', targets: { api: '1.1.0' } },
        remote: {
          changeRequest: { number: 7, state: 'closed' },
          branch: 'ours',
          baseMoved: false,
        },
      }),
    );
    expect(decision.reconcile).toBeUndefined();
    expect(decision.action).toEqual({
      kind: 'open',
      targets: { api: '1.1.0' },
      freshBranch: false,
    });
  });

  it('R2: a merged change request is recorded merged, and a newer tag opens a new one', () => {
    const decision = decideWriteBack(
      input({
        record: { state: 'open', targets: { api: '1.1.0' } },
        remote: {
          changeRequest: { number: 7, state: 'merged' },
          branch: 'ours',
          baseMoved: true,
        },
        cycle: { kind: 'behind', targets: { api: '1.2.0' } },
      }),
    );
    expect(decision.reconcile).toEqual({ state: 'merged', number: 7 });
    expect(decision.action).toEqual({
      kind: 'open',
      targets: { api: '1.2.0' },
      freshBranch: false,
    });
  });

  it('row 1: a write the operator does not allow is refused as a config problem', () => {
    const decision = decideWriteBack(
      input({
        authorization: {
          allowed: false,
          problem: 'push is only allowed for imageAutomation.git.allowPush',
        },
        mode: 'push',
        remote: openOurs,
      }),
    );
    expect(decision).toMatchObject({
      row: '1',
      action: {
        kind: 'refused',
        problem: 'push is only allowed for imageAutomation.git.allowPush',
      },
    });
  });

  it('row 1: pull-request mode on a host without change requests is refused', () => {
    const decision = decideWriteBack(input({ supportsChangeRequests: false }));
    expect(decision.action.kind).toBe('refused');
    expect((decision.action as { problem: string }).problem).toMatch(
      /push-branch/,
    );
  });

  it('row 2: an undecided cycle holds everything, even an open change request of ours', () => {
    const decision = decideWriteBack(
      input({
        cycle: { kind: 'undecided', reasons: ['GitHub answered 502'] },
        record: { state: 'open', targets: { api: '1.1.0' } },
        remote: openOurs,
      }),
    );
    expect(decision).toEqual({
      row: '2',
      action: { kind: 'hold', reasons: ['GitHub answered 502'] },
    });
  });

  it('row 3: switched to observe, our open change request is closed', () => {
    expect(
      decideWriteBack(
        input({
          mode: 'observe',
          record: { state: 'open', targets: { api: '1.1.0' } },
          remote: openOurs,
        }),
      ).action,
    ).toEqual({ kind: 'close', number: 7, why: 'observe' });
    expect(
      decideWriteBack(input({ mode: 'observe', remote: openEdited })).action,
    ).toEqual({ kind: 'nothing', why: 'observing' });
  });

  it('row 4: current, our open change request is closed (the base holds the tags)', () => {
    expect(
      decideWriteBack(
        input({
          cycle: { kind: 'current' },
          record: { state: 'open', targets: { api: '1.1.0' } },
          remote: openOurs,
        }),
      ),
    ).toMatchObject({
      row: '4',
      action: { kind: 'close', number: 7, why: 'up-to-date' },
    });
  });

  it("row 5: current, a person's open change request is left alone", () => {
    expect(
      decideWriteBack(input({ cycle: { kind: 'current' }, remote: openEdited }))
        .action,
    ).toEqual({ kind: 'report-edited', number: 7 });
  });

  it('row 6: current and nothing open: nothing', () => {
    expect(decideWriteBack(input({ cycle: { kind: 'current' } }))).toEqual({
      row: '6',
      action: { kind: 'nothing', why: 'up-to-date' },
    });
  });

  it('row 7: targets at or below a declined tag are not proposed again; a newer one is', () => {
    const declined = { state: 'declined' as const, declined: { api: '1.4.2' } };
    for (const tag of ['1.4.2', '1.4.1']) {
      expect(
        decideWriteBack(
          input({
            record: declined,
            cycle: { kind: 'behind', targets: { api: tag } },
          }),
        ),
      ).toMatchObject({ row: '7', action: { kind: 'declined' } });
    }
    expect(
      decideWriteBack(
        input({
          record: declined,
          cycle: { kind: 'behind', targets: { api: '1.4.3' } },
        }),
      ).action,
    ).toEqual({ kind: 'open', targets: { api: '1.4.3' }, freshBranch: false });
  });

  it('row 7: only the declined images drop out of a proposal', () => {
    expect(
      notDeclined({ api: '1.4.2', worker: '2.0.0' }, { api: '1.4.2' }, compare),
    ).toEqual({ worker: '2.0.0' });
  });

  it("row 8: behind with a person's commit on the open change request: reported, not overwritten", () => {
    expect(
      decideWriteBack(
        input({
          record: { state: 'open', targets: { api: '1.0.5' } },
          remote: openEdited,
        }),
      ),
    ).toMatchObject({ row: '8', action: { kind: 'report-edited', number: 7 } });
  });

  it('row 9: behind, our change request already proposes the targets on an unmoved base: nothing', () => {
    expect(
      decideWriteBack(
        input({
          record: { state: 'open', targets: { api: '1.1.0' } },
          remote: openOurs,
        }),
      ),
    ).toEqual({
      row: '9',
      action: { kind: 'nothing', why: 'change-request-open' },
    });
  });

  it('row 10: behind with new targets or a moved base: our change request is updated', () => {
    expect(
      decideWriteBack(
        input({
          record: { state: 'open', targets: { api: '1.0.5' } },
          remote: openOurs,
        }),
      ).action,
    ).toEqual({ kind: 'update', number: 7, targets: { api: '1.1.0' } });
    expect(
      decideWriteBack(
        input({
          record: { state: 'open', targets: { api: '1.1.0' } },
          remote: { ...openOurs, baseMoved: true },
        }),
      ).row,
    ).toBe('10');
  });

  it("row 11: behind with nothing open opens one; a stale branch with a person's commit is not reused", () => {
    expect(decideWriteBack(input()).action).toEqual({
      kind: 'open',
      targets: { api: '1.1.0' },
      freshBranch: false,
    });
    expect(
      decideWriteBack(
        input({
          record: { state: 'open', targets: { api: '1.0.5' } },
          remote: {
            changeRequest: { number: 7, state: 'merged' },
            branch: 'edited',
            baseMoved: true,
          },
        }),
      ).action,
    ).toEqual({ kind: 'open', targets: { api: '1.1.0' }, freshBranch: true });
  });

  it('row 12: push mode pushes', () => {
    expect(decideWriteBack(input({ mode: 'push' }))).toEqual({
      row: '12',
      action: { kind: 'push', targets: { api: '1.1.0' } },
    });
  });

  it("row 13: push-branch mode pushes to its branch, a fresh one when a person's commit is on it", () => {
    expect(decideWriteBack(input({ mode: 'push-branch' })).action).toEqual({
      kind: 'push-branch',
      targets: { api: '1.1.0' },
      freshBranch: false,
    });
    expect(
      decideWriteBack(
        input({
          mode: 'push-branch',
          remote: { branch: 'edited', baseMoved: false },
        }),
      ).action,
    ).toMatchObject({ kind: 'push-branch', freshBranch: true });
    // Our branch already holds the targets on an unmoved base: no new commit.
    expect(
      decideWriteBack(
        input({
          mode: 'push-branch',
          record: { state: 'pushed', targets: { api: '1.1.0' } },
          remote: { branch: 'ours', baseMoved: false },
        }),
      ).action,
    ).toEqual({ kind: 'nothing', why: 'branch-current' });
  });

  it('gone: an entity that left the catalog has only its open change request of ours closed', () => {
    expect(
      decideWriteBack(
        input({
          entityGone: true,
          cycle: { kind: 'undecided', reasons: ['not in the catalog'] },
          record: { state: 'open' },
          remote: openOurs,
        }),
      ).action,
    ).toEqual({ kind: 'close', number: 7, why: 'entity-gone' });
    expect(
      decideWriteBack(input({ entityGone: true, remote: openEdited })).action,
    ).toEqual({ kind: 'nothing', why: 'not-open' });
  });
});
