import { FirstSeenTags } from '@image-automation/plugin-image-automation-common';
import { mockServices } from '@backstage/backend-test-utils';
import { metricsServiceMock } from '@backstage/backend-test-utils/alpha';
import {
  ImageReference,
  parseImageReference,
} from '@image-automation/plugin-image-automation-common';
import type { RegistryClient } from '@image-automation/plugin-image-automation-node';
import type { ImageAutomationStore } from '../database/ImageAutomationStore';
import type { RepositoryRecord } from '../domain/records';
import { ImageAutomationMetrics } from '../metrics';
import { RepositoryScanner } from './RepositoryScanner';

const REPOSITORY = 'ghcr.io/acme/api';

function scannerOver(listed: string[], stored?: RepositoryRecord) {
  let clock = 1_000_000;
  const saved: RepositoryRecord[] = [];
  const timesSaved: RepositoryRecord[] = [];
  const store = {
    getRepositories: async () => new Map(stored ? [[REPOSITORY, stored]] : []),
    saveRepositories: async (records: RepositoryRecord[]) => {
      saved.push(...records);
    },
    saveScanTimes: async (records: RepositoryRecord[]) => {
      timesSaved.push(...records);
    },
  } as unknown as ImageAutomationStore;
  const registry = {
    listTags: async () => {
      clock += 10;
      return { tags: listed };
    },
  } as unknown as RegistryClient;
  const scanner = new RepositoryScanner({
    registry,
    store,
    logger: mockServices.logger.mock(),
    metrics: ImageAutomationMetrics.create(metricsServiceMock.mock()),
    now: () => clock,
  });
  const images = new Map<string, ImageReference>([
    [REPOSITORY, parseImageReference(`${REPOSITORY}:1.0.0`)],
  ]);
  return { scan: () => scanner.scan(images), saved, timesSaved };
}

const storedRecord = (tags: Record<string, number>): RepositoryRecord => ({
  repository: REPOSITORY,
  tags: FirstSeenTags.fromRecord(tags),
  lastScanAt: 1,
  lastSuccessAt: 1,
  consecutiveFailures: 0,
});

describe('RepositoryScanner', () => {
  it('keeps the stored tag list when the registry lists the same tags, and writes only the scan time', async () => {
    const stored = storedRecord({ '1.0.0': 5, '1.1.0': 7 });
    const { scan, saved, timesSaved } = scannerOver(['1.1.0', '1.0.0'], stored);
    const outcome = (await scan()).get(REPOSITORY)!;
    expect(outcome.scanned).toBe(true);
    expect(outcome.record.tags).toBe(stored.tags);
    expect(saved).toEqual([]);
    expect(timesSaved).toEqual([
      expect.objectContaining({
        lastScanAt: 1_000_010,
        lastSuccessAt: 1_000_010,
      }),
    ]);
  });

  it('stores a changed list with each tag first seen when it was (tags named `constructor` and `__proto__` included)', async () => {
    const stored = storedRecord({ '1.0.0': 5, '1.1.0': 7 });
    for (const listed of [
      ['1.0.0', '1.1.0', 'constructor'],
      ['1.0.0', 'constructor'],
      ['1.0.0', '__proto__'],
      ['1.0.0', '1.0.0'],
    ]) {
      const { scan, saved } = scannerOver(listed, stored);
      const outcome = (await scan()).get(REPOSITORY)!;
      expect(outcome.record.tags).not.toBe(stored.tags);
      const expected = Object.fromEntries(
        listed.map(tag => [tag, stored.tags!.firstSeen(tag) ?? 1_000_010]),
      );
      expect(outcome.record.tags?.toJSON()).toEqual(expected);
      expect(Object.keys(outcome.record.tags!.toJSON())).toHaveLength(
        new Set(listed).size,
      );
      expect(saved).toEqual([outcome.record]);
    }
  });
});
