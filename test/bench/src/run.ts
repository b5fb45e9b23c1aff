/*
 * Runs every benchmark in one process, prints their figures and writes them to
 * test/bench/results.json. `yarn bench` runs it; `yarn bench NAME…` runs some
 * and merges their figures into the file, keeping the other benchmarks' keys.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
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
  // Benchmarks only ever run from source, never from a production build.
  // eslint-disable-next-line no-restricted-syntax
  const file = resolve(__dirname, '../results.json');
  const results = {
    ...previousResults(file),
    ...figures,
    machine: {
      nproc: Number(execFileSync('nproc').toString().trim()) || cpus().length,
      node: process.version,
    },
    date: new Date().toISOString(),
  };
  writeFileSync(file, `${JSON.stringify(results, null, 2)}\n`);
  process.stdout.write(
    `\n${JSON.stringify(results, null, 2)}\nwritten to ${file}\n`,
  );
}

/**
 * The figures of earlier runs, so running one benchmark does not erase the
 * others'. A file that is not a JSON object is refused rather than overwritten.
 */
function previousResults(file: string): Record<string, unknown> {
  if (!existsSync(file)) return {};
  const previous: unknown = JSON.parse(readFileSync(file, 'utf8'));
  if (
    typeof previous !== 'object' ||
    previous === null ||
    Array.isArray(previous)
  ) {
    throw new Error(
      `${file} does not hold a JSON object; fix or delete it, then run again`,
    );
  }
  return previous as Record<string, unknown>;
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exitCode = 1;
});
