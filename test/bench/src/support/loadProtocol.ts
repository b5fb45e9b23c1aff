/** Messages between the API benchmark and its load generator process. */

export interface LoadPlan {
  /** `http://127.0.0.1:PORT`; nothing else is ever contacted. */
  origin: string;
  /** Request paths, taken round-robin. */
  paths: string[];
  headers: Record<string, string>;
  /** Clients, each with one request in flight over a kept-alive connection. */
  concurrency: number;
  /** Requests sent first and not measured (connections, JIT, caches). */
  warmUp: number;
  /** Requests measured. */
  total: number;
}

export interface LoadResult {
  /** Latency of each measured request in ms, in completion order. */
  latenciesMs: number[];
  /** Measured requests by status code. */
  statuses: Record<string, number>;
  elapsedMs: number;
  /** The first unexpected answer, to show what went wrong. */
  firstFailure?: string;
}

export type LoadReply =
  | { type: 'done'; result: LoadResult }
  | { type: 'error'; message: string };
