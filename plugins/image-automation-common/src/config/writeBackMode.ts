import type { WriteBackMode } from '../api';

/** Every write-back mode, the default first. @public */
export const WRITE_BACK_MODES: readonly WriteBackMode[] = [
  'pull-request',
  'push',
  'push-branch',
  'observe',
];

/** The mode for a value from the config, or undefined when it is none of them. */
export function toWriteBackMode(value: unknown): WriteBackMode | undefined {
  return WRITE_BACK_MODES.find(mode => mode === value);
}

/**
 * What an entity falls back to when its write-back settings are broken:
 * observing writes nothing, so a typo never sends updates where nobody asked.
 */
export const SAFE_MODE: WriteBackMode = 'observe';
