import {
  Agent as HttpAgent,
  IncomingMessage,
  request as httpRequest,
} from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { LookupFunction } from 'node:net';

/**
 * The registry client's transport: Node's own HTTP client, whose parser is
 * native. A scan sends a thousand requests a cycle; on undici that many
 * responses make V8 optimise the WebAssembly build of its HTTP parser, one
 * compile of 23 MB of native memory (`--trace-wasm-compilation-times`),
 * which the allocator keeps afterwards; loading undici cost another 7 MB
 * (the cycle benchmark; see the README's Performance notes).
 */

/** Idle keep-alive connections are closed after this long. */
const IDLE_SOCKET_MS = 10_000;

/** A keep-alive connection pool for one origin and address guard. */
export interface ConnectionPool {
  agent: HttpAgent;
  close(): void;
}

export function createConnectionPool(options: {
  protocol: string;
  connections: number;
  /** Resolves host names; may refuse the answer. */
  lookup: LookupFunction;
}): ConnectionPool {
  const agentOptions = {
    keepAlive: true,
    maxSockets: options.connections,
    // Closes idle sockets; a request in flight keeps its own deadline (the
    // `timeout` event this raises on it has no listener).
    timeout: IDLE_SOCKET_MS,
    lookup: options.lookup,
  };
  const agent =
    options.protocol === 'https:'
      ? new HttpsAgent(agentOptions)
      : new HttpAgent(agentOptions);
  return { agent, close: () => agent.destroy() };
}

/**
 * Sends a bodiless request; resolves with the response once its head has
 * arrived (the body is the caller's to read). Redirects are not followed.
 * Aborting `signal` destroys the request, or the response being read.
 */
export function sendRequest(
  url: URL,
  options: {
    method: string;
    headers?: Record<string, string>;
    signal: AbortSignal;
    pool: ConnectionPool;
  },
): Promise<IncomingMessage> {
  const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
  return new Promise((resolve, reject) => {
    const request = send(url, {
      method: options.method,
      headers: options.headers,
      signal: options.signal,
      agent: options.pool.agent,
    });
    request.once('response', resolve);
    // `on`: an error after the answer (its body cut off) reaches the
    // body's reader too; none may go unheard.
    request.on('error', reject);
    request.end();
  });
}
