import { PushEventRecord } from '../database/RegistryFactsStore';
import { planPushScans } from './pushScanPlan';

const push = (
  repository: string,
  over: Partial<PushEventRecord>,
): PushEventRecord => ({
  repository,
  provider: 'distribution',
  receivedAt: 0,
  eventCount: 1,
  pendingSince: 0,
  ...over,
});

describe('planPushScans', () => {
  it('scans a repository never scanned for a push at once', () => {
    expect(planPushScans([push('a', {})], 50_000)).toEqual({ due: ['a'] });
  });

  it('holds a repository scanned for a push less than 10 s ago, saying when to retry', () => {
    expect(
      planPushScans(
        [
          push('a', { lastPushScanAt: 45_000 }),
          push('b', { lastPushScanAt: 47_000 }),
          push('c', { lastPushScanAt: 40_000 }),
        ],
        50_000,
      ),
    ).toEqual({ due: ['c'], retryInMs: 5_000 });
  });

  it('ignores records whose push was already scanned', () => {
    expect(planPushScans([push('a', { pendingSince: undefined })], 1)).toEqual({
      due: [],
    });
  });
});
