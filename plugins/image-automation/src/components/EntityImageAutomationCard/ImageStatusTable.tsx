import {
  ImageStatus,
  shortDigest,
} from '@image-automation/plugin-image-automation-common';
import { makeStyles } from '@material-ui/core/styles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { Fragment } from 'react';
import { ImageStateChip } from '../ImageStateChip';
import { Timestamp } from '../Timestamp';

const COLUMNS = [
  'Image',
  'Current tag',
  'Latest allowed',
  'Policy',
  'State',
  'Behind',
  'Last checked',
];

const useStyles = makeStyles(theme => ({
  // The image's own row loses its bottom border when its error follows, so
  // the two read as one entry.
  withDetail: { '& > td': { borderBottom: 'none' } },
  error: {
    color: theme.palette.error.main,
    paddingTop: 0,
  },
}));

/** One row per image: where its tag stands and what the automation does about it. */
export function ImageStatusTable(props: { images: ImageStatus[] }) {
  const classes = useStyles();
  return (
    <Table size="small" aria-label="images">
      <TableHead>
        <TableRow>
          {COLUMNS.map(column => (
            <TableCell key={column}>{column}</TableCell>
          ))}
        </TableRow>
      </TableHead>
      <TableBody>
        {props.images.map(image => (
          <Fragment key={image.name}>
            <TableRow className={image.error ? classes.withDetail : undefined}>
              <TableCell>
                <Typography variant="body2">{image.image}</Typography>
                {image.name !== image.image && (
                  <Typography variant="caption" color="textSecondary">
                    {image.name}
                  </Typography>
                )}
              </TableCell>
              <TableCell>
                <Typography variant="body2">
                  {image.currentTag ?? '—'}
                </Typography>
                {image.currentSource && (
                  <Typography variant="caption" color="textSecondary">
                    {image.currentSource.file}:{image.currentSource.line}
                  </Typography>
                )}
              </TableCell>
              <TableCell>
                <Typography variant="body2">
                  {image.latestTag ?? '—'}
                </Typography>
                {image.digest && (
                  <Typography
                    variant="caption"
                    color="textSecondary"
                    title={image.digest}
                  >
                    @{shortDigest(image.digest)}
                  </Typography>
                )}
              </TableCell>
              <TableCell>{image.policy}</TableCell>
              <TableCell>
                <ImageStateChip
                  state={image.state}
                  pullRequest={image.pullRequest}
                />
                {image.message && (
                  <Typography
                    variant="caption"
                    color="textSecondary"
                    component="div"
                  >
                    {image.message}
                  </Typography>
                )}
              </TableCell>
              <TableCell>{versionsBehindText(image.versionsBehind)}</TableCell>
              <TableCell>
                {image.lastScanAt ? (
                  <Timestamp iso={image.lastScanAt} />
                ) : (
                  'never'
                )}
                {image.lastPushEvent && (
                  <Typography
                    variant="caption"
                    color="textSecondary"
                    component="div"
                  >
                    last push event{' '}
                    {image.lastPushEvent.tag
                      ? `(${image.lastPushEvent.tag}) `
                      : ''}
                    <Timestamp iso={image.lastPushEvent.receivedAt} />
                    {image.lastPushEvent.pending ? ', scan pending' : ''}
                  </Typography>
                )}
              </TableCell>
            </TableRow>
            {image.error && (
              <TableRow>
                <TableCell colSpan={COLUMNS.length} className={classes.error}>
                  <Typography variant="body2" role="alert">
                    {image.error.message}
                  </Typography>
                </TableCell>
              </TableRow>
            )}
          </Fragment>
        ))}
      </TableBody>
    </Table>
  );
}

function versionsBehindText(versionsBehind: number | undefined): string {
  if (versionsBehind === undefined) return '—';
  if (versionsBehind === 0) return 'none';
  return `${versionsBehind} version${versionsBehind === 1 ? '' : 's'}`;
}
