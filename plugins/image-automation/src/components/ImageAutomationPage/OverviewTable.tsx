import { Link, Table, TableColumn } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { OverviewEntry } from '@image-automation/plugin-image-automation-common';
import Box from '@material-ui/core/Box';
import { formatAbsoluteTime, formatAge } from '../../format';
import { Timestamp } from '../Timestamp';

/** Sorts missing times last in both directions of the column. */
function compareTimes(a?: string, b?: string): number {
  return (a ? Date.parse(a) : Infinity) - (b ? Date.parse(b) : Infinity);
}

const COLUMNS: TableColumn<OverviewEntry>[] = [
  {
    title: 'Entity',
    field: 'entityRef',
    highlight: true,
    render: entry => <EntityRefLink entityRef={entry.entityRef} />,
  },
  {
    title: 'Owner',
    field: 'owner',
    render: entry =>
      entry.owner ? (
        <EntityRefLink entityRef={entry.owner} defaultKind="group" />
      ) : (
        '—'
      ),
  },
  {
    title: 'System',
    field: 'system',
    render: entry =>
      entry.system ? (
        <EntityRefLink entityRef={entry.system} defaultKind="system" />
      ) : (
        '—'
      ),
  },
  { title: 'Images behind', field: 'imagesBehind', type: 'numeric' },
  {
    title: 'Oldest pending update',
    field: 'oldestPendingSince',
    // Oldest first when sorted ascending: the longest wait is the most urgent.
    customSort: (a, b) =>
      compareTimes(a.oldestPendingSince, b.oldestPendingSince),
    render: entry =>
      entry.oldestPendingSince ? (
        <span title={formatAbsoluteTime(entry.oldestPendingSince)}>
          {formatAge(entry.oldestPendingSince)}
        </span>
      ) : (
        '—'
      ),
  },
  {
    title: 'Open PRs',
    field: 'openPullRequests',
    customSort: (a, b) => a.openPullRequests.length - b.openPullRequests.length,
    render: entry =>
      entry.openPullRequests.length === 0
        ? '—'
        : entry.openPullRequests.map((pr, index) => (
            <span key={pr.url}>
              {index > 0 && ', '}
              <Link to={pr.url}>#{pr.number}</Link>
            </span>
          )),
  },
  { title: 'Errors', field: 'errors', type: 'numeric' },
  {
    title: 'Last checked',
    field: 'lastCheckedAt',
    customSort: (a, b) => compareTimes(a.lastCheckedAt, b.lastCheckedAt),
    render: entry =>
      entry.lastCheckedAt ? <Timestamp iso={entry.lastCheckedAt} /> : 'never',
  },
];

/** Every automated entity, sortable by any column. */
export function OverviewTable(props: {
  entries: OverviewEntry[];
  loading: boolean;
}) {
  return (
    <Table<OverviewEntry>
      title="Automated entities"
      columns={COLUMNS}
      data={props.entries}
      isLoading={props.loading}
      options={{
        paging: props.entries.length > 20,
        pageSize: 20,
        search: true,
        padding: 'dense',
      }}
      emptyContent={<Box p={2}>No automated entities match these filters.</Box>}
    />
  );
}
