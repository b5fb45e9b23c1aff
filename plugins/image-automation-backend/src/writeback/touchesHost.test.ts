import { mockServices } from '@backstage/backend-test-utils';
import { metricsServiceMock } from '@backstage/backend-test-utils/alpha';
import {
  AutomationSpec,
  NO_WRITE_BACK_PERMISSIONS,
} from '@image-automation/plugin-image-automation-common';
import type { ImageAutomationStore } from '../database/ImageAutomationStore';
import type { EntityRecord, WriteBackRecord } from '../domain/records';
import { ImageAutomationMetrics } from '../metrics';
import type { BranchHead, GitRepository } from '../scm/port';
import type { CycleVerdict } from './decideWriteBack';
import { WriteBackCoordinator } from './WriteBackCoordinator';
import type { WriteBackRequest } from './WriteBackHandler';

const REPOSITORY = 'https://github.com/acme/deploy';

/**
 * Whether a write-back needs the host decides whether the engine may answer
 * an unchanged entity from memory (CheckMemo): an open change request must
 * be polled every cycle, something to write must be written.
 */
describe('WriteBackCoordinator.touchesHost', () => {
  const coordinator = new WriteBackCoordinator({
    store: {} as ImageAutomationStore,
    logger: mockServices.logger.mock(),
    metrics: ImageAutomationMetrics.create(metricsServiceMock.mock()),
    permissions: NO_WRITE_BACK_PERMISSIONS,
    labels: [],
  });
  const spec = {
    images: [],
    git: { mode: 'pull-request' },
  } as unknown as AutomationSpec;
  const request = (
    mode: EntityRecord['mode'],
    verdict: CycleVerdict,
    previous?: Partial<WriteBackRecord>,
    managedByRepository: string | undefined = REPOSITORY,
  ): WriteBackRequest => ({
    entity: {
      entityRef: 'component:default/api',
      mode,
      gitRepository: REPOSITORY,
      managedByRepository,
      spec,
      configProblems: [],
      nextDueAt: 0,
      lastSeenAt: 0,
    },
    spec,
    repository: {} as GitRepository,
    base: { branch: 'main' } as BranchHead,
    verdict,
    updates: [],
    policies: new Map(),
    previous: previous as WriteBackRecord | undefined,
  });
  const behind: CycleVerdict = { kind: 'behind', targets: { api: '1.1.0' } };
  const current: CycleVerdict = { kind: 'current' };
  const undecided: CycleVerdict = { kind: 'undecided', reasons: ['x'] };
  const open = {
    state: 'open',
    branch: 'image-automation/component-default-api',
  } as const;

  it('is true with something to write or an open change request of ours', () => {
    expect(coordinator.touchesHost(request('pull-request', behind))).toBe(true);
    for (const verdict of [behind, current, undecided]) {
      expect(
        coordinator.touchesHost(request('pull-request', verdict, open)),
      ).toBe(true);
    }
  });

  it('is false when it decides from the stored record alone', () => {
    expect(coordinator.touchesHost(request('pull-request', current))).toBe(
      false,
    );
    expect(coordinator.touchesHost(request('pull-request', undecided))).toBe(
      false,
    );
    expect(coordinator.touchesHost(request('observe', behind))).toBe(false);
    // Push mode needs imageAutomation.git.allowPush: refused, nothing is written.
    expect(coordinator.touchesHost(request('push', behind))).toBe(false);
    // Not allowed to write this repository: nothing is written.
    expect(
      coordinator.touchesHost(
        request('pull-request', behind, undefined, 'https://github.com/x/y'),
      ),
    ).toBe(false);
    // A declined or merged change request is history, not polled.
    for (const state of ['declined', 'merged'] as const) {
      expect(
        coordinator.touchesHost(
          request('pull-request', current, { ...open, state }),
        ),
      ).toBe(false);
    }
  });
});
