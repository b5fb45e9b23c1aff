import type { IncomingMessage, OutgoingHttpHeaders } from 'node:http';
import { Readable, Transform } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import {
  createKeepAliveAgent,
  sendHttpRequest,
} from '@image-automation/plugin-image-automation-node';

/*
 * `fetch` for Octokit on Node's own HTTP client, whose parser is native (the
 * transport the node package shares with the registry client). Node's fetch
 * parses responses with a WebAssembly build of the same parser; the GitHub
 * reads of a first cycle (about a hundred responses) make V8 optimise it, a
 * compile of 23 MB of native memory, which the allocator keeps afterwards:
 * about 8 MB of the backend's RSS on the cycle benchmark. Only what Octokit
 * relies on is implemented, with fetch's rules: redirects followed
 * (Authorization dropped across origins, POST turned into GET where fetch
 * does), `redirect: 'manual'` and `'error'`, the signal, compressed bodies
 * decoded, network failures as `TypeError('fetch failed')` with the cause.
 */

/** fetch's own limit. */
const MAX_REDIRECTS = 20;
const REDIRECT_STATUSES = new Set([301, 302, 303, 307, 308]);
/** Statuses whose response has no body, whatever the headers say. */
const NULL_BODY_STATUSES = new Set([204, 205, 304]);
/** Headers describing a request body, dropped when a redirect drops the body. */
const BODY_HEADERS = [
  'content-type',
  'content-length',
  'content-encoding',
  'content-language',
  'content-location',
];

export interface NodeHttpFetch {
  fetch: typeof fetch;
  /** Closes the kept-alive connections. */
  close(): void;
}

/**
 * `env` decides proxying as it does for Node's fetch: with
 * `NODE_USE_ENV_PROXY=1`, through `HTTPS_PROXY` / `HTTP_PROXY` but for
 * `NO_PROXY`. (A backend that routes through `global-agent`, as
 * Backstage's proxy guide has it, gets that agent instead of these.)
 */
export function createNodeHttpFetch(
  env: NodeJS.ProcessEnv = process.env,
): NodeHttpFetch {
  const proxyEnv = env.NODE_USE_ENV_PROXY === '1' ? env : undefined;
  const agents = new Map(
    ['http:', 'https:'].map(protocol => [
      protocol,
      createKeepAliveAgent(protocol, { proxyEnv }),
    ]),
  );

  const send = async (
    url: URL,
    method: string,
    headers: OutgoingHttpHeaders,
    body: Buffer | undefined,
    signal: AbortSignal,
  ): Promise<IncomingMessage> => {
    const agent = agents.get(url.protocol);
    if (!agent) {
      throw new TypeError(`fetch failed: unsupported URL ${url.protocol}`);
    }
    try {
      return await sendHttpRequest(url, {
        method,
        headers,
        body,
        signal,
        agent,
      });
    } catch (error) {
      throw signal.aborted ? signal.reason : fetchFailed(error as Error);
    }
  };

  const nodeFetch = async (
    input: string | URL | Request,
    init?: RequestInit,
  ): Promise<Response> => {
    const request = new Request(input, init);
    let body = request.body
      ? Buffer.from(await request.arrayBuffer())
      : undefined;
    const headers: OutgoingHttpHeaders = {};
    request.headers.forEach((value, name) => {
      headers[name] = value;
    });
    let method = request.method;
    let url = new URL(request.url);
    for (let redirects = 0; ; redirects++) {
      const response = await send(url, method, headers, body, request.signal);
      const status = response.statusCode!;
      const location = response.headers.location;
      if (
        !REDIRECT_STATUSES.has(status) ||
        location === undefined ||
        request.redirect === 'manual'
      ) {
        return toResponse(response, method, url, redirects > 0);
      }
      response.resume();
      if (request.redirect === 'error') {
        throw new TypeError(`fetch failed: redirected to ${location}`);
      }
      if (redirects === MAX_REDIRECTS) {
        throw new TypeError(
          `fetch failed: more than ${MAX_REDIRECTS} redirects`,
        );
      }
      const next = new URL(location, url);
      if (
        (status === 303 && method !== 'GET' && method !== 'HEAD') ||
        ((status === 301 || status === 302) && method === 'POST')
      ) {
        method = 'GET';
        body = undefined;
        for (const name of BODY_HEADERS) delete headers[name];
      }
      if (next.origin !== url.origin) delete headers.authorization;
      url = next;
    }
  };

  return {
    fetch: nodeFetch as typeof fetch,
    close() {
      for (const agent of agents.values()) agent.destroy();
    },
  };
}

function fetchFailed(cause: Error): TypeError {
  return new TypeError('fetch failed', { cause });
}

function toResponse(
  message: IncomingMessage,
  method: string,
  url: URL,
  redirected: boolean,
): Response {
  const status = message.statusCode!;
  const headers = new Headers();
  for (let i = 0; i < message.rawHeaders.length; i += 2) {
    headers.append(message.rawHeaders[i], message.rawHeaders[i + 1]);
  }
  let body: ReadableStream | null = null;
  if (method === 'HEAD' || NULL_BODY_STATUSES.has(status)) {
    message.resume();
  } else {
    body = Readable.toWeb(decoded(message)) as ReadableStream;
  }
  const response = new Response(body, {
    status,
    statusText: message.statusMessage,
    headers,
  });
  // Set by fetch itself, read by Octokit; Response's constructor cannot.
  Object.defineProperties(response, {
    url: { value: url.href },
    redirected: { value: redirected },
  });
  return response;
}

/** The content codings fetch undoes, by their name in `content-encoding`. */
const DECODERS = new Map<string, () => Transform>([
  ['gzip', createGunzip],
  ['x-gzip', createGunzip],
  ['deflate', createInflate],
  ['br', createBrotliDecompress],
]);

/** The body as fetch gives it: content codings undone. */
function decoded(message: IncomingMessage): Readable {
  const coding = message.headers['content-encoding']?.trim().toLowerCase();
  const decoder = coding ? DECODERS.get(coding)?.() : undefined;
  if (!decoder) return message;
  message.once('error', error => decoder.destroy(error));
  return message.pipe(decoder);
}
