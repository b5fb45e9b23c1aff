/** A promise resolved from outside: a repository whose scan has ended. */
export interface Deferred {
  promise: Promise<void>;
  resolve(): void;
}

export function deferred(): Deferred {
  let resolve!: () => void;
  const promise = new Promise<void>(r => {
    resolve = r;
  });
  return { promise, resolve };
}

/**
 * Runs `work` on each item once `readyOf(item)` has settled, at most
 * `limit` at once, in the order items become ready: an item waiting for a
 * slow repository does not hold up the others.
 */
export async function forEachWhenReady<T>(
  items: T[],
  readyOf: (item: T) => Promise<unknown>,
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  const ready: T[] = [];
  const idle: Array<() => void> = [];
  let left = items.length;
  const wake = () => idle.splice(0).forEach(resume => resume());
  for (const item of items) {
    const enqueue = () => {
      ready.push(item);
      wake();
    };
    readyOf(item).then(enqueue, enqueue);
  }
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (left > 0) {
        const item = ready.shift();
        if (item === undefined) {
          await new Promise<void>(resume => idle.push(resume));
          continue;
        }
        left--;
        // The last item taken: the workers still waiting have nothing left.
        if (left === 0) wake();
        await work(item);
      }
    }),
  );
}
