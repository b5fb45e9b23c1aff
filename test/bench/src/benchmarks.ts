import { Benchmark } from './types';
import { rewriteBenchmark } from './rewrite.bench';

/** Every benchmark, in the order `yarn bench` runs them. */
export const benchmarks: Benchmark[] = [rewriteBenchmark];
