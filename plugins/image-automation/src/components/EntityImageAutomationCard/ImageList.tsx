import { Link } from '@backstage/core-components';
import {
  ImageStatus,
  shortDigest,
} from '@image-automation/plugin-image-automation-common';
import IconButton from '@material-ui/core/IconButton';
import { makeStyles } from '@material-ui/core/styles';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import ExpandLessIcon from '@material-ui/icons/ExpandLess';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import { Fragment, ReactNode, useState } from 'react';
import { ImageStateChip } from '../ImageStateChip';
import { Age, Timestamp } from '../Timestamp';
import { BreakableName } from './BreakableName';
import { ChangeLink, changeTerm } from './ChangeLink';
import { ScmLinks } from './scmLinks';
import { visuallyHidden } from '../visuallyHidden';

const useStyles = makeStyles(theme => ({
  table: { tableLayout: 'auto' },
  // Names wrap only where BreakableName allows it.
  name: { wordBreak: 'keep-all', overflowWrap: 'normal' },
  nowrap: { whiteSpace: 'nowrap' },
  // The image's own row loses its bottom border when its details follow, so
  // the two read as one entry.
  withDetail: { '& > td': { borderBottom: 'none' } },
  // The theme's main red is too light for body text on white (axe
  // color-contrast); its dark shade reads, and the light one on dark themes.
  error: {
    color:
      theme.palette.type === 'dark'
        ? theme.palette.error.light
        : theme.palette.error.dark,
  },
  details: {
    display: 'grid',
    gridTemplateColumns: 'max-content 1fr',
    gap: theme.spacing(0.5, 2),
    margin: 0,
    '& dt': { color: theme.palette.text.secondary },
    '& dd': { margin: 0, minWidth: 0 },
  },
  expandCell: { width: 48, padding: theme.spacing(0, 0.5) },
}));

/**
 * One row per image with what matters at a glance: the image, its tags and
 * its state, and the error in the backend's words. The rest (policy, where
 * the tag was read, the pull request, waiting times) is one click away. At
 * full width the tags, policy and distance get columns of their own.
 */
export function ImageList(props: {
  images: ImageStatus[];
  wide: boolean;
  links: ScmLinks;
}) {
  const { images, wide, links } = props;
  const classes = useStyles();
  const [expanded, setExpanded] = useState<ReadonlySet<string>>(new Set());
  const toggle = (name: string) =>
    setExpanded(previous => {
      const next = new Set(previous);
      if (!next.delete(name)) next.add(name);
      return next;
    });
  const columns = wide
    ? ['Image', 'Current tag', 'Latest allowed', 'Policy', 'State', 'Behind']
    : ['Image', 'State'];

  return (
    <Table size="small" aria-label="images" className={classes.table}>
      <TableHead>
        <TableRow>
          {columns.map(column => (
            <TableCell key={column} className={classes.nowrap}>
              {column}
            </TableCell>
          ))}
          <TableCell className={classes.expandCell}>
            <span style={visuallyHidden}>Details</span>
          </TableCell>
        </TableRow>
      </TableHead>
      <TableBody>
        {images.map(image => {
          const open = expanded.has(image.name);
          const detailsId = `image-details-${idOf(image.name)}`;
          return (
            <Fragment key={image.name}>
              <TableRow
                className={open ? classes.withDetail : undefined}
                data-image={image.name}
              >
                <TableCell className={classes.name}>
                  <Typography variant="body2">
                    <BreakableName>{image.image}</BreakableName>
                  </Typography>
                  {image.name !== image.image && (
                    <Typography
                      variant="caption"
                      color="textSecondary"
                      component="div"
                    >
                      {image.name}
                    </Typography>
                  )}
                  {!wide && (
                    <Typography variant="caption" component="div">
                      <TagsInBrief image={image} />
                    </Typography>
                  )}
                  {image.error && (
                    <Typography variant="body2" className={classes.error}>
                      {image.error.message}
                    </Typography>
                  )}
                </TableCell>
                {wide && (
                  <>
                    <TableCell className={classes.nowrap}>
                      {image.currentTag ?? '—'}
                    </TableCell>
                    <TableCell className={classes.nowrap}>
                      {image.latestTag ?? '—'}
                    </TableCell>
                    <TableCell>{image.policy}</TableCell>
                  </>
                )}
                <TableCell>
                  <ImageStateChip
                    state={image.state}
                    pullRequest={image.pullRequest}
                    change={image.change}
                  />
                  {!wide && image.versionsBehind ? (
                    <Typography
                      variant="caption"
                      color="textSecondary"
                      component="div"
                    >
                      {behindText(image.versionsBehind)} behind
                    </Typography>
                  ) : null}
                </TableCell>
                {wide && (
                  <TableCell className={classes.nowrap}>
                    {behindText(image.versionsBehind)}
                  </TableCell>
                )}
                <TableCell className={classes.expandCell}>
                  <IconButton
                    size="small"
                    aria-expanded={open}
                    aria-controls={open ? detailsId : undefined}
                    aria-label={`Details of ${image.name}`}
                    onClick={() => toggle(image.name)}
                  >
                    {open ? <ExpandLessIcon /> : <ExpandMoreIcon />}
                  </IconButton>
                </TableCell>
              </TableRow>
              {open && (
                <TableRow id={detailsId}>
                  <TableCell colSpan={columns.length + 1}>
                    <ImageDetails image={image} links={links} wide={wide} />
                  </TableCell>
                </TableRow>
              )}
            </Fragment>
          );
        })}
      </TableBody>
    </Table>
  );
}

