import {
  Link,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
  StatusWarning,
} from '@backstage/core-components';
import { ImageState } from '@image-automation/plugin-image-automation-common';
import Box from '@material-ui/core/Box';
import { ReactNode } from 'react';
import { STATE_LABELS } from './stateLabels';

const STATUS_OF_STATE: Record<
  ImageState,
  (props: { children?: ReactNode }) => JSX.Element
> = {
  'up-to-date': StatusOK,
  'update-available': StatusWarning,
  'pr-open': StatusRunning,
  error: StatusError,
  pending: StatusPending,
};

/**
 * The state of one image as a coloured status, with a link to its pull
 * request when one is open. The label sits beside the status icon rather than
 * inside it: Backstage's Status components are hidden from screen readers.
 */
export function ImageStateChip(props: {
  state: ImageState;
  pullRequest?: { number: number; url: string; state: string };
  /** The image's change request, named as its host does (`#12`, `!12`). */
  change?: { kind: string; reference: string; url?: string; state?: string };
}) {
  const { state, pullRequest, change } = props;
  const request =
    change?.url && change.state === 'open'
      ? {
          url: change.url,
          label:
            change.kind === 'merge-request'
              ? `MR open ${change.reference}`
              : `${STATE_LABELS[state]} ${change.reference}`,
        }
      : pullRequest?.state === 'open' && {
          url: pullRequest.url,
          label: `${STATE_LABELS[state]} #${pullRequest.number}`,
        };
  const Status = STATUS_OF_STATE[state];
  return (
    <Box
      component="span"
      display="inline-flex"
      alignItems="center"
      whiteSpace="nowrap"
    >
      <Status />
      {state === 'pr-open' && request ? (
        <Link to={request.url}>{request.label}</Link>
      ) : (
        STATE_LABELS[state]
      )}
    </Box>
  );
}
