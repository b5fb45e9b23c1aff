export { PlainGitHostAdapter } from './PlainGitHostAdapter';
export type { PlainGitHostAdapterOptions } from './PlainGitHostAdapter';
export { NO_CHANGE_REQUESTS } from './PlainGitRepository';
