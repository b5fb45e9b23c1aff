/** The client's default per-host concurrency; the bare loop gets the same. */
export const BARE_SCAN_CONCURRENCY = 8;

async function mapLimited<T>(
  items: T[],
  limit: number,
  task: (item: T) => Promise<void>,
) {
  const queue = [...items];
  await Promise.all(
    Array.from({ length: limit }, async () => {
      for (let item = queue.shift(); item !== undefined; item = queue.shift())
        await task(item);
    }),
  );
}

/**
 * The least a tag-list client can do: one plain fetch per repository, no
 * auth, no paging. What the registry part of a cycle is measured against.
 */
export async function bareScan(
  url: string,
  repositories: string[],
): Promise<number> {
  let tags = 0;
  await mapLimited(repositories, BARE_SCAN_CONCURRENCY, async repository => {
    const res = await fetch(`${url}/v2/${repository}/tags/list`);
    const body = (await res.json()) as { tags: string[] };
    tags += body.tags.length;
  });
  return tags;
}
