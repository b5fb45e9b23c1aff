import {
  createServer,
  IncomingMessage,
  request,
  Server,
  ServerResponse,
} from 'node:http';
import { AddressInfo } from 'node:net';

export interface StartedProxy {
  url: string;
  host: string;
  stop(): Promise<void>;
}

/**
 * An HTTP server on 127.0.0.1 that hands each request to `handle` first and
 * forwards it unchanged to `upstream` when `handle` returns false.
 */
export async function startProxy(
  upstream: string,
  handle: (
    req: IncomingMessage,
    res: ServerResponse,
  ) => Promise<boolean> | boolean,
): Promise<StartedProxy> {
  const server: Server = createServer(async (req, res) => {
    try {
      if (await handle(req, res)) return;
      forward(upstream, req, res);
    } catch (error) {
      if (!res.headersSent) res.writeHead(502);
      res.end(String(error));
    }
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    host: `127.0.0.1:${port}`,
    stop: () =>
      new Promise(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export function forward(
  upstream: string,
  req: IncomingMessage,
  res: ServerResponse,
): void {
  const target = new URL(req.url ?? '/', upstream);
  const headers = { ...req.headers, host: target.host };
  const outgoing = request(
    target,
    { method: req.method, headers },
    upstreamRes => {
      res.writeHead(upstreamRes.statusCode ?? 502, upstreamRes.headers);
      upstreamRes.pipe(res);
    },
  );
  outgoing.on('error', error => {
    if (!res.headersSent) res.writeHead(502);
    res.end(String(error));
  });
  req.pipe(outgoing);
}

/** A GET to upstream with the caller's headers, body read whole. */
export function fetchUpstream(
  upstream: string,
  path: string,
  headers: IncomingMessage['headers'],
): Promise<{
  status: number;
  headers: IncomingMessage['headers'];
  body: Buffer;
}> {
  return new Promise((resolve, reject) => {
    const target = new URL(path, upstream);
    const outgoing = request(
      target,
      { method: 'GET', headers: { ...headers, host: target.host } },
      res => {
        const chunks: Buffer[] = [];
        res.on('data', chunk => chunks.push(chunk));
        res.on('end', () =>
          resolve({
            status: res.statusCode ?? 502,
            headers: res.headers,
            body: Buffer.concat(chunks),
          }),
        );
        res.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end();
  });
}
