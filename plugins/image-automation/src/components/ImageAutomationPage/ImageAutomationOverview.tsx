import { ResponseErrorPanel } from '@backstage/core-components';
import Grid from '@material-ui/core/Grid';
import { useMemo, useState } from 'react';
import { errorMessage } from '../errorMessage';
import { OverviewFilters, OverviewFilterValues } from './OverviewFilters';
import { OverviewTable } from './OverviewTable';
import { SummaryChart } from './SummaryChart';
import { summarizeOverview } from './summarizeOverview';
import { useOverview } from './useOverview';

/**
 * The portal-wide view: how far behind the automated entities are, and which
 * of them need attention. Starts with what the signed-in user owns.
 */
export function ImageAutomationOverview() {
  const [filters, setFilters] = useState<OverviewFilterValues>({
    owner: 'mine',
  });
  const { loading, error, entries } = useOverview(filters);

  const summary = useMemo(
    () => summarizeOverview(entries, Date.now()),
    [entries],
  );
  const registries = useMemo(() => {
    const seen = new Set(entries.flatMap(entry => entry.registries));
    // Keep the chosen registry pickable even when the list no longer shows it.
    if (filters.registry) seen.add(filters.registry);
    return [...seen].sort();
  }, [entries, filters.registry]);

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <OverviewFilters
          value={filters}
          registries={registries}
          onChange={setFilters}
        />
      </Grid>
      {error ? (
        <Grid item xs={12}>
          <ResponseErrorPanel error={error} title={errorMessage(error)} />
        </Grid>
      ) : (
        <>
          <Grid item xs={12}>
            <SummaryChart summary={summary} />
          </Grid>
          <Grid item xs={12}>
            <OverviewTable entries={entries} loading={loading} />
          </Grid>
        </>
      )}
    </Grid>
  );
}
