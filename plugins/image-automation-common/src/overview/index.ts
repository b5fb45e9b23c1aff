export { PENDING_AGE_BUCKETS, summarizeOverview } from './summarizeOverview';
export type { OverviewSummary } from './summarizeOverview';
