import { performance } from 'node:perf_hooks';
import {
  ImagePolicySpec,
  createTagPolicy,
} from '@image-automation/plugin-image-automation-common';
// The naive baseline: the npm semver package, already in the workspace as a
// dependency of -common.
// eslint-disable-next-line @backstage/no-undeclared-imports -- to declare in test/bench/package.json (not this file's owner)
import { maxSatisfying } from 'semver';
import { Benchmark, BenchmarkFigures } from './types';

const TAG_COUNT = 100_000;
const WARM_UP_RUNS = 10;
const TIMED_RUNS = 11;

/** A small seeded generator, so every run scans the same tags. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

/**
 * What a busy repository lists: releases with and without `v`, prereleases,
 * branch builds, build numbers, signatures, and a few malformed tags.
 */
function mixedTags(count: number): string[] {
  const next = random(42);
  const int = (max: number) => Math.floor(next() * max);
  const hex = () => int(0xffffffff).toString(16).padStart(8, '0');
  const tags: string[] = [];
  for (let i = 0; i < count; i++) {
    const kind = next();
    const version = `${int(4)}.${int(30)}.${int(40)}`;
    if (kind < 0.3) tags.push(version);
    else if (kind < 0.4) tags.push(`v${version}`);
    else if (kind < 0.55)
      tags.push(`${version}-${['rc', 'beta', 'alpha'][int(3)]}.${int(12)}`);
    else if (kind < 0.8) tags.push(`main-${hex()}-${1_700_000_000 + i}`);
    else if (kind < 0.9) tags.push(String(int(1_000_000)));
    else if (kind < 0.95) tags.push(`sha256-${hex()}${hex()}.sig`);
    else
      tags.push(
        [
          'latest',
          'stable',
          `${int(4)}.${int(30)}`,
          `${version}.1`,
          'bad tag',
          'x\ny',
        ][int(6)],
      );
  }
  return tags;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** Median wall time of `fn` after warming the JIT up on it. */
function measure(fn: () => unknown): number {
  for (let i = 0; i < WARM_UP_RUNS; i++) fn();
  const runs: number[] = [];
  for (let i = 0; i < TIMED_RUNS; i++) {
    const start = performance.now();
    fn();
    runs.push(performance.now() - start);
  }
  return median(runs);
}

interface Case {
  key: string;
  what: string;
  spec: ImagePolicySpec;
  target?: string;
}

const RANGE = '>=1.4.0 <2.0.0';

const CASES: Case[] = [
  {
    key: 'policy_100k_semver_ms',
    what: `semver ${RANGE}`,
    spec: { semver: { range: RANGE } },
    target: '< 50 ms',
  },
  {
    key: 'policy_100k_alphabetical_ms',
    what: 'alphabetical asc',
    spec: { alphabetical: { order: 'asc' } },
    target: '< 20 ms',
  },
  {
    key: 'policy_100k_numerical_ms',
    what: 'numerical asc',
    spec: { numerical: { order: 'asc' } },
    target: '< 20 ms',
  },
  {
    key: 'policy_100k_semver_filtered_ms',
    what: 'semver * + filterTags ^v?(?P<v>…)$ extract $v',
    spec: {
      semver: { range: '*' },
      filterTags: {
        pattern: '^v?(?P<v>[0-9]+\\.[0-9]+\\.[0-9]+.*)$',
        extract: '$v',
      },
    },
  },
  {
    key: 'policy_100k_numerical_filtered_ms',
    what: 'numerical asc + filterTags ^main-…-(?P<ts>…)$ extract $ts',
    spec: {
      numerical: { order: 'asc' },
      filterTags: {
        pattern: '^main-[a-f0-9]+-(?P<ts>[0-9]+)$',
        extract: '$ts',
      },
    },
  },
];

/**
 * Tag policies over 100,000 mixed tags: choosing the latest tag (what every
 * scan does), and choosing plus ranking every allowed tag (what "versions
 * behind" needs; `candidates` is computed on first read). The naive baseline
 * is `semver.maxSatisfying` over the same tags in the same run.
 */
export const policyBenchmark: Benchmark = {
  name: 'policy',
  async run(): Promise<BenchmarkFigures> {
    const tags = mixedTags(TAG_COUNT);
    const figures: BenchmarkFigures = {};
    const rows: Array<[string, string, string, string]> = [];

    // One pass over every case first, so the heap has grown and the shared
    // evaluation code is optimised before the first case is timed.
    for (const { spec } of CASES) {
      const policy = createTagPolicy(spec);
      for (let i = 0; i < WARM_UP_RUNS; i++)
        void policy.evaluate(tags).candidates;
    }

    for (const { key, what, spec, target } of CASES) {
      const policy = createTagPolicy(spec);
      const evaluation = policy.evaluate(tags);
      const latestMs = measure(() => policy.evaluate(tags).latest);
      const rankedMs = measure(() => policy.evaluate(tags).candidates.length);
      figures[key] = Number(latestMs.toFixed(2));
      figures[key.replace(/_ms$/, '_ranked_ms')] = Number(rankedMs.toFixed(2));
      rows.push([
        `${what} (${evaluation.candidates.length} allowed, latest ${evaluation.latest})`,
        `${latestMs.toFixed(1)} ms`,
        `${rankedMs.toFixed(1)} ms`,
        target ?? '',
      ]);
    }

    let naiveLatest: string | null = null;
    const naiveMs = measure(() => {
      naiveLatest = maxSatisfying(tags, RANGE);
    });
    figures.policy_100k_semver_naive_ms = Number(naiveMs.toFixed(2));
    figures.policy_100k_semver_speedup = Number(
      (naiveMs / figures.policy_100k_semver_ms).toFixed(1),
    );
    rows.push([
      `naive semver.maxSatisfying(${RANGE}) (latest ${naiveLatest})`,
      `${naiveMs.toFixed(1)} ms`,
      '',
      '',
    ]);

    process.stdout.write(
      `${TAG_COUNT.toLocaleString(
        'en',
      )} tags, median of ${TIMED_RUNS} runs after ${WARM_UP_RUNS} warm-up runs\n`,
    );
    const header: [string, string, string, string] = [
      'case',
      'latest',
      '+ ranking',
      'target (latest)',
    ];
    const width = Math.max(...[header, ...rows].map(r => r[0].length));
    for (const [what, latest, ranked, target] of [header, ...rows]) {
      process.stdout.write(
        `${what.padEnd(width)}  ${latest.padStart(9)}  ${ranked.padStart(
          9,
        )}  ${target}\n`,
      );
    }
    process.stdout.write(
      `semver fast path is ${figures.policy_100k_semver_speedup}× faster than semver.maxSatisfying over the same tags\n`,
    );
    return figures;
  },
};
