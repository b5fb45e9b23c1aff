import { Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  GitHostKind,
  HistoryEntry,
} from '@image-automation/plugin-image-automation-common';
import Box from '@material-ui/core/Box';
import Button from '@material-ui/core/Button';
import { makeStyles } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import { useCallback, useEffect, useState } from 'react';
import { imageAutomationApiRef } from '../../api';
import { Timestamp } from '../Timestamp';
import { describeHistoryEntry } from './describeHistoryEntry';

const PAGE_SIZE = 10;

const useStyles = makeStyles(theme => ({
  list: { listStyle: 'none', margin: 0, padding: 0 },
  item: {
    display: 'grid',
    gridTemplateColumns: 'minmax(7rem, max-content) 1fr',
    gap: theme.spacing(2),
    padding: theme.spacing(0.75, 0),
    borderLeft: `2px solid ${theme.palette.divider}`,
    paddingLeft: theme.spacing(1.5),
  },
  error: { borderLeftColor: theme.palette.error.main },
  time: { color: theme.palette.text.secondary, whiteSpace: 'nowrap' },
}));

/**
 * What happened to the entity, newest first, a page at a time. `version`
 * changes when the card's result does, and reloads the first page.
 */
export function HistoryTimeline(props: {
  entityRef: string;
  version: unknown;
  /** Names change requests as the host does (`#12`, `!12`). */
  gitHost?: GitHostKind;
}) {
  const { entityRef, version, gitHost } = props;
  const api = useApi(imageAutomationApiRef);
  const classes = useStyles();
  const [items, setItems] = useState<HistoryEntry[]>([]);
  const [total, setTotal] = useState(0);
  const [loading, setLoading] = useState(true);
  const [error, setError] = useState<Error>();

  const load = useCallback(
    async (offset: number) => {
      setLoading(true);
      try {
        const page = await api.getHistory(entityRef, {
          offset,
          limit: PAGE_SIZE,
        });
        setItems(previous =>
          offset === 0 ? page.items : [...previous, ...page.items],
        );
        setTotal(page.totalItems);
        setError(undefined);
      } catch (e) {
        setError(e as Error);
      } finally {
        setLoading(false);
      }
    },
    [api, entityRef],
  );

  useEffect(() => {
    load(0);
  }, [load, version]);

  if (error) return <ResponseErrorPanel error={error} />;
  if (loading && items.length === 0) return <Progress />;
  if (items.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        Nothing has happened yet: scans, pull requests and errors will show
        here.
      </Typography>
    );
  }
  return (
    <>
      <ol className={classes.list} aria-label="History">
        {items.map(entry => (
          <li
            key={entry.id}
            className={`${classes.item} ${
              entry.event === 'error' ? classes.error : ''
            }`}
          >
            <Typography
              variant="body2"
              component="span"
              className={classes.time}
            >
              <Timestamp iso={entry.at} />
            </Typography>
            <Typography variant="body2" component="span">
              {describeHistoryEntry(entry, gitHost)}
            </Typography>
          </li>
        ))}
      </ol>
      {items.length < total && (
        <Box mt={1}>
          <Button
            size="small"
            disabled={loading}
            onClick={() => load(items.length)}
          >
            Show older ({total - items.length} more)
          </Button>
        </Box>
      )}
    </>
  );
}
