import { randomUUID } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import {
  AppIdentity,
  badCredentials,
  credentialOf,
  isAllowed,
  permissionDenied,
  quotaOf,
  TokenGrant,
  verifyAppJwt,
} from './auth';
import { FaultInjector } from './faults';
import { executeGraphql } from './graphql/GraphqlEndpoint';
import { GithubApiError, notFound } from './http/GithubApiError';
import { matchPath } from '../http/matchPath';
import { readBody } from '../http/readBody';
import { Route, RouteRequest, RouteResponse } from './http/routing';
import { EmulatedRepository } from './model';
import {
  cacheHeaders,
  entityTag,
  matchesIfNoneMatch,
} from './ratelimit/conditional';
import {
  PrimaryRateLimits,
  Quota,
  RateLimitResource,
  rateLimitHeaders,
  restRateLimitExceeded,
} from './ratelimit/PrimaryRateLimits';
import {
  AppContext,
  appJwtRoutes,
  EmulatedApp,
  installationTokenRoutes,
} from './routes/apps';
import { contentsRoutes } from './routes/contents';
import { gitObjectRoutes } from './routes/gitObjects';
import { gitRefRoutes } from './routes/gitRefs';
import { historyRoutes } from './routes/history';
import { issueRoutes } from './routes/issues';
import { pullRoutes } from './routes/pulls';
import { RepoRoute } from './routes/RepoContext';
import { repositoryRoutes } from './routes/repository';
import { GithubShapes } from './shapes';

/** One request as the emulator saw it, for tests that count API calls (e.g. writes). */
export interface RequestLogEntry {
  method: string;
  /** Path without query string, with any `/api/v3` prefix removed (`/api/graphql` logs as `/graphql`). */
  path: string;
  query: string;
  status: number;
  /** The budget the request was counted against, if any. */
  resource?: RateLimitResource;
  /** What it cost there: 1 per REST request, the points of a GraphQL call, 0 for a 304. */
  cost: number;
  /** Bytes of the response body. */
  bytes?: number;
}

const REPO_ROUTES: RepoRoute[] = [
  ...repositoryRoutes,
  ...gitRefRoutes,
  ...gitObjectRoutes,
  ...contentsRoutes,
  ...historyRoutes,
  ...pullRoutes,
  ...issueRoutes,
];

/** Everything the dispatcher reads from the emulator, kept apart from the test-side API. */
export interface DispatchState {
  shapes: GithubShapes;
  tokens: Map<string, TokenGrant>;
  faults: FaultInjector;
  requestLog: RequestLogEntry[];
  rateLimits: PrimaryRateLimits;
  app?: EmulatedApp & AppIdentity;
  findRepository(owner: string, name: string): EmulatedRepository | undefined;
  repositories(): EmulatedRepository[];
}

/** GitHub's answer to a body over the limit. */
const tooLarge = () => new GithubApiError(413, 'Payload too large');

function parseJson(raw: Buffer): unknown {
  if (raw.length === 0) {
    return {};
  }
  try {
    return JSON.parse(raw.toString('utf8'));
  } catch {
    throw new GithubApiError(400, 'Problems parsing JSON');
  }
}

function findRoute<C>(routes: Route<C>[], method: string, path: string) {
  for (const candidate of routes) {
    if (candidate.method !== method) continue;
    const params = matchPath(candidate.path, path);
    if (params) return { route: candidate, params };
  }
  return undefined;
}

function send(
  res: ServerResponse,
  response: RouteResponse,
  requestId: string,
): number {
  const headers: Record<string, string> = {
    'x-github-request-id': requestId,
    'x-github-media-type': 'github.v3; format=json',
    'x-github-api-version-selected': '2022-11-28',
    ...response.headers,
  };
  if (response.text !== undefined) {
    headers['content-type'] ??= 'text/plain; charset=utf-8';
    res.writeHead(response.status, headers);
    res.end(response.text);
    return Buffer.byteLength(response.text);
  }
  if (response.body !== undefined) {
    headers['content-type'] = 'application/json; charset=utf-8';
    const json = JSON.stringify(response.body);
    res.writeHead(response.status, headers);
    res.end(json);
    return Buffer.byteLength(json);
  }
  res.writeHead(response.status, headers);
  res.end();
  return 0;
}

const errorResponse = (error: GithubApiError): RouteResponse => ({
  status: error.status,
  body: error.body(),
  headers: error.extras.headers,
});

