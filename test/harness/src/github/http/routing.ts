import { IncomingHttpHeaders } from 'node:http';
import { pageWindow } from '../../http/pages';

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

/**
 * Slices a list the way GitHub pages it (`per_page` up to 100, default 30, `page` from 1) and
 * builds the `Link` header that `octokit.paginate` follows.
 */
export function paginate<T>(
  items: readonly T[],
  request: RouteRequest,
): { page: T[]; headers: Record<string, string> } {
  const { perPage, page, last, linkTo } = pageWindow(items, request, 30);
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
