import { ResponseErrorPanel } from '@backstage/core-components';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Paper from '@material-ui/core/Paper';
import { useCallback, useMemo } from 'react';
import { useSearchParams } from 'react-router-dom';
import { OverviewFilters } from './OverviewFilters';
import {
  formatOverviewSearch,
  OverviewSearch,
  parseOverviewSearch,
} from './overviewSearch';
import { OverviewTable } from './OverviewTable';
import { SummaryChart } from './SummaryChart';
import { useOverview } from './useOverview';

/**
 * The portal-wide view: how far behind the automated entities are, and which
 * of them need attention. Starts with what the signed-in user owns. The
 * filters, sort and page live in the URL, so a view can be shared.
 */
export function ImageAutomationOverview() {
  const [params, setParams] = useSearchParams();
  const search = useMemo(() => parseOverviewSearch(params), [params]);
  const update = useCallback(
    (change: Partial<OverviewSearch>) =>
      setParams(formatOverviewSearch({ ...search, ...change }), {
        replace: true,
      }),
    [search, setParams],
  );
  const { loading, error, response } = useOverview(search);

  return (
    <Grid container spacing={3} className="image-automation-overview">
      <Grid item xs={12}>
        {/* On paper: the labels' grey reads too faint on the page background. */}
        <Paper>
          <Box p={2}>
            <OverviewFilters
              value={search}
              registries={response?.registries ?? []}
              // A new filter starts again at the first page.
              onChange={filters => update({ ...filters, page: 0 })}
            />
          </Box>
        </Paper>
      </Grid>
      {error ? (
        <Grid item xs={12}>
          <ResponseErrorPanel error={error} />
        </Grid>
      ) : (
        <>
          {response && (
            <Grid item xs={12}>
              <SummaryChart summary={response.summary} />
            </Grid>
          )}
          <Grid item xs={12}>
            <OverviewTable
              entries={response?.items ?? []}
              totalItems={response?.totalItems ?? 0}
              loading={loading}
              search={search}
              onSort={(sort, order) => update({ sort, order, page: 0 })}
              onPage={(page, pageSize) => update({ page, pageSize })}
            />
          </Grid>
        </>
      )}
    </Grid>
  );
}
