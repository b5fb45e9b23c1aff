/** Small helpers shared by the benchmarks: tables, percentiles, peak RSS. */
import { getHeapSpaceStatistics } from 'node:v8';

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
 * Peak resident set size and V8 heap while something runs, sampled every
 * 50 ms; the process's lifetime maximum would include its start-up.
 */
export class MemorySampler {
  private peakRss = process.memoryUsage.rss();
  private peakHeap = process.memoryUsage().heapUsed;
  private peakHeapTotal = process.memoryUsage().heapTotal;
  private peakExternal = process.memoryUsage().external;
  private peakNewSpace = newSpaceBytes();
  private readonly timer: NodeJS.Timeout;

  constructor(intervalMs = 50) {
    this.timer = setInterval(() => this.sample(), intervalMs);
  }

  /** Stops sampling; the peaks in MB. */
  stop(): {
    rssMb: number;
    heapUsedMb: number;
    heapTotalMb: number;
    externalMb: number;
    /** V8's young generation (both semi-spaces), committed. */
    newSpaceMb: number;
  } {
    clearInterval(this.timer);
    this.sample();
    return {
      rssMb: this.peakRss / MB,
      heapUsedMb: this.peakHeap / MB,
      heapTotalMb: this.peakHeapTotal / MB,
      externalMb: this.peakExternal / MB,
      newSpaceMb: this.peakNewSpace / MB,
    };
  }

  private sample() {
    const usage = process.memoryUsage();
    this.peakRss = Math.max(this.peakRss, usage.rss);
    this.peakHeap = Math.max(this.peakHeap, usage.heapUsed);
    this.peakHeapTotal = Math.max(this.peakHeapTotal, usage.heapTotal);
    this.peakExternal = Math.max(this.peakExternal, usage.external);
    this.peakNewSpace = Math.max(this.peakNewSpace, newSpaceBytes());
  }
}

/** What V8 has committed for its young generation (new space), in bytes. */
function newSpaceBytes(): number {
  return getHeapSpaceStatistics()
    .filter(space => space.space_name === 'new_space')
    .reduce((sum, space) => sum + space.space_size, 0);
}

/** RSS and V8 heap in use now, in MB. */
export function memoryMb(): { rssMb: number; heapUsedMb: number } {
  const usage = process.memoryUsage();
  return { rssMb: usage.rss / MB, heapUsedMb: usage.heapUsed / MB };
}
