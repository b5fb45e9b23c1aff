import { randomUUID } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import {
  AppIdentity,
  badCredentials,
  credentialOf,
  isAllowed,
  permissionDenied,
  TokenGrant,
  verifyAppJwt,
} from './auth';
import { FaultInjector } from './faults';
import { GithubApiError, notFound } from './http/GithubApiError';
import { matchPath, Route, RouteRequest, RouteResponse } from './http/routing';
import { EmulatedRepository } from './model';
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
  /** Path without query string, with any `/api/v3` prefix removed. */
  path: string;
  query: string;
  status: number;
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

/** Bodies larger than this are refused, as GitHub refuses oversized payloads. */
const MAX_BODY_BYTES = 100 * 1024 * 1024;

/** Everything the dispatcher reads from the emulator, kept apart from the test-side API. */
export interface DispatchState {
  shapes: GithubShapes;
  tokens: Map<string, TokenGrant>;
  faults: FaultInjector;
  requestLog: RequestLogEntry[];
  app?: EmulatedApp & AppIdentity;
  findRepository(owner: string, name: string): EmulatedRepository | undefined;
  repositories(): EmulatedRepository[];
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new GithubApiError(413, 'Payload too large'));
        req.destroy();
      } else {
        chunks.push(chunk);
      }
    });
    req.on('end', () => resolve(Buffer.concat(chunks)));
    req.on('error', reject);
  });
}

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

function send(res: ServerResponse, response: RouteResponse) {
  const headers: Record<string, string> = {
    'x-github-request-id': randomUUID(),
    'x-github-media-type': 'github.v3; format=json',
    'x-github-api-version-selected': '2022-11-28',
    'x-ratelimit-limit': '5000',
    'x-ratelimit-remaining': '4999',
    'x-ratelimit-used': '1',
    'x-ratelimit-reset': String(Math.floor(Date.now() / 1000) + 3600),
    'x-ratelimit-resource': 'core',
    ...response.headers,
  };
  if (response.text !== undefined) {
    headers['content-type'] ??= 'text/plain; charset=utf-8';
    res.writeHead(response.status, headers);
    res.end(response.text);
  } else if (response.body !== undefined) {
    headers['content-type'] = 'application/json; charset=utf-8';
    res.writeHead(response.status, headers);
    res.end(JSON.stringify(response.body));
  } else {
    res.writeHead(response.status, headers);
    res.end();
  }
}

const errorResponse = (error: GithubApiError): RouteResponse => ({
  status: error.status,
  body: error.body(),
  headers: error.extras.headers,
});

/** Turns one HTTP request into a route call: faults, authentication, permission and repository checks first. */
async function route(
  state: DispatchState,
  req: IncomingMessage,
  path: string,
  query: URLSearchParams,
): Promise<RouteResponse> {
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
        : parseJson(await readBody(req)),
  });

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
    throw badCredentials();
  }
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

/** The emulator's request listener: never throws, always answers in GitHub's JSON error shape. */
export function createDispatcher(state: DispatchState) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const parsed = new URL(req.url ?? '/', 'http://emulator');
    // GitHub Enterprise serves the API under /api/v3; accept both layouts.
    const path = parsed.pathname.replace(/^\/api\/v3(?=\/|$)/, '') || '/';
    const entry: RequestLogEntry = {
      method: req.method ?? 'GET',
      path,
      query: parsed.search,
      status: 0,
    };
    state.requestLog.push(entry);
    route(state, req, path, parsed.searchParams)
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
        send(res, response);
      });
  };
}
