/**
 * Polls `probe` until it returns a value other than undefined and returns
 * it. Bounded: after `timeoutMs` it fails saying what it waited for and what
 * it saw last (the last value or error), so a failure reads as a diagnosis.
 */
export async function eventually<T>(
  what: string,
  probe: () => Promise<T | undefined>,
  options: { timeoutMs: number; intervalMs?: number },
): Promise<T> {
  const deadline = Date.now() + options.timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value !== undefined) return value;
      last = 'nothing yet';
    } catch (error) {
      last = error;
    }
    if (Date.now() >= deadline) break;
    await new Promise(resolve =>
      setTimeout(resolve, options.intervalMs ?? 500),
    );
  }
  const seen =
    last instanceof Error ? last.message : JSON.stringify(last, null, 2);
  throw new Error(
    `${what}: not within ${options.timeoutMs} ms; last seen: ${seen}`,
  );
}
