import { randomUUID } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { matchPath } from '../http/matchPath';
import { readBody } from '../http/readBody';
import {
  authenticate,
  credentialOf,
  READ_API,
  requireScope,
  TokenGrant,
} from './auth';
import { FaultInjector } from './faults';
import {
  gitScopeDenied,
  gitUnauthorized,
  GitHttpResponse,
  parseGitHttpPath,
  runHttpBackend,
} from './gitHttp';
import { executeGraphql } from './graphql';
import {
  GitlabApiError,
  insufficientScope,
  notFound,
} from './http/GitlabApiError';
import {
  ProjectContext,
  ProjectRoute,
  RouteRequest,
  RouteResponse,
} from './http/routing';
import { EmulatedProject } from './model';
import { branchHeads, refreshMergeRequests } from './operations';
import {
  budgetOf,
  GitlabRateLimits,
  rateLimitHeaders,
  retryLater,
} from './rateLimits';
import { branchRoutes } from './routes/branches';
import { mergeRequestRoutes } from './routes/mergeRequests';
import { repositoryRoutes } from './routes/repository';
import { GitlabShapes } from './shapes';

/** One request as the emulator saw it, for tests that count API calls (e.g. one request per file). */
export interface RequestLogEntry {
  method: string;
  /** Path as sent, still percent-encoded: `/api/v4/projects/acme%2Fapp/repository/tree`. */
  path: string;
  query: string;
  status: number;
}

const ROUTES: ProjectRoute[] = [
  ...branchRoutes,
  ...repositoryRoutes,
  ...mergeRequestRoutes,
];

export interface DispatchState {
  shapes: GitlabShapes;
  tokens: Map<string, TokenGrant>;
  faults: FaultInjector;
  rateLimits: GitlabRateLimits;
  /** The clock of the rate limit's windows. */
  now(): number;
  requestLog: RequestLogEntry[];
  /** Where the bare repositories live: `<root>/<full path>.git`. */
  root: string;
  findProject(idOrPath: string): EmulatedProject | undefined;
  nextId(): number;
  /** Runs before a request is served: a test's "someone pushes right now". */
  beforeRequest?: (entry: RequestLogEntry) => Promise<void>;
}

/** GitLab's answer to a body over the limit. */
const tooLarge = () =>
  new GitlabApiError(413, { message: '413 Request Entity Too Large' });

/** JSON or form bodies, as Grape accepts both. */
function parseBody(req: IncomingMessage, raw: Buffer): Record<string, any> {
  if (raw.length === 0) return {};
  const type = req.headers['content-type'] ?? '';
  if (type.includes('application/x-www-form-urlencoded')) {
    return Object.fromEntries(new URLSearchParams(raw.toString('utf8')));
  }
  try {
    const parsed = JSON.parse(raw.toString('utf8'));
    return parsed && typeof parsed === 'object' ? parsed : {};
  } catch {
    throw new GitlabApiError(400, {
      error: 'The provided content-type is invalid or malformed JSON',
    });
  }
}

function findRoute(method: string, path: string) {
  for (const route of ROUTES) {
    if (route.method !== method) continue;
    const params = matchPath(route.path, path);
    if (params) return { route, params };
  }
  return undefined;
}

async function serveRest(
  state: DispatchState,
  req: IncomingMessage,
  path: string,
  query: URLSearchParams,
  url: string,
): Promise<RouteResponse> {
  const grant = authenticate(state.tokens, req.headers);
  const method = req.method ?? 'GET';
  const match = findRoute(method, path);
  if (!match) {
    throw new GitlabApiError(404, { error: '404 Not Found' });
  }
  // GitLab's API guard checks scopes when it authenticates, before any lookup.
  requireScope(grant, match.route.scopes);
  const project = state.findProject(match.params.id);
  if (!project) {
    throw notFound('Project');
  }
  const raw =
    method === 'GET' ? Buffer.alloc(0) : await readBody(req, tooLarge);
  const request: RouteRequest = {
    method,
    params: match.params,
    query,
    body: parseBody(req, raw),
    headers: req.headers,
    url,
  };
  const run = async () => {
    const before = await branchHeads(project);
    const context: ProjectContext = {
      request,
      project,
      grant,
      shapes: state.shapes,
      nextId: state.nextId,
      refreshMergeRequests: () =>
        refreshMergeRequests(project, grant.user, before, state.nextId),
    };
    return match.route.handle(context);
  };
  return method === 'GET' ? run() : project.lock.run(run);
}

async function serveGraphql(
  state: DispatchState,
  req: IncomingMessage,
): Promise<RouteResponse> {
  const credential = credentialOf(req.headers);
  let grant: TokenGrant | undefined;
  if (credential) {
    grant = state.tokens.get(credential);
    if (!grant) {
      return { status: 401, body: { errors: [{ message: 'Invalid token' }] } };
    }
    if (!READ_API.some(s => grant!.scopes.has(s))) {
      throw insufficientScope(READ_API.join(' '));
    }
  }
  const body = parseBody(req, await readBody(req, tooLarge));
  // Anonymous callers see no private project: `project` resolves to null, as on GitLab.
  return executeGraphql(
    body,
    fullPath => (grant ? state.findProject(fullPath) : undefined),
    state.shapes.webBaseUrl,
  );
}