/** Turns one HTTP request into a route call: faults, authentication, permission and repository checks first. */
/** Everything one request carries through the dispatcher. */
interface Exchange {
  req: IncomingMessage;
  path: string;
  query: URLSearchParams;
  requestId: string;
  entry: RequestLogEntry;
}

async function route(
  state: DispatchState,
  exchange: Exchange,
): Promise<RouteResponse> {
  const { req, path, query } = exchange;
  const fault = state.faults.next();
  if (fault) {
    throw fault;
  }
  const method = req.method ?? 'GET';
  const credential = credentialOf(req.headers.authorization);
  const url = `${state.shapes.apiBaseUrl}${path}`;
  const request = async (
    params: Record<string, string>,
  ): Promise<RouteRequest> => ({
    method,
    params,
    query,
    headers: req.headers,
    url,
    body:
      method === 'GET' || method === 'HEAD'
        ? {}
        : parseJson(await readBody(req, tooLarge)),
  });

  const codeload = matchPath(
    '/_codeload/:owner/:repo/legacy.tar.gz/:sha',
    path,
  );
  if (codeload && method === 'GET') {
    return archiveDownload(state, codeload, query);
  }

  const appRoute = findRoute(appJwtRoutes, method, path);
  if (
    appRoute &&
    (path.startsWith('/app') || !state.tokens.has(credential ?? ''))
  ) {
    if (!state.app || !credential) {
      throw badCredentials();
    }
    verifyAppJwt(credential, state.app);
    return appRoute.route.handle(
      appContext(state, await request(appRoute.params)),
    );
  }

  const grant = credential ? state.tokens.get(credential) : undefined;
  if (!grant) {
    if (path === '/graphql' && !credential) {
      throw new GithubApiError(
        401,
        'This endpoint requires you to be authenticated.',
        {
          documentationUrl:
            'https://docs.github.com/graphql/guides/forming-calls-with-graphql#authenticating-with-graphql',
        },
      );
    }
    throw badCredentials();
  }
  const quota = quotaOf(grant);
  if (path === '/graphql' && method === 'POST') {
    const outcome = await executeGraphql({
      body: parseJson(await readBody(req, tooLarge)),
      grant,
      quota,
      limits: state.rateLimits,
      shapes: state.shapes,
      findRepository: state.findRepository,
      repositories: state.repositories,
      timesOut: fullName => state.faults.timesOut(fullName),
    });
    exchange.entry.resource = 'graphql';
    exchange.entry.cost = outcome.cost;
    return outcome.response;
  }
  if (path === '/rate_limit' && method === 'GET') {
    // GitHub does not count this endpoint against the primary limit.
    return rateLimitStatus(state.rateLimits, quota);
  }
  return charged(state, exchange, quota, () =>
    restRoute(state, exchange, grant, request),
  );
}

/** A codeload download: no API credentials, no rate limit; the link's token is the key. */
async function archiveDownload(
  state: DispatchState,
  params: Record<string, string>,
  query: URLSearchParams,
): Promise<RouteResponse> {
  const repo = state.findRepository(params.owner, params.repo);
  const sha = repo?.archiveLinks.get(query.get('token') ?? '');
  if (!repo || sha !== params.sha) {
    throw notFound();
  }
  return {
    status: 200,
    text: await repo.git.archive(
      sha,
      `${repo.owner}-${repo.name}-${sha.slice(0, 7)}`,
    ),
    headers: {
      'content-type': 'application/x-gzip',
      'content-disposition': `attachment; filename=${repo.owner}-${
        repo.name
      }-${sha.slice(0, 7)}.tar.gz`,
    },
  };
}

/** GET /rate_limit, in GitHub's shape. */
function rateLimitStatus(
  limits: PrimaryRateLimits,
  quota: Quota,
): RouteResponse {
  const resource = (name: RateLimitResource) => {
    const state = limits.state(quota, name);
    return {
      limit: state.limit,
      used: state.used,
      remaining: state.remaining,
      reset: Math.ceil(state.resetAt / 1000),
    };
  };
  const core = resource('core');
  return {
    status: 200,
    body: { resources: { core, graphql: resource('graphql') }, rate: core },
    headers: rateLimitHeaders(limits.state(quota, 'core')),
  };
}

/**
 * Counts a REST request against the caller's core budget, as GitHub does: refused once spent,
 * every answer counted (errors too) except a 304 to a conditional GET, every answer carrying
 * the `x-ratelimit-*` headers, every successful GET an ETag.
 */
