import { Benchmark } from './types';
import { registryBenchmark } from './registry.bench';
import { rewriteBenchmark } from './rewrite.bench';
import { policyBenchmark } from './policy.bench';
import { cycleBenchmark } from './cycle.bench';
import { apiBenchmark } from './api.bench';
import { gitReadsBenchmark } from './gitReads.bench';

/** Every benchmark, in the order `yarn bench` runs them. */
export const benchmarks: Benchmark[] = [
  registryBenchmark,
  rewriteBenchmark,
  policyBenchmark,
  gitReadsBenchmark,
  cycleBenchmark,
  apiBenchmark,
];
