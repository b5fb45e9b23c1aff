import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';

export interface MaliciousRegistry {
  /** `127.0.0.1:PORT`, as in image references and `imageAutomation.registries`. */
  host: string;
  /** Paths requested, in order. */
  requests: string[];
  stop(): Promise<void>;
}

/**
 * A registry that speaks just enough of the distribution API (`/v2/` and
 * `/v2/<name>/tags/list`) to hand the plugin whatever tags a test wants:
 * strings with newlines, quotes, YAML syntax, comments, control characters.
 * Plain HTTP on 127.0.0.1, so it is configured as an `insecure` entry.
 */
export async function startMaliciousRegistry(
  tagsByRepository: Record<string, string[]>,
): Promise<MaliciousRegistry> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://registry').pathname;
    requests.push(path);
    res.setHeader('docker-distribution-api-version', 'registry/2.0');
    res.setHeader('content-type', 'application/json');
    if (path === '/v2/') {
      res.end('{}');
      return;
    }
    const match = /^\/v2\/(.+)\/tags\/list$/.exec(path);
    const tags = match && tagsByRepository[match[1]];
    if (!tags) {
      res.statusCode = 404;
      res.end(JSON.stringify({ errors: [{ code: 'NAME_UNKNOWN', message: 'repository name not known to registry' }] }));
      return;
    }
    res.end(JSON.stringify({ name: match[1], tags }));
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    host: `127.0.0.1:${port}`,
    requests,
    stop: () =>
      new Promise(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
