import { IncomingMessage, ServerResponse } from 'node:http';
import { forward, startProxy, StartedProxy } from './proxy';

/** What the fault proxy does to a request instead of forwarding it. */
export type Fault =
  | { kind: 'status'; status: number }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'rate-limit'; retryAfterSeconds?: number }
  | { kind: 'reset' };

export interface FaultProxy extends StartedProxy {
  /** Applies `fault` to the next `times` requests whose path matches. */
  inject(fault: Fault, times?: number, match?: RegExp): void;
  /** Forgets faults not yet applied. */
  clear(): void;
  /** Requests received, faulty or not. */
  requests: Array<{
    method: string;
    path: string;
    fault?: Fault['kind'];
    authorization?: string;
  }>;
  /** Rewrites response headers of forwarded requests (e.g. the auth challenge). */
  rewriteHeaders?: (
    headers: IncomingMessage['headers'],
  ) => IncomingMessage['headers'];
}

/**
 * A proxy in front of the real registry that misbehaves on demand: 5xx
 * bursts, answers slower than the client's timeout, 429 with Retry-After,
 * and connections reset mid-request.
 */
export async function startFaultProxy(upstream: string): Promise<FaultProxy> {
  const queue: Array<{ fault: Fault; remaining: number; match?: RegExp }> = [];
  const requests: FaultProxy['requests'] = [];
  const state: { proxy?: FaultProxy } = {};
  const proxy = await startProxy(
    upstream,
    async (req: IncomingMessage, res: ServerResponse) => {
      const path = req.url ?? '/';
      const entry = queue.find(
        q => q.remaining > 0 && (!q.match || q.match.test(path)),
      );
      requests.push({
        method: req.method ?? 'GET',
        path,
        fault: entry?.fault.kind,
        authorization: req.headers.authorization,
      });
      if (!entry) {
        const rewrite = state.proxy?.rewriteHeaders;
        if (!rewrite) return false;
        const original = res.writeHead.bind(res) as (
          status: number,
          headers?: any,
        ) => ServerResponse;
        (res as any).writeHead = (
          status: number,
          headers?: IncomingMessage['headers'],
        ) => original(status, rewrite({ ...(headers ?? {}) }));
        forward(upstream, req, res);
        return true;
      }
      entry.remaining--;
      const { fault } = entry;
      switch (fault.kind) {
        case 'status':
          res.writeHead(fault.status, { 'content-type': 'application/json' });
          res.end('{"errors":[{"code":"UNAVAILABLE","message":"injected"}]}');
          return true;
        case 'rate-limit':
          res.writeHead(
            429,
            fault.retryAfterSeconds === undefined
              ? {}
              : { 'retry-after': String(fault.retryAfterSeconds) },
          );
          res.end(
            '{"errors":[{"code":"TOOMANYREQUESTS","message":"injected"}]}',
          );
          return true;
        case 'reset':
          req.socket.destroy();
          return true;
        case 'slow': {
          const timer = setTimeout(
            () => forward(upstream, req, res),
            fault.delayMs,
          );
          res.on('close', () => clearTimeout(timer));
          return true;
        }
        default:
          return false;
      }
    },
  );
  const faulty = Object.assign(proxy, {
    requests,
    inject(fault: Fault, times = 1, match?: RegExp) {
      queue.push({ fault, remaining: times, match });
    },
    clear() {
      queue.length = 0;
    },
  }) as FaultProxy;
  state.proxy = faulty;
  return faulty;
}