function TagsInBrief(props: { image: ImageStatus }) {
  const { currentTag, latestTag } = props.image;
  if (!currentTag) return <>no tag read yet</>;
  if (!latestTag || latestTag === currentTag) return <>{currentTag}</>;
  return (
    <>
      {currentTag} → {latestTag}
    </>
  );
}

function ImageDetails(props: {
  image: ImageStatus;
  links: ScmLinks;
  wide: boolean;
}) {
  const { image, links, wide } = props;
  const classes = useStyles();
  const items: Array<[string, ReactNode]> = [];
  if (!wide) items.push(['Policy', image.policy]);
  if (image.currentSource) {
    const { file, line } = image.currentSource;
    const url = links.fileUrl(file, line);
    const text = <BreakableName>{`${file}:${line}`}</BreakableName>;
    items.push(['Tag read from', url ? <Link to={url}>{text}</Link> : text]);
  }
  if (image.pendingSince) {
    items.push(['Update waiting for', <Age since={image.pendingSince} />]);
  }
  if (image.change) {
    items.push([
      changeTerm(image.change),
      <>
        <ChangeLink change={image.change} links={links} />
        {image.change.tag ? ` (${image.change.tag})` : ''}
      </>,
    ]);
  } else if (image.pullRequest) {
    const pr = image.pullRequest;
    items.push([
      'Pull request',
      <Link to={pr.url}>
        #{pr.number} ({pr.state})
      </Link>,
    ]);
  }
  if (image.digest) {
    items.push([
      'Digest',
      <span title={image.digest}>{shortDigest(image.digest)}</span>,
    ]);
  }
  if (image.message) items.push(['Note', image.message]);
  items.push([
    'Registry tags listed',
    image.lastScanAt ? <Timestamp iso={image.lastScanAt} /> : 'not yet',
  ]);
  if (image.lastPushEvent) {
    const push = image.lastPushEvent;
    items.push([
      'Last push event',
      <>
        {push.tag ? `${push.tag}, ` : ''}
        <Timestamp iso={push.receivedAt} />
        {push.pending ? ' (scan pending)' : ''}
      </>,
    ]);
  }
  return (
    <dl className={classes.details}>
      {items.map(([term, value]) => (
        <Fragment key={term}>
          <dt>
            <Typography variant="body2" component="span">
              {term}
            </Typography>
          </dt>
          <dd>
            <Typography variant="body2" component="span">
              {value}
            </Typography>
          </dd>
        </Fragment>
      ))}
    </dl>
  );
}

function idOf(name: string): string {
  return name.replace(/[^a-zA-Z0-9_-]/g, '_');
}

function behindText(versionsBehind: number | undefined): string {
  if (versionsBehind === undefined) return '—';
  if (versionsBehind === 0) return 'none';
  return `${versionsBehind} version${versionsBehind === 1 ? '' : 's'}`;
}
