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

export type EmulatorReply =
  | { type: 'ready'; apiBaseUrl: string }
  | { type: 'requests'; byRoute: Record<string, number>; cpuMs: number }
  | { type: 'stopped' }
  | { type: 'error'; message: string };
