import { ImageState } from '@image-automation/plugin-image-automation-common';

/** How each state reads in the UI. */
export const STATE_LABELS: Record<ImageState, string> = {
  'up-to-date': 'Up to date',
  'update-available': 'Update available',
  'pr-open': 'PR open',
  error: 'Error',
  pending: 'Waiting for first scan',
};
