import type { Octokit } from '@octokit/rest';

/** Answers remembered with their ETag, per token; a few per repository. */
const DEFAULT_MAX_ENTRIES = 2048;

interface Remembered {
  etag: string;
  data: unknown;
}

type OctokitResponse = Awaited<ReturnType<Octokit['request']>>;

/**
 * Conditional GETs: the answer is kept with its ETag, the next request sends
 * `If-None-Match`, and a 304 (which GitHub does not count against the rate
 * limit) hands back what was kept. For refs, pull request lists and other
 * answers that change, rarely; immutable objects are cached by sha instead.
 */
export class ConditionalReads {
  private readonly byToken = new WeakMap<Octokit, Map<string, Remembered>>();

  constructor(private readonly maxEntries = DEFAULT_MAX_ENTRIES) {}

  /** `route` and `params` as `octokit.request` takes them; returns the data, fresh or kept. */
  async get<T>(
    octokit: Octokit,
    route: string,
    params: Record<string, unknown>,
    onResponse?: (headers: OctokitResponse['headers']) => void,
  ): Promise<{ data: T; notModified: boolean }> {
    const cache = this.cacheFor(octokit);
    const key = `${route}\u0000${JSON.stringify(params)}`;
    const kept = cache.get(key);
    try {
      const response = await octokit.request(route, {
        ...params,
        headers: {
          ...(params.headers as object | undefined),
          ...(kept ? { 'if-none-match': kept.etag } : {}),
        },
      });
      onResponse?.(response.headers);
      const etag = response.headers.etag;
      if (etag) this.remember(cache, key, { etag, data: response.data });
      return { data: response.data as T, notModified: false };
    } catch (error) {
      const e = error as { status?: number; response?: OctokitResponse };
      if (e.status === 304 && kept) {
        if (e.response) onResponse?.(e.response.headers);
        this.remember(cache, key, kept);
        return { data: kept.data as T, notModified: true };
      }
      throw error;
    }
  }

  private cacheFor(octokit: Octokit) {
    let cache = this.byToken.get(octokit);
    if (!cache) {
      cache = new Map();
      this.byToken.set(octokit, cache);
    }
    return cache;
  }

  private remember(
    cache: Map<string, Remembered>,
    key: string,
    value: Remembered,
  ) {
    cache.delete(key);
    cache.set(key, value);
    if (cache.size > this.maxEntries) {
      cache.delete(cache.keys().next().value!);
    }
  }
}
