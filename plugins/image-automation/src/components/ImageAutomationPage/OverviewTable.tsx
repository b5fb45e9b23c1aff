import { InfoCard, Link, Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { ScmIntegrationRegistry } from '@backstage/integration';
import { scmIntegrationsApiRef } from '@backstage/integration-react';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  OverviewEntry,
  OverviewSortField,
} from '@image-automation/plugin-image-automation-common';
import Box from '@material-ui/core/Box';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TablePagination from '@material-ui/core/TablePagination';
import TableRow from '@material-ui/core/TableRow';
import TableSortLabel from '@material-ui/core/TableSortLabel';
import { makeStyles } from '@material-ui/core/styles';
import { ReactNode } from 'react';
import { ChangeLink } from '../EntityImageAutomationCard/ChangeLink';
import { scmLinksFor } from '../EntityImageAutomationCard/scmLinks';
import { Age, Timestamp } from '../Timestamp';
import { OverviewSearch, PAGE_SIZES } from './overviewSearch';

interface Column {
  title: string;
  sort?: OverviewSortField;
  numeric?: boolean;
  render: (
    entry: OverviewEntry,
    integrations: ScmIntegrationRegistry,
  ) => ReactNode;
}

const COLUMNS: Column[] = [
  {
    title: 'Entity',
    sort: 'entity',
    render: entry => <EntityRefLink entityRef={entry.entityRef} />,
  },
  {
    title: 'Owner',
    sort: 'owner',
    render: entry =>
      entry.owner ? (
        <EntityRefLink entityRef={entry.owner} defaultKind="group" />
      ) : (
        '—'
      ),
  },
  {
    title: 'System',
    render: entry =>
      entry.system ? (
        <EntityRefLink entityRef={entry.system} defaultKind="system" />
      ) : (
        '—'
      ),
  },
  {
    title: 'Images behind',
    sort: 'behind',
    numeric: true,
    render: e => e.imagesBehind,
  },
  {
    title: 'Oldest pending update',
    sort: 'pending',
    render: entry =>
      entry.oldestPendingSince ? <Age since={entry.oldestPendingSince} /> : '—',
  },
  {
    // Its pull or merge request, or the branch and commit it was pushed to.
    title: 'Latest change',
    render: (entry, integrations) => {
      if (entry.change) {
        return (
          <ChangeLink
            change={entry.change}
            links={scmLinksFor(entry.repository, undefined, integrations)}
          />
        );
      }
      return entry.openPullRequests.length === 0
        ? '—'
        : entry.openPullRequests.map((pr, index) => (
            <span key={pr.url}>
              {index > 0 && ', '}
              <Link to={pr.url}>#{pr.number}</Link>
            </span>
          ));
    },
  },
  { title: 'Errors', sort: 'errors', numeric: true, render: e => e.errors },
  {
    title: 'Last checked',
    sort: 'checked',
    render: entry =>
      entry.lastCheckedAt ? <Timestamp iso={entry.lastCheckedAt} /> : 'never',
  },
];

// The theme lets table text break anywhere, which lets the browser shrink
// columns below their words ("Own er", "guest s"): words stay whole, and a
// long branch name breaks at its hyphens and slashes.
const useStyles = makeStyles({
  cell: { wordBreak: 'normal', overflowWrap: 'break-word' },
});

/** One page of automated entities, sorted and paged by the backend. */
export function OverviewTable(props: {
  entries: OverviewEntry[];
  totalItems: number;
  loading: boolean;
  search: Pick<OverviewSearch, 'sort' | 'order' | 'page' | 'pageSize'>;
  onSort: (sort: OverviewSortField, order: 'asc' | 'desc') => void;
  onPage: (page: number, pageSize: number) => void;
}) {
  const { entries, totalItems, loading, search, onSort, onPage } = props;
  const integrations = useApi(scmIntegrationsApiRef);
  const classes = useStyles();
  return (
    <InfoCard title="Automated entities" noPadding>
      {loading && <Progress />}
      <Table size="small" aria-label="Automated entities" aria-busy={loading}>
        <TableHead>
          <TableRow>
            {COLUMNS.map(column => {
              const active = column.sort === search.sort;
              return (
                <TableCell
                  key={column.title}
                  className={classes.cell}
                  align={column.numeric ? 'right' : 'left'}
                  sortDirection={active ? search.order : false}
                >
                  {column.sort ? (
                    <TableSortLabel
                      active={active}
                      direction={active ? search.order : 'asc'}
                      onClick={() =>
                        onSort(
                          column.sort!,
                          active && search.order === 'asc' ? 'desc' : 'asc',
                        )
                      }
                    >
                      {column.title}
                    </TableSortLabel>
                  ) : (
                    column.title
                  )}
                </TableCell>
              );
            })}
          </TableRow>
        </TableHead>
        <TableBody>
          {entries.map(entry => (
            <TableRow key={entry.entityRef}>
              {COLUMNS.map(column => (
                <TableCell
                  key={column.title}
                  className={classes.cell}
                  align={column.numeric ? 'right' : 'left'}
                >
                  {column.render(entry, integrations)}
                </TableCell>
              ))}
            </TableRow>
          ))}
          {!loading && entries.length === 0 && (
            <TableRow>
              <TableCell colSpan={COLUMNS.length}>
                <Box p={2}>No automated entities match these filters.</Box>
              </TableCell>
            </TableRow>
          )}
        </TableBody>
      </Table>
      <TablePagination
        component="div"
        count={totalItems}
        page={Math.min(
          search.page,
          Math.max(0, Math.ceil(totalItems / search.pageSize) - 1),
        )}
        rowsPerPage={search.pageSize}
        rowsPerPageOptions={PAGE_SIZES}
        onPageChange={(_, page) => onPage(page, search.pageSize)}
        onRowsPerPageChange={event => onPage(0, Number(event.target.value))}
      />
    </InfoCard>
  );
}
