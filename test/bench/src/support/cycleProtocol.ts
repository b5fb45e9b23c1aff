import { MethodTiming } from './methodTimer';

/** Messages between the cycle benchmark and the process that runs the cycle. */

/**
 * `run` builds the engine and runs a first cycle; `again` runs another on the
 * same engine (nothing changed meanwhile: the steady state), then the process
 * ends. Between the two the benchmark asks the emulator what each cost.
 */
export type CycleRequest =
  | {
      type: 'run';
      database: 'postgres' | 'sqlite';
      registryHost: string;
      githubApiBaseUrl: string;
      githubToken: string;
    }
  | { type: 'again' };

/** What one measured cycle gives; GitHub's side is counted by the emulator. */
export interface CycleMeasurement {
  database: string;
  seconds: number;
  registryRequests: number;
  dbQueries: number;
  /** Peak RSS during the cycle, sampled every 50 ms. */
  peakRssMb: number;
  /** Peak V8 heap in use during the cycle, sampled with the RSS. */
  peakHeapMb: number;
  /** V8's heap as reserved (what RSS holds for it), and memory outside it (Buffers), at their peaks. */
  peakHeapTotalMb: number;
  peakExternalMb: number;
  /** V8's young generation, committed, at its largest. */
  peakNewSpaceMb: number;
  /** After start-up and the engine's construction, before the cycle (after a GC). */
  before: { rssMb: number; heapUsedMb: number };
  /** After the cycle and a GC: what the engine keeps between cycles. */
  after: { rssMb: number; heapUsedMb: number };
  /** The process's lifetime maximum, from the kernel. */
  maxRssMb: number;
  cpuMs: number;
  timings: Array<[string, MethodTiming]>;
  report: {
    entities: number;
    checked: number;
    repositoriesScanned: number;
    updatesDue: number;
  };
  /** Stored images by state after the cycle. */
  states: Record<string, number>;
  problems: string[];
}

export type CycleReply =
  | { type: 'measured'; measurement: CycleMeasurement }
  | { type: 'error'; message: string };
