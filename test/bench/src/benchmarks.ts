import { Benchmark } from './types';
import { rewriteBenchmark } from './rewrite.bench';
import { policyBenchmark } from './policy.bench';

/** Every benchmark, in the order `yarn bench` runs them. */
export const benchmarks: Benchmark[] = [rewriteBenchmark, policyBenchmark];
