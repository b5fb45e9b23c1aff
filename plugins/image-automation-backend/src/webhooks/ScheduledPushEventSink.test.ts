import { mockServices } from '@backstage/backend-test-utils';
import { ConflictError } from '@backstage/errors';
import { RegistryFactsStore } from '../database/RegistryFactsStore';
import { ScheduledPushEventSink } from './ScheduledPushEventSink';

const KNOWN = 'ghcr.io/acme/api';

function setup(trigger: () => Promise<void>) {
  const recorded: unknown[] = [];
  const facts = {
    knownRepositories: async (repos: string[]) =>
      new Set(repos.filter(r => r === KNOWN)),
    recordPushEvents: async (events: unknown[], at: number) => {
      recorded.push({ events, at });
    },
  } as unknown as RegistryFactsStore;
  const sink = new ScheduledPushEventSink({
    facts,
    triggerCycle: trigger,
    logger: mockServices.logger.mock(),
    now: () => 42,
  });
  return { sink, recorded };
}

describe('ScheduledPushEventSink', () => {
  it('records pushes to used repositories and starts the cycle', async () => {
    const trigger = jest.fn(async () => {});
    const { sink, recorded } = setup(trigger);
    const result = await sink.recordPushes('github', [
      { repository: KNOWN, tag: '1.0.0' },
      { repository: 'ghcr.io/acme/unused', tag: '1.0.0' },
    ]);
    expect(result).toEqual({
      scheduled: [KNOWN],
      unknown: ['ghcr.io/acme/unused'],
    });
    expect(recorded).toEqual([
      {
        events: [{ repository: KNOWN, tag: '1.0.0', provider: 'github' }],
        at: 42,
      },
    ]);
    expect(trigger).toHaveBeenCalledTimes(1);
  });

  it('neither records nor starts anything for unknown repositories', async () => {
    const trigger = jest.fn(async () => {});
    const { sink, recorded } = setup(trigger);
    expect(
      await sink.recordPushes('quay', [
        { repository: 'quay.io/x/y', tag: 'a' },
      ]),
    ).toEqual({ scheduled: [], unknown: ['quay.io/x/y'] });
    expect(recorded).toEqual([]);
    expect(trigger).not.toHaveBeenCalled();
  });

  it('keeps the push when a cycle is already running', async () => {
    const { sink, recorded } = setup(async () => {
      throw new ConflictError(
        'Task image-automation-cycle is currently running',
      );
    });
    await expect(
      sink.recordPushes('distribution', [{ repository: KNOWN, tag: '2.0.0' }]),
    ).resolves.toEqual({ scheduled: [KNOWN], unknown: [] });
    expect(recorded).toHaveLength(1);
  });
});
