export { GithubReads } from './GithubReads';
export type { BranchListing, GithubReadsOptions } from './GithubReads';
export type { GithubReadTarget } from './GithubReadTarget';
export { GithubRateLimitError } from './GithubRateLimitError';
export { ConditionalReads } from './ConditionalReads';
