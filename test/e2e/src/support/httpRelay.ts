import {
  createServer,
  IncomingMessage,
  request,
  ServerResponse,
} from 'node:http';
import { AddressInfo } from 'node:net';

/** What an interception does with a request it matched. */
export type InterceptionHandler = (
  req: IncomingMessage,
  res: ServerResponse,
) => Promise<'forward' | 'handled'> | 'forward' | 'handled';

/**
 * A loopback HTTP relay in front of a test service, with a stable address
 * while the service behind it moves (a registry restarted on another port)
 * and one-shot interceptions that act at an exact moment of a conversation
 * (hold the next tag listing, kill the replica that opens a pull request).
 */
export interface HttpRelay {
  /** `http://127.0.0.1:PORT` */
  readonly url: string;
  /** `127.0.0.1:PORT`, as in image references. */
  readonly host: string;
  /** Every request received: method, path and the `Authorization` header. */
  readonly requests: Array<{
    method: string;
    path: string;
    authorization?: string;
  }>;
  /** Where requests go from now on. */
  setUpstream(url: string): void;
  /** Runs `handler` on the next `times` requests matching method and path. */
  intercept(
    match: { method?: string; path: RegExp },
    handler: InterceptionHandler,
    times?: number,
  ): void;
  stop(): Promise<void>;
}

export async function startHttpRelay(upstream: string): Promise<HttpRelay> {
  let target = upstream;
  const interceptions: Array<{
    method?: string;
    path: RegExp;
    handler: InterceptionHandler;
    remaining: number;
  }> = [];
  const requests: HttpRelay['requests'] = [];

  const forward = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', target);
    const outgoing = request(
      url,
      { method: req.method, headers: { ...req.headers, host: url.host } },
      upstreamRes => {
        res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
        upstreamRes.pipe(res);
      },
    );
    // A service that is gone looks like one: the connection drops.
    outgoing.on('error', () => req.socket.destroy());
    req.pipe(outgoing);
  };

  const server = createServer(async (req, res) => {
    const method = req.method ?? 'GET';
    const path = (req.url ?? '/').split('?')[0];
    requests.push({ method, path, authorization: req.headers.authorization });
    const interception = interceptions.find(
      i =>
        i.remaining > 0 &&
        (!i.method || i.method === method) &&
        i.path.test(path),
    );
    if (interception) {
      interception.remaining--;
      try {
        if ((await interception.handler(req, res)) === 'handled') return;
      } catch {
        req.socket.destroy();
        return;
      }
    }
    forward(req, res);
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    requests,
    setUpstream: url => {
      target = url;
    },
    intercept: (match, handler, times = 1) => {
      interceptions.push({ ...match, handler, remaining: times });
    },
    stop: () =>
      new Promise(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
