/**
 * `compute(key)`, kept in `cache` for the next caller. Once the cache holds
 * `limit` entries it starts afresh: the keys are a few repositories and
 * globs, so the bound only guards against something unexpected.
 */
export function remembered<K, V>(
  cache: Map<K, V>,
  key: K,
  compute: (key: K) => V,
  limit = 10_000,
): V {
  if (cache.has(key)) return cache.get(key) as V;
  if (cache.size >= limit) cache.clear();
  const value = compute(key);
  cache.set(key, value);
  return value;
}
