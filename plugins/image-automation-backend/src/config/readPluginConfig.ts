import {
  LoggerService,
  SchedulerServiceTaskScheduleDefinition,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { HumanDuration, durationToMilliseconds } from '@backstage/types';
import { MIN_SCAN_INTERVAL_MS } from '../scanning/RepositoryScanner';

/** The plugin's settings under `imageAutomation` (see config.d.ts). */
export interface PluginConfig {
  schedule: SchedulerServiceTaskScheduleDefinition;
  /** How often an entity is checked when it sets no interval of its own. */
  defaultIntervalMs: number;
  labels: string[];
  enabled: boolean;
}

const DEFAULT_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 5 },
  timeout: { minutes: 10 },
  initialDelay: { seconds: 15 },
};

export function readPluginConfig(
  config: Config,
  logger: LoggerService,
): PluginConfig {
  const root = config.getOptionalConfig('imageAutomation');
  const schedule: SchedulerServiceTaskScheduleDefinition = root?.has('schedule')
    ? {
        ...DEFAULT_SCHEDULE,
        ...readSchedulerServiceTaskScheduleDefinitionFromConfig(
          root.getConfig('schedule'),
        ),
      }
    : { ...DEFAULT_SCHEDULE };

  // The floor that keeps anyone from hammering a registry is per repository
  // (RepositoryScanner): a faster cycle re-reads Git and pull requests, but
  // scans no repository more than once a minute.
  const frequencyMs = frequencyToMs(schedule.frequency);
  if (frequencyMs !== undefined && frequencyMs < MIN_SCAN_INTERVAL_MS) {
    logger.warn(
      `imageAutomation.schedule.frequency is ${frequencyMs} ms; each registry repository is still scanned at most once a minute`,
    );
  }
  return {
    schedule,
    defaultIntervalMs: frequencyMs ?? 5 * 60_000,
    labels: root?.getOptionalStringArray('git.labels') ?? [],
    enabled: root?.getOptionalBoolean('enabled') ?? true,
  };
}

function frequencyToMs(
  frequency: SchedulerServiceTaskScheduleDefinition['frequency'],
): number | undefined {
  if (
    typeof frequency === 'object' &&
    ('cron' in frequency || 'trigger' in frequency)
  ) {
    return undefined;
  }
  return durationToMilliseconds(frequency as HumanDuration);
}
