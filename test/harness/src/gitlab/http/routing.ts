import { IncomingHttpHeaders } from 'node:http';
import { pageWindow } from '../../http/pages';
import { TokenGrant, TokenScope } from '../auth';
import { EmulatedProject } from '../model';
import { GitlabShapes } from '../shapes';
import { invalidParams } from './GitlabApiError';

export interface RouteRequest {
  method: string;
  /** Path parameters, percent-decoded (`group%2Fsub%2Fproject` → `group/sub/project`). */
  params: Record<string, string>;
  query: URLSearchParams;
  /** JSON or form body merged with the query string, as Grape merges them. */
  body: Record<string, any>;
  headers: IncomingHttpHeaders;
  /** The request URL without query, as the client sent it (for `Link` headers). */
  url: string;
}

export interface RouteResponse {
  status: number;
  body?: unknown;
  headers?: Record<string, string>;
}

/** What a handler under `/projects/:id` gets: the project is already looked up (404 otherwise). */
export interface ProjectContext {
  request: RouteRequest;
  project: EmulatedProject;
  grant: TokenGrant;
  shapes: GitlabShapes;
  /** Ref changes made through the API run GitLab's merge request refresh afterwards. */
  refreshMergeRequests(): Promise<void>;
  /** Ids of merge requests and notes: unique across projects, like GitLab's global ids. */
  nextId(): number;
}

export interface ProjectRoute {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Below `/api/v4`, e.g. `/projects/:id/repository/branches/:branch`. */
  path: string;
  /** Any one of these scopes lets a token through. */
  scopes: readonly TokenScope[];
  handle(context: ProjectContext): Promise<RouteResponse>;
}

export const missing = (name: string) => invalidParams(`${name} is missing`);

/** A parameter of the body or query; GitLab answers `400 {"error": "x is missing"}` without it. */
export function requireParam(request: RouteRequest, name: string): string {
  const value = request.body[name] ?? request.query.get(name);
  if (value === undefined || value === null || value === '') {
    throw missing(name);
  }
  return String(value);
}

/** An optional string parameter from the body or the query string. */
export function optionalParam(
  request: RouteRequest,
  name: string,
): string | undefined {
  const value = request.body[name] ?? request.query.get(name) ?? undefined;
  return value === undefined || value === null ? undefined : String(value);
}

/**
 * Offset pagination as GitLab pages lists (`per_page` up to 100, default 20, `page` from 1), with
 * the `x-next-page`/`x-total` headers and a `Link` header.
 */
export function paginate<T>(
  items: readonly T[],
  request: RouteRequest,
): { page: T[]; headers: Record<string, string> } {
  const { perPage, page, last, linkTo } = pageWindow(items, request, 20);
  const links = [`${linkTo(1)}; rel="first"`, `${linkTo(last)}; rel="last"`];
  if (page < last) links.unshift(`${linkTo(page + 1)}; rel="next"`);
  if (page > 1) links.unshift(`${linkTo(page - 1)}; rel="prev"`);
  return {
    page: items.slice((page - 1) * perPage, page * perPage),
    headers: {
      link: links.join(', '),
      'x-page': String(page),
      'x-per-page': String(perPage),
      'x-total': String(items.length),
      'x-total-pages': String(last),
      'x-next-page': page < last ? String(page + 1) : '',
      'x-prev-page': page > 1 ? String(page - 1) : '',
    },
  };
}
