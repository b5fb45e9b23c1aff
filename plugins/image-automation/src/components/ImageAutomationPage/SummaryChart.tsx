import { InfoCard } from '@backstage/core-components';
import Grid from '@material-ui/core/Grid';
import { makeStyles, Theme } from '@material-ui/core/styles';
import Typography from '@material-ui/core/Typography';
import { STATE_LABELS } from '../ImageStateChip';
import {
  ImageState,
  OverviewSummary,
} from '@image-automation/plugin-image-automation-common';

/** Bar colours come from the app theme, so they follow light and dark mode. */
const STATE_COLOURS: Record<ImageState, (theme: Theme) => string> = {
  error: theme => theme.palette.error.main,
  'update-available': theme => theme.palette.warning.main,
  'pr-open': theme => theme.palette.info.main,
  pending: theme => theme.palette.text.disabled,
  'up-to-date': theme => theme.palette.success.main,
};

/** Older waits are drawn in more alarming colours. */
const AGE_COLOURS: Array<(theme: Theme) => string> = [
  theme => theme.palette.info.main,
  theme => theme.palette.warning.light,
  theme => theme.palette.warning.dark,
  theme => theme.palette.error.main,
];

const useStyles = makeStyles(theme => ({
  list: { listStyle: 'none', margin: 0, padding: 0 },
  row: {
    display: 'grid',
    gridTemplateColumns: '10rem 1fr 3rem',
    alignItems: 'center',
    gap: theme.spacing(1),
    marginBottom: theme.spacing(1),
  },
  track: {
    height: theme.spacing(2),
    backgroundColor: theme.palette.action.hover,
    borderRadius: theme.shape.borderRadius,
    overflow: 'hidden',
  },
  count: { textAlign: 'right' },
}));

interface Bar {
  label: string;
  count: number;
  colour: (theme: Theme) => string;
}

function BarList(props: { title: string; unit: string; bars: Bar[] }) {
  const classes = useStyles();
  const max = Math.max(1, ...props.bars.map(bar => bar.count));
  return (
    <>
      <Typography variant="subtitle2" component="h3" gutterBottom>
        {props.title}
      </Typography>
      <ul className={classes.list} aria-label={props.title}>
        {props.bars.map(bar => (
          <li
            key={bar.label}
            className={classes.row}
            aria-label={`${bar.label}: ${bar.count} ${props.unit}`}
          >
            <Typography variant="body2">{bar.label}</Typography>
            <div className={classes.track}>
              <BarFill colour={bar.colour} percent={(100 * bar.count) / max} />
            </div>
            <Typography variant="body2" className={classes.count}>
              {bar.count}
            </Typography>
          </li>
        ))}
      </ul>
    </>
  );
}

const useFillStyles = makeStyles<
  Theme,
  { colour: Bar['colour']; percent: number }
>(theme => ({
  fill: {
    height: '100%',
    width: ({ percent }) => `${percent}%`,
    backgroundColor: ({ colour }) => colour(theme),
  },
}));

function BarFill(props: { colour: Bar['colour']; percent: number }) {
  const classes = useFillStyles(props);
  return <div className={classes.fill} />;
}

/** How far behind the listed entities are: images by state, and how long updates have waited. */
export function SummaryChart(props: { summary: OverviewSummary }) {
  const { imagesByState, entitiesByPendingAge } = props.summary;
  return (
    <InfoCard title="How far behind">
      <Grid container spacing={4}>
        <Grid item xs={12} md={6}>
          <BarList
            title="Images by state"
            unit="images"
            bars={imagesByState.map(({ state, count }) => ({
              label: STATE_LABELS[state],
              count,
              colour: STATE_COLOURS[state],
            }))}
          />
        </Grid>
        <Grid item xs={12} md={6}>
          <BarList
            title="Entities by age of their oldest pending update"
            unit="entities"
            bars={entitiesByPendingAge.map(({ label, count }, index) => ({
              label,
              count,
              colour: AGE_COLOURS[index],
            }))}
          />
        </Grid>
      </Grid>
    </InfoCard>
  );
}
