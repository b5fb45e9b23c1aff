import { fetchUpstream, startProxy, StartedProxy } from './proxy';

export interface PagingProxy extends StartedProxy {
  /** Tag-list pages served, for assertions on how the client paginated. */
  pagesServed: number;
}

const TAGS_LIST = /^\/v2\/(.+)\/tags\/list$/;

/**
 * Registry 2.8 ignores `n` and `last` on tags/list and sends no `Link`; this
 * proxy adds what registries that do paginate (GHCR, Harbor, GCR…) do: pages
 * of `n` tags (default `defaultPageSize`, at most `maxPageSize`) in byte
 * order after `last`, and `Link: <…>; rel="next"` while more remain.
 */
export async function startPagingProxy(
  upstream: string,
  options: { defaultPageSize?: number; maxPageSize?: number } = {},
): Promise<PagingProxy> {
  const defaultPageSize = options.defaultPageSize ?? 100;
  const maxPageSize = options.maxPageSize ?? 1000;
  const stats = { pagesServed: 0 };
  const proxy = await startProxy(upstream, async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const match = TAGS_LIST.exec(url.pathname);
    if (req.method !== 'GET' || !match) return false;
    const full = await fetchUpstream(upstream, url.pathname, req.headers);
    if (full.status !== 200) {
      res.writeHead(full.status, full.headers);
      res.end(full.body);
      return true;
    }
    const body = JSON.parse(full.body.toString('utf8'));
    const all: string[] = [...(body.tags ?? [])].sort(byteOrder);
    const n = Math.min(
      Number(url.searchParams.get('n')) || defaultPageSize,
      maxPageSize,
    );
    const last = url.searchParams.get('last');
    const start = last === null ? 0 : all.findIndex(tag => tag > last);
    const page = start < 0 ? [] : all.slice(start, start + n);
    const headers: Record<string, string> = {
      'content-type': 'application/json',
    };
    if (start >= 0 && start + n < all.length) {
      const next = new URLSearchParams({
        n: String(n),
        last: page[page.length - 1],
      });
      headers.link = `</v2/${match[1]}/tags/list?${next}>; rel="next"`;
    }
    stats.pagesServed++;
    res.writeHead(200, headers);
    res.end(JSON.stringify({ name: body.name, tags: page }));
    return true;
  });
  return Object.defineProperty(proxy, 'pagesServed', {
    get: () => stats.pagesServed,
  }) as PagingProxy;
}

function byteOrder(a: string, b: string): number {
  if (a === b) return 0;
  return a < b ? -1 : 1;
}
