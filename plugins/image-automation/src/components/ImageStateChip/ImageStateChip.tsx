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
}) {
  const { state, pullRequest } = props;
  const Status = STATUS_OF_STATE[state];
  return (
    <Box
      component="span"
      display="inline-flex"
      alignItems="center"
      whiteSpace="nowrap"
    >
      <Status />
      {state === 'pr-open' && pullRequest?.state === 'open' ? (
        <Link to={pullRequest.url}>
          {STATE_LABELS[state]} #{pullRequest.number}
        </Link>
      ) : (
        STATE_LABELS[state]
      )}
    </Box>
  );
}
