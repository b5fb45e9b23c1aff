import { IncomingHttpHeaders } from 'node:http';

/** The fine-grained permissions of GitHub Apps and fine-grained tokens that the emulated endpoints check. */
export type PermissionName =
  | 'metadata'
  | 'contents'
  | 'pull_requests'
  | 'issues';
export type PermissionLevel = 'read' | 'write';
/** All of these are needed together; a route accepts any one of its sets. */
export type PermissionSet = Partial<Record<PermissionName, PermissionLevel>>;

export interface RouteRequest {
  method: string;
  /** Path parameters, percent-decoded; a `*name` parameter keeps its slashes. */
  params: Record<string, string>;
  query: URLSearchParams;
  body: any;
  headers: IncomingHttpHeaders;
  /** The request URL without query, as the client sent it (for `Link` headers). */
  url: string;
}

export interface RouteResponse {
  status: number;
  /** Serialised as JSON. */
  body?: unknown;
  /** Sent as is (raw file contents, diffs). */
  text?: string | Buffer;
  headers?: Record<string, string>;
}

export interface Route<Context> {
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** e.g. `/repos/:owner/:repo/git/ref/*ref`; `*name` matches the rest of the path. */
  path: string;
  /** Alternative permission sets, any one of which lets a fine-grained token through. */
  permissions: PermissionSet[];
  handle(context: Context): Promise<RouteResponse>;
}

const decode = (segment: string): string | undefined => {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
};

/**
 * Matches a raw (still percent-encoded) path against a route pattern. Octokit encodes `/` inside
 * parameters as `%2F` while other clients send it literally, so both must land in the same place.
 */
export function matchPath(
  pattern: string,
  rawPath: string,
): Record<string, string> | undefined {
  const want = pattern.split('/').filter(Boolean);
  const have = rawPath.split('/').filter(Boolean);
  const params: Record<string, string> = {};
  for (let i = 0; i < want.length; i++) {
    const part = want[i];
    if (part.startsWith('*')) {
      const rest = have.slice(i);
      const value = decode(rest.join('/'));
      if (rest.length === 0 || value === undefined) return undefined;
      params[part.slice(1)] = value;
      return params;
    }
    if (i >= have.length) return undefined;
    if (part.startsWith(':')) {
      const value = decode(have[i]);
      if (value === undefined || value === '') return undefined;
      params[part.slice(1)] = value;
    } else if (part !== have[i]) {
      return undefined;
    }
  }
  return want.length === have.length ? params : undefined;
}

/**
 * Slices a list the way GitHub pages it (`per_page` up to 100, default 30, `page` from 1) and
 * builds the `Link` header that `octokit.paginate` follows.
 */
export function paginate<T>(
  items: readonly T[],
  request: RouteRequest,
): { page: T[]; headers: Record<string, string> } {
  const perPage = Math.min(
    100,
    Math.max(1, Number(request.query.get('per_page')) || 30),
  );
  const page = Math.max(1, Number(request.query.get('page')) || 1);
  const last = Math.max(1, Math.ceil(items.length / perPage));
  const linkTo = (n: number) => {
    const query = new URLSearchParams(request.query);
    query.set('page', String(n));
    query.set('per_page', String(perPage));
    return `<${request.url}?${query}>`;
  };
  const links: string[] = [];
  if (page < last) {
    links.push(
      `${linkTo(page + 1)}; rel="next"`,
      `${linkTo(last)}; rel="last"`,
    );
  }
  if (page > 1) {
    links.push(`${linkTo(1)}; rel="first"`, `${linkTo(page - 1)}; rel="prev"`);
  }
  return {
    page: items.slice((page - 1) * perPage, page * perPage),
    headers: links.length ? { link: links.join(', ') } : {},
  };
}