async function charged(
  state: DispatchState,
  exchange: Exchange,
  quota: Quota,
  work: () => Promise<RouteResponse>,
): Promise<RouteResponse> {
  const { req, entry } = exchange;
  const limits = state.rateLimits;
  const after = limits.charge(quota, 'core', 1);
  if (!after) {
    throw restRateLimitExceeded(
      quota,
      limits.state(quota, 'core'),
      limits.exceededStatus,
      exchange.requestId,
    );
  }
  entry.resource = 'core';
  let response: RouteResponse;
  try {
    response = await work();
  } catch (error) {
    if (!(error instanceof GithubApiError)) throw error;
    response = errorResponse(error);
  }
  if (req.method === 'GET' && response.status === 200) {
    const etag = entityTag(response, req.headers);
    if (matchesIfNoneMatch(req.headers['if-none-match'], etag)) {
      const refunded = limits.refund(quota, 'core', 1, after);
      return {
        status: 304,
        headers: { ...cacheHeaders(etag), ...rateLimitHeaders(refunded) },
      };
    }
    response = {
      ...response,
      headers: { ...cacheHeaders(etag), ...response.headers },
    };
  }
  entry.cost = 1;
  return {
    ...response,
    headers: { ...rateLimitHeaders(after), ...response.headers },
  };
}

async function restRoute(
  state: DispatchState,
  exchange: Exchange,
  grant: TokenGrant,
  request: (params: Record<string, string>) => Promise<RouteRequest>,
): Promise<RouteResponse> {
  const { req, path } = exchange;
  const method = req.method ?? 'GET';
  const installationRoute = findRoute(installationTokenRoutes, method, path);
  if (installationRoute) {
    return installationRoute.route.handle(
      appContext(state, await request(installationRoute.params), grant),
    );
  }

  const match = findRoute(REPO_ROUTES, method, path);
  if (!match) {
    throw notFound();
  }
  const repo = state.findRepository(match.params.owner, match.params.repo);
  // GitHub hides repositories a token cannot see behind a 404, not a 403.
  if (!repo || (grant.canAccess && !grant.canAccess(repo))) {
    throw notFound();
  }
  if (!isAllowed(grant, match.route.permissions)) {
    throw permissionDenied(match.route.permissions);
  }
  const context = {
    request: await request(match.params),
    repo,
    actor: grant.actor,
    shapes: state.shapes,
    canPush: isAllowed(grant, [{ contents: 'write' }]),
  };
  return method === 'GET'
    ? match.route.handle(context)
    : repo.lock.run(() => match.route.handle(context));
}

function appContext(
  state: DispatchState,
  request: RouteRequest,
  grant?: TokenGrant,
): AppContext {
  return {
    request,
    app: state.app!,
    shapes: state.shapes,
    grant,
    registerToken: (token, tokenGrant) => state.tokens.set(token, tokenGrant),
    repositories: () => state.repositories(),
  };
}

/**
 * GitHub Enterprise serves REST under /api/v3 and GraphQL at /api/graphql; GitHub.com serves both
 * at the root. Both layouts are accepted; /api/v3/graphql, which neither serves, stays unknown.
 */
function apiPath(pathname: string): string {
  if (pathname === '/api/graphql') return '/graphql';
  if (pathname === '/api/v3/graphql') return pathname;
  return pathname.replace(/^\/api\/v3(?=\/|$)/, '') || '/';
}

/** The emulator's request listener: never throws, always answers in GitHub's JSON error shape. */
export function createDispatcher(state: DispatchState) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const parsed = new URL(req.url ?? '/', 'http://emulator');
    const path = apiPath(parsed.pathname);
    const entry: RequestLogEntry = {
      method: req.method ?? 'GET',
      path,
      query: parsed.search,
      status: 0,
      cost: 0,
    };
    state.requestLog.push(entry);
    const requestId = randomUUID();
    route(state, { req, path, query: parsed.searchParams, requestId, entry })
      .catch(error => {
        if (error instanceof GithubApiError) {
          return errorResponse(error);
        }
        return errorResponse(
          new GithubApiError(
            500,
            `GitHub emulator failure: ${error?.stack ?? error}`,
          ),
        );
      })
      .then(response => {
        entry.status = response.status;
        entry.bytes = send(res, response, requestId);
      });
  };
}
