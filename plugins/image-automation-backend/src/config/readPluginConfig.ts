import {
  LoggerService,
  SchedulerServiceTaskScheduleDefinition,
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import { HumanDuration, durationToMilliseconds } from '@backstage/types';
import type { WriteBackPermissions } from '@image-automation/plugin-image-automation-common';
import { MIN_SCAN_INTERVAL_MS } from '../scanning/RepositoryScanner';

/** The plugin's settings under `imageAutomation` (see config.d.ts). */
export interface PluginConfig {
  schedule: SchedulerServiceTaskScheduleDefinition;
  /** How often an entity is checked when it sets no interval of its own. */
  defaultIntervalMs: number;
  labels: string[];
  enabled: boolean;
  /** Which repositories and modes entities may use (imageAutomation.git). */
  permissions: WriteBackPermissions;
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
    permissions: {
      allowedRepositories: globs(root, 'git.allowedRepositories'),
      allowPush: globs(root, 'git.allowPush'),
    },
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

/** A list of `host/owner/repo` globs; a glob without a host and path is a startup error. */
function globs(root: Config | undefined, key: string): string[] {
  const list = root?.getOptionalStringArray(key) ?? [];
  for (const glob of list) {
    if (!/^[^/\s]+\/[^\s]+$/.test(glob.trim())) {
      throw new Error(
        `imageAutomation.${key} has "${glob}", which is not a host/path glob; write e.g. github.com/acme/gitops-* or gitlab.internal/platform/**`,
      );
    }
  }
  return list.map(glob => glob.trim());
}
