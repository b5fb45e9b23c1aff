/** Wall time spent in each method of an object, to see where a cycle goes. */
export interface MethodTiming {
  calls: number;
  /** Summed over calls; overlapping concurrent calls each count. */
  totalMs: number;
  /** From the first call's start to the last call's end, relative to `since`. */
  firstStartMs: number;
  lastEndMs: number;
}

/**
 * Wraps the class methods of `target` in place so each call is timed. Own
 * properties are left alone: a knex client held in a field is a function too.
 * Only for benchmarks: the objects keep working as before.
 */
export function timeMethods(
  target: object,
  label: string,
  timings: Map<string, MethodTiming>,
  since: () => number,
): void {
  const names = new Set<string>();
  for (
    let proto: object | null = Object.getPrototypeOf(target);
    proto && proto !== Object.prototype;
    proto = Object.getPrototypeOf(proto)
  ) {
    for (const name of Object.getOwnPropertyNames(proto)) names.add(name);
  }
  const record = target as Record<string, unknown>;
  for (const name of names) {
    const original = record[name];
    if (name === 'constructor' || typeof original !== 'function') continue;
    const key = `${label}.${name}`;
    record[name] = function timed(this: unknown, ...args: unknown[]) {
      const start = since();
      const done = () => {
        const end = since();
        const timing = timings.get(key) ?? {
          calls: 0,
          totalMs: 0,
          firstStartMs: start,
          lastEndMs: end,
        };
        timing.calls++;
        timing.totalMs += end - start;
        timing.firstStartMs = Math.min(timing.firstStartMs, start);
        timing.lastEndMs = Math.max(timing.lastEndMs, end);
        timings.set(key, timing);
      };
      const result = (original as (...a: unknown[]) => unknown).apply(
        this,
        args,
      );
      if (result instanceof Promise) return result.finally(done);
      done();
      return result;
    };
  }
}
