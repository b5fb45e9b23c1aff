import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';

/** What the malicious registry answers to `GET /v2/<name>/tags/list`. */
export interface TagListAnswer {
  status?: number;
  headers?: Record<string, string>;
  /** Sent as is when a string, as JSON otherwise. */
  body: unknown;
}

/** A repository's tags, or a function that answers each tag list request itself. */
export type RepositoryBehaviour =
  | string[]
  | ((request: { search: string }) => TagListAnswer);

export interface MaliciousRegistry {
  /** `127.0.0.1:PORT`, as in image references and `imageAutomation.registries`. */
  host: string;
  /** Paths requested, with their query, in order. */
  requests: string[];
  stop(): Promise<void>;
}

/**
 * A registry that speaks just enough of the distribution API (`/v2/` and
 * `/v2/<name>/tags/list`) to hand the plugin whatever a test wants: tags
 * with newlines, quotes, YAML syntax and control characters, bodies that are
 * not tag lists, endless or cross-host pagination, redirects. Plain HTTP on
 * 127.0.0.1, so it is configured as an `insecure` entry.
 */
export async function startMaliciousRegistry(
  repositories: Record<string, RepositoryBehaviour>,
): Promise<MaliciousRegistry> {
  const requests: string[] = [];
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://registry');
    requests.push(url.pathname + url.search);
    res.setHeader('docker-distribution-api-version', 'registry/2.0');
    res.setHeader('content-type', 'application/json');
    if (url.pathname === '/v2/') {
      res.end('{}');
      return;
    }
    const match = /^\/v2\/(.+)\/tags\/list$/.exec(url.pathname);
    const behaviour = match && repositories[match[1]];
    if (!behaviour) {
      res.statusCode = 404;
      res.end(
        JSON.stringify({
          errors: [
            {
              code: 'NAME_UNKNOWN',
              message: 'repository name not known to registry',
            },
          ],
        }),
      );
      return;
    }
    const answer: TagListAnswer = Array.isArray(behaviour)
      ? { body: { name: match[1], tags: behaviour } }
      : behaviour({ search: url.search });
    res.statusCode = answer.status ?? 200;
    for (const [name, value] of Object.entries(answer.headers ?? {}))
      res.setHeader(name, value);
    res.end(
      typeof answer.body === 'string'
        ? answer.body
        : JSON.stringify(answer.body),
    );
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
