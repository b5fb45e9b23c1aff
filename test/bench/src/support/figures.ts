/** Small helpers shared by the benchmarks: tables, percentiles, peak RSS. */

/** Prints rows as two or more aligned columns. */
export function printTable(rows: string[][]): void {
  const widths = rows[0].map((_, column) =>
    Math.max(...rows.map(row => (row[column] ?? '').length)),
  );
  for (const row of rows) {
    const line = row
      .map((cell, column) =>
        column === row.length - 1 ? cell : cell.padEnd(widths[column]),
      )
      .join('  ');
    process.stdout.write(`${line}\n`);
  }
}

/** The nearest-rank percentile of sorted values (p in 0..100). */
export function percentile(sorted: number[], p: number): number {
  if (!sorted.length) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

export function round(value: number, digits = 1): number {
  return Number(value.toFixed(digits));
}

const MB = 1024 * 1024;

/**
 * Peak resident set size while something runs, sampled every 50 ms; the
 * process's lifetime maximum would include earlier benchmarks and set-up.
 */
export class RssSampler {
  private peak = process.memoryUsage.rss();
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs = 50) {
    this.timer = setInterval(() => {
      this.peak = Math.max(this.peak, process.memoryUsage.rss());
    }, intervalMs);
  }

  /** Stops sampling; the peak in MB. */
  stop(): number {
    clearInterval(this.timer);
    this.peak = Math.max(this.peak, process.memoryUsage.rss());
    return this.peak / MB;
  }
}

export function rssMb(): number {
  return process.memoryUsage.rss() / MB;
}
