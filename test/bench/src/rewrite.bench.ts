import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import {
  applyToDirectory,
  rewriteManifest,
} from '@image-automation/plugin-image-automation-node';
import { Benchmark, BenchmarkFigures } from './types';

/** 25 lines: a Deployment with comments, a marked image, a plain one and a block scalar. */
function deploymentDocument(i: number, policy: string): string[] {
  return [
    '---',
    `# workload ${i}`,
    'apiVersion: apps/v1',
    'kind: Deployment',
    'metadata:',
    `  name: app-${i}`,
    '  labels: {team: payments}',
    'spec:',
    '  replicas: 2',
    '  template:',
    '    spec:',
    '      containers:',
    `        - name: app-${i}`,
    `          image: ghcr.io/acme/app-${
      i % 20
    }:1.0.0 # {"$imagepolicy": "${policy}"}`,
    '          args: ["--port", "8080"]',
    '          env:',
    '            - name: SCRIPT',
    '              value: |',
    '                # {"$imagepolicy": "not-a-marker"} inside a block scalar',
    '                echo start',
    '        - name: sidecar',
    "          image: 'envoyproxy/envoy:v1.29.0'",
    '          resources:',
    '            limits: {cpu: 100m}',
    '',
  ];
}

function manifest(documents: number, offset: number): string {
  const lines: string[] = [];
  for (let d = 0; d < documents; d++) {
    const i = offset + d;
    lines.push(...deploymentDocument(i, `flux-system:app-${i % 20}`));
  }
  return `${lines.join('\n')}\n`;
}

const images = Object.fromEntries(
  Array.from({ length: 20 }, (_, i) => [
    `flux-system:app-${i}`,
    `ghcr.io/acme/app-${i}:1.1.0`,
  ]),
);

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function time(fn: () => void): number {
  const start = performance.now();
  fn();
  return performance.now() - start;
}

/** CPU milliseconds of this process (user + system) spent in `fn`: steadier than wall time on a shared machine. */
function cpuTime(fn: () => void): number {
  const start = process.cpuUsage();
  fn();
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000;
}

/**
 * Manifest rewriting: one 5,000-line multi-document file with 200 markers
 * (target < 100 ms), and 1,000 files of 200 lines (target < 2 s), in memory
 * and through the directory walker with real files.
 */
export const rewriteBenchmark: Benchmark = {
  name: 'rewrite',
  async run(): Promise<BenchmarkFigures> {
    const big = manifest(200, 0);
    const bigLines = big.split('\n').length - 1;
    let bigChanges = 0;
    time(() => rewriteManifest({ path: 'big.yaml', content: big }, images)); // warm-up
    const bigRuns = Array.from({ length: 7 }, () =>
      time(() => {
        bigChanges = rewriteManifest({ path: 'big.yaml', content: big }, images)
          .changes.length;
      }),
    );
    const bigMs = median(bigRuns);

    const files = Array.from({ length: 1000 }, (_, f) => manifest(8, f * 8));
    const fileLines = files[0].split('\n').length - 1;
    let smallChanges = 0;
    const rewriteAll = (contents: string[]) => () => {
      smallChanges = 0;
      contents.forEach((content, f) => {
        smallChanges += rewriteManifest(
          { path: `deploy/app-${f}.yaml`, content },
          images,
        ).changes.length;
      });
    };
    rewriteAll(files.slice(0, 100))(); // warm-up
    const cpuRuns: number[] = [];
    const filesRuns = Array.from({ length: 3 }, () =>
      time(() => {
        cpuRuns.push(cpuTime(rewriteAll(files)));
      }),
    );
    const filesMs = median(filesRuns);
    const filesCpuMs = median(cpuRuns);
    // The same files with one non-ASCII comment each, which the plain-YAML
    // scanner leaves to the yaml package: the cost of the general path.
    const unusualFiles = files.map(content =>
      content.replace('# workload', '# workload —'),
    );
    const yamlPathMs = time(rewriteAll(unusualFiles));

    const root = mkdtempSync(join(tmpdir(), 'ia-bench-rewrite-'));
    let dirMs: number;
    try {
      files.forEach((content, f) => {
        const dir = join(root, `team-${f % 10}`);
        mkdirSync(dir, { recursive: true });
        writeFileSync(join(dir, `app-${f}.yaml`), content);
      });
      const start = performance.now();
      await applyToDirectory(root, images);
      dirMs = performance.now() - start;
    } finally {
      rmSync(root, { recursive: true, force: true });
    }

    const rows: Array<[string, string, string]> = [
      [
        `1 file, ${bigLines} lines, ${bigChanges} markers (median of 7)`,
        `${bigMs.toFixed(1)} ms`,
        '< 100 ms',
      ],
      [
        `1,000 files × ${fileLines} lines, ${smallChanges} markers, in memory (median of 3)`,
        `${filesMs.toFixed(0)} ms`,
        '< 2,000 ms',
      ],
      [
        '  CPU time of this process for it (median of 3)',
        `${filesCpuMs.toFixed(0)} ms`,
        '',
      ],
      [
        'same 1,000 files, each with a non-ASCII comment (yaml package path)',
        `${yamlPathMs.toFixed(0)} ms`,
        '',
      ],
      [
        'same 1,000 files through applyToDirectory (read + write)',
        `${dirMs.toFixed(0)} ms`,
        '',
      ],
    ];
    const width = Math.max(...rows.map(r => r[0].length));
    for (const [what, took, target] of rows) {
      process.stdout.write(
        `${what.padEnd(width)}  ${took.padStart(9)}  ${target}\n`,
      );
    }
    return {
      rewrite_5000_lines_ms: Math.round(bigMs * 10) / 10,
      rewrite_1000_files_ms: Math.round(filesMs),
      rewrite_1000_files_cpu_ms: Math.round(filesCpuMs),
      rewrite_1000_files_yaml_path_ms: Math.round(yamlPathMs),
      rewrite_1000_files_dir_ms: Math.round(dirMs),
    };
  },
};
