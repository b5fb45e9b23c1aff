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
 * Runs `work` on each item once every promise `dependenciesOf(item)` names
 * has settled (fulfilled or rejected), at most `limit` at once, in the
 * order items become ready: an item waiting for a slow repository does not
 * hold up the others. Thousands of items share a few hundred dependencies,
 * so each distinct dependency is waited on once, not once per item.
 */
export async function forEachWhenReady<T>(
  items: T[],
  dependenciesOf: (item: T) => Iterable<Promise<unknown> | undefined>,
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  const ready: T[] = [];
  let next = 0;
  const idle: Array<() => void> = [];
  let left = items.length;
  const wake = () => idle.splice(0).forEach(resume => resume());
  const waiting = new Map<Promise<unknown>, number[]>();
  const pending = new Array<number>(items.length).fill(0);
  items.forEach((item, index) => {
    for (const dependency of new Set(dependenciesOf(item))) {
      if (!dependency) continue;
      let dependents = waiting.get(dependency);
      if (!dependents) {
        dependents = [];
        waiting.set(dependency, dependents);
      }
      dependents.push(index);
      pending[index]++;
    }
    if (pending[index] === 0) ready.push(item);
  });
  for (const [dependency, dependents] of waiting) {
    const settled = () => {
      for (const index of dependents) {
        if (--pending[index] === 0) ready.push(items[index]);
      }
      wake();
    };
    dependency.then(settled, settled);
  }
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (left > 0) {
        if (next === ready.length) {
          await new Promise<void>(resume => idle.push(resume));
          continue;
        }
        const item = ready[next++];
        left--;
        // The last item taken: the workers still waiting have nothing left.
        if (left === 0) wake();
        await work(item);
      }
    }),
  );
}
