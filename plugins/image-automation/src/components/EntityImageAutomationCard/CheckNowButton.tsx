import Button from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';
import Tooltip from '@material-ui/core/Tooltip';
import RefreshIcon from '@material-ui/icons/Refresh';

/**
 * Asks the backend to check the entity's images now. Always shown, so that
 * people know the action exists: disabled, with the reason as its tooltip,
 * while the permission is being asked or when it is denied; with progress
 * while the request runs.
 */
export function CheckNowButton(props: {
  permission: { loading: boolean; allowed: boolean };
  checking: boolean;
  onClick: () => void;
}) {
  const { permission, checking, onClick } = props;
  const reason = disabledReason(permission);
  const button = (
    <Button
      variant="outlined"
      color="primary"
      size="small"
      disabled={checking || reason !== undefined}
      onClick={onClick}
      aria-describedby={reason ? 'check-now-reason' : undefined}
      startIcon={
        checking ? (
          <CircularProgress size={16} aria-label="checking" />
        ) : (
          <RefreshIcon />
        )
      }
    >
      {checking ? 'Checking…' : 'Check now'}
    </Button>
  );
  if (!reason) return button;
  // A disabled button fires no mouse events, so the tooltip listens on a wrapper.
  return (
    <Tooltip title={reason}>
      <span>
        {button}
        <span id="check-now-reason" hidden>
          {reason}
        </span>
      </span>
    </Tooltip>
  );
}

function disabledReason(permission: {
  loading: boolean;
  allowed: boolean;
}): string | undefined {
  if (permission.loading) return 'Checking whether you may ask for a check…';
  if (!permission.allowed) {
    return 'You do not have permission to check this entity now; it is checked on the schedule';
  }
  return undefined;
}
