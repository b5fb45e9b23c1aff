/*
 * Runs every benchmark in one process, prints their figures and writes them to
 * test/bench/results.json. `yarn bench` runs it; `yarn bench NAME…` runs some.
 */
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { resolve } from 'node:path';
import { benchmarks } from './benchmarks';
import { BenchmarkFigures } from './types';

async function main() {
  const only = process.argv.slice(2);
  const selected = only.length
    ? benchmarks.filter(b => only.includes(b.name))
    : benchmarks;
  const figures: BenchmarkFigures = {};
  for (const benchmark of selected) {
    process.stdout.write(`\n== ${benchmark.name}\n`);
    Object.assign(figures, await benchmark.run());
  }
  const results = {
    ...figures,
    machine: {
      nproc: Number(execFileSync('nproc').toString().trim()) || cpus().length,
      node: process.version,
    },
    date: new Date().toISOString(),
  };
  // Benchmarks only ever run from source, never from a production build.
  // eslint-disable-next-line no-restricted-syntax
  const file = resolve(__dirname, '../results.json');
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(`\n${JSON.stringify(results, null, 2)}\nwritten to ${file}\n`);
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exitCode = 1;
});
