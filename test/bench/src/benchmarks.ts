import { Benchmark } from './types';

/** Every benchmark, in the order `yarn bench` runs them. */
export const benchmarks: Benchmark[] = [];
