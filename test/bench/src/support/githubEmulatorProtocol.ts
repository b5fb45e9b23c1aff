/** Messages between the benchmark and the GitHub emulator's process. */

export interface SeedRepository {
  owner: string;
  name: string;
  files: Record<string, string>;
}

export type EmulatorRequest =
  | { type: 'start'; tokens: string[]; repositories: SeedRepository[] }
  /** Requests served since the last ask, by route; the log is then cleared. */
  | { type: 'requests' }
  | { type: 'stop' };

/** What GitHub was asked since the last ask, and what it charged for it. */
export interface GithubTraffic {
  /** Requests by route, e.g. `GET /repos/:owner/:repo/git/trees/:sha`. */
  byRoute: Record<string, number>;
  requests: number;
  /** Answered 304 to a conditional request: free. */
  notModified: number;
  /** REST requests counted against the primary limit. */
  coreCharged: number;
  /** GraphQL points counted against the primary limit. */
  graphqlPoints: number;
  /** Refused for a spent rate limit. */
  rateLimited: number;
}

export type EmulatorReply =
  | { type: 'ready'; apiBaseUrl: string }
  | ({ type: 'requests'; cpuMs: number } & GithubTraffic)
  | { type: 'stopped' }
  | { type: 'error'; message: string };
