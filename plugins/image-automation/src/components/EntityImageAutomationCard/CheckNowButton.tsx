import Button from '@material-ui/core/Button';
import CircularProgress from '@material-ui/core/CircularProgress';
import RefreshIcon from '@material-ui/icons/Refresh';

/** Asks the backend to check the entity's images now; shows progress while it does. */
export function CheckNowButton(props: {
  checking: boolean;
  onClick: () => void;
}) {
  const { checking, onClick } = props;
  return (
    <Button
      variant="outlined"
      color="primary"
      size="small"
      disabled={checking}
      onClick={onClick}
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
}
