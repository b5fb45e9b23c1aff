import {
  Agent as HttpAgent,
  AgentOptions,
  IncomingMessage,
  OutgoingHttpHeaders,
  request as httpRequest,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';

/*
 * The transport the plugin's HTTP clients share (the registry client; the
 * backend's fetch for Octokit): Node's own HTTP client, whose parser is
 * native. On undici (Node's fetch too) a cycle's thousand responses make V8
 * optimise the WebAssembly build of its HTTP parser, one compile of 23 MB
 * of native memory (`--trace-wasm-compilation-times`), which the allocator
 * keeps afterwards; loading undici cost another 7 MB (the cycle benchmark;
 * see the README's Performance notes).
 */

/** Idle keep-alive connections are closed after this long. */
const IDLE_SOCKET_MS = 10_000;

/**
 * A keep-alive connection pool for `protocol` (`http:` or `https:`).
 *
 * @public
 */
export function createKeepAliveAgent(
  protocol: string,
  options: Pick<AgentOptions, 'maxSockets' | 'lookup' | 'proxyEnv'> = {},
): HttpAgent {
  const agentOptions = {
    ...options,
    keepAlive: true,
    // Closes idle sockets; a request in flight keeps its own deadline (the
    // `timeout` event this raises on it has no listener).
    timeout: IDLE_SOCKET_MS,
  };
  return protocol === 'https:'
    ? new HttpsAgent(agentOptions)
    : new HttpAgent(agentOptions);
}

/**
 * Sends one request on `agent`; resolves with the response once its head
 * has arrived (the body is the caller's to read). Redirects are not
 * followed. Aborting `signal` destroys the request, or the response being
 * read.
 *
 * @public
 */
export function sendHttpRequest(
  url: URL,
  options: {
    method: string;
    headers?: OutgoingHttpHeaders;
    body?: Buffer;
    signal: AbortSignal;
    agent: HttpAgent;
  },
): Promise<IncomingMessage> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request = send(url, {
      method: options.method,
      headers: options.headers,
      signal: options.signal,
      agent: options.agent,
    });
    request.once('response', resolve);
    // `on`: an error after the answer (its body cut off) reaches the
    // body's reader too; none may go unheard.
    request.on('error', reject);
    // In one piece: Node sends its Content-Length (fetch does too), not chunks.
    request.end(options.body);
  });
}
