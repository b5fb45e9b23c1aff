/**
 * At most `limit` tasks at once, the rest in arrival order: GitHub asks
 * clients not to send many requests concurrently (its secondary limits).
 */
export class Semaphore {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new Error(`concurrency must be a positive integer, got ${limit}`);
    }
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    if (this.active < this.limit) this.active++;
    else await new Promise<void>(resolve => this.waiting.push(resolve));
    try {
      return await task();
    } finally {
      // The slot passes straight to the next waiter, so `active` stays put.
      const next = this.waiting.shift();
      if (next) next();
      else this.active--;
    }
  }
}
