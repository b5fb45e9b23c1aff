/** One benchmark: runs, prints its own table, returns the figures it measured. */
export interface Benchmark {
  name: string;
  run(): Promise<BenchmarkFigures>;
}

/** Figures by results.json key; numbers only. */
export type BenchmarkFigures = Record<string, number>;
