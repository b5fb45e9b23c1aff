/**
 * A counting semaphore: at most `limit` tasks run at once, the rest wait in
 * arrival order. Used once globally and once per registry host.
 */
export class ConcurrencyLimiter {
  private active = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) {
      throw new Error(
        `concurrency limit must be a positive integer, got ${limit}`,
      );
    }
  }

  async run<T>(task: () => Promise<T>): Promise<T> {
    await this.acquire();
    try {
      return await task();
    } finally {
      this.release();
    }
  }

  private acquire(): Promise<void> {
    if (this.active < this.limit) {
      this.active++;
      return Promise.resolve();
    }
    return new Promise(resolve => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    // the slot passes straight to the next waiter, so `active` stays the same
    if (next) next();
    else this.active--;
  }
}