async function serveGit(
  state: DispatchState,
  req: IncomingMessage,
  path: string,
  query: string,
): Promise<GitHttpResponse | undefined> {
  const git = parseGitHttpPath(path, new URLSearchParams(query));
  if (!git) return undefined;
  const credential = credentialOf(req.headers);
  const grant = credential ? state.tokens.get(credential) : undefined;
  if (!grant) return gitUnauthorized();
  const denied = gitScopeDenied(grant, git.service);
  if (denied) return denied;
  const project = state.findProject(git.projectPath);
  if (!project) {
    return {
      status: 404,
      headers: { 'content-type': 'text/plain' },
      body: Buffer.from(
        "The project you were looking for could not be found or you don't have permission to view it.\n",
      ),
    };
  }
  const body = await readBody(req, tooLarge);
  const backendPath = `/${project.fullPath}.git/${git.action}`;
  if (git.action !== 'git-receive-pack') {
    return runHttpBackend(
      state.root,
      backendPath,
      query,
      req,
      body,
      grant.user.username,
    );
  }
  return project.lock.run(async () => {
    const before = await branchHeads(project);
    const response = await runHttpBackend(
      state.root,
      backendPath,
      query,
      req,
      body,
      grant.user.username,
    );
    await refreshMergeRequests(project, grant.user, before, state.nextId);
    return response;
  });
}

/**
 * Counts an authenticated API request against its user's budget: the `RateLimit-*` headers for
 * the answer, or Rack::Attack's 429 once the budget is spent. Requests without a known token are
 * GitLab's unauthenticated traffic, limited per IP address, which the emulator does not limit.
 */
function throttle(
  state: DispatchState,
  req: IncomingMessage,
): { headers: Record<string, string> } | { refused: GitHttpResponse } {
  const credential = credentialOf(req.headers);
  const grant = credential ? state.tokens.get(credential) : undefined;
  if (!grant) return { headers: {} };
  const counted = state.rateLimits.count(budgetOf(grant));
  return counted.throttled
    ? { refused: retryLater(counted.state, state.now()) }
    : { headers: rateLimitHeaders(counted.state) };
}

function sendJson(res: ServerResponse, response: RouteResponse) {
  const headers: Record<string, string> = {
    'x-request-id': randomUUID(),
    ...response.headers,
  };
  if (response.body !== undefined) {
    headers['content-type'] = 'application/json';
    res.writeHead(response.status, headers);
    res.end(JSON.stringify(response.body));
  } else {
    res.writeHead(response.status, headers);
    res.end();
  }
}

/** The emulator's request listener: never throws, answers in GitLab's error shapes. */
export function createDispatcher(state: DispatchState) {
  return (req: IncomingMessage, res: ServerResponse) => {
    const parsed = new URL(req.url ?? '/', 'http://emulator');
    // The raw path: project ids and branch names arrive percent-encoded and are matched so.
    const rawPath = (req.url ?? '/').split('?')[0];
    const entry: RequestLogEntry = {
      method: req.method ?? 'GET',
      path: rawPath,
      query: parsed.search,
      status: 0,
    };
    state.requestLog.push(entry);
    const url = `${state.shapes.webBaseUrl}${rawPath}`;
    const isGraphql = rawPath === '/api/graphql' && req.method === 'POST';
    // The budget's headers go on every answer to a counted request, errors included.
    let budget: Record<string, string> = {};
    (async (): Promise<RouteResponse | GitHttpResponse> => {
      await state.beforeRequest?.(entry);
      // Injected faults stand for the load balancer and come before (and outside) the budget.
      const fault = state.faults.next();
      if (fault instanceof GitlabApiError) throw fault;
      if (fault) return fault;
      if (rawPath.startsWith('/api/v4/') || isGraphql) {
        const throttled = throttle(state, req);
        if ('refused' in throttled) return throttled.refused;
        budget = throttled.headers;
      }
      if (rawPath.startsWith('/api/v4/')) {
        return serveRest(
          state,
          req,
          rawPath.slice('/api/v4'.length),
          parsed.searchParams,
          url,
        );
      }
      if (isGraphql) {
        return serveGraphql(state, req);
      }
      const git = await serveGit(state, req, parsed.pathname, parsed.search);
      if (git) return git;
      throw new GitlabApiError(404, { error: '404 Not Found' });
    })()
      .catch(error =>
        error instanceof GitlabApiError
          ? { status: error.status, body: error.body, headers: error.headers }
          : {
              status: 500,
              body: {
                message: `500 Internal Server Error: ${error?.stack ?? error}`,
              },
            },
      )
      .then(answer => {
        const response = {
          ...answer,
          headers: { ...budget, ...answer.headers },
        };
        entry.status = response.status;
        if (Buffer.isBuffer(response.body)) {
          res.writeHead(response.status, response.headers);
          res.end(response.body);
        } else {
          sendJson(res, response as RouteResponse);
        }
      });
  };
}
