import { spawn } from 'node:child_process';
import { createServer, IncomingMessage, ServerResponse } from 'node:http';
import { AddressInfo } from 'node:net';
import { GitServerRoot } from './GitServerRoot';

export interface StartHttpGitServerOptions {
  /** Serve this root (e.g. shared with the SSH server); default a new one, removed on stop. */
  root?: GitServerRoot;
  /** Users and their tokens (basic auth passwords). Default `{ bot: 'bot-token' }`. */
  users?: Record<string, string>;
  /** Users who may fetch but not push. */
  readOnlyUsers?: string[];
}

/** One request the server answered. */
export interface GitHttpRequest {
  method: string;
  path: string;
  /** `git-upload-pack` (fetch) or `git-receive-pack` (push), when named. */
  service?: string;
  user?: string;
  status: number;
  /** The `Authorization` header was sent. */
  authorized: boolean;
}

export interface StartedHttpGitServer {
  /** `http://127.0.0.1:PORT` */
  baseUrl: string;
  /** `127.0.0.1:PORT`: the `host` of a `git.hosts` entry. */
  host: string;
  root: GitServerRoot;
  users: Record<string, string>;
  /** `http://127.0.0.1:PORT/team/app.git` for a repository path. */
  url(path: string): string;
  /** Every request so far, oldest first. */
  requests: GitHttpRequest[];
  stop(): Promise<void>;
}

/**
 * Serves a GitServerRoot over Git's smart HTTP protocol: `git http-backend`
 * behind a small Node server that demands basic auth on every request, as
 * Gitea, Bitbucket or Azure DevOps do for private repositories.
 */
export async function startHttpGitServer(
  options: StartHttpGitServerOptions = {},
): Promise<StartedHttpGitServer> {
  const root = options.root ?? GitServerRoot.create();
  const users = options.users ?? { bot: 'bot-token' };
  const readOnly = new Set(options.readOnlyUsers ?? []);
  const requests: GitHttpRequest[] = [];

  const handle = (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const service =
      url.searchParams.get('service') ??
      /\/(git-upload-pack|git-receive-pack)$/.exec(url.pathname)?.[1];
    const user = basicUser(req.headers.authorization, users);
    const record = (status: number) =>
      requests.push({
        method: req.method ?? 'GET',
        path: url.pathname,
        service: service ?? undefined,
        user,
        status,
        authorized: Boolean(req.headers.authorization),
      });
    if (!user) {
      record(401);
      res.writeHead(401, { 'www-authenticate': 'Basic realm="git"' });
      res.end('authentication required\n');
      return;
    }
    if (service === 'git-receive-pack' && readOnly.has(user)) {
      record(403);
      res.writeHead(403, { 'content-type': 'text/plain' });
      res.end(`${user} may not push to this repository\n`);
      return;
    }
    const child = spawn('git', ['http-backend'], {
      env: {
        PATH: process.env.PATH,
        GIT_CONFIG_NOSYSTEM: '1',
        GIT_CONFIG_GLOBAL: '/dev/null',
        GIT_PROJECT_ROOT: root.dir,
        GIT_HTTP_EXPORT_ALL: '1',
        PATH_INFO: decodeURIComponent(url.pathname),
        QUERY_STRING: url.search.replace(/^\?/, ''),
        REQUEST_METHOD: req.method ?? 'GET',
        CONTENT_TYPE: req.headers['content-type'] ?? '',
        HTTP_CONTENT_ENCODING: String(req.headers['content-encoding'] ?? ''),
        GIT_PROTOCOL: String(req.headers['git-protocol'] ?? ''),
        REMOTE_USER: user,
        REMOTE_ADDR: req.socket.remoteAddress ?? '127.0.0.1',
      },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    req.pipe(child.stdin);
    child.stdin.on('error', () => {});
    let head = Buffer.alloc(0);
    let headersDone = false;
    child.stdout.on('data', (chunk: Buffer) => {
      if (headersDone) {
        res.write(chunk);
        return;
      }
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      headersDone = true;
      let status = 200;
      const headers: Record<string, string> = {};
      for (const line of head.subarray(0, end).toString().split('\r\n')) {
        const colon = line.indexOf(':');
        const name = line.slice(0, colon).trim();
        const value = line.slice(colon + 1).trim();
        if (name.toLowerCase() === 'status') status = parseInt(value, 10);
        else headers[name] = value;
      }
      record(status);
      res.writeHead(status, headers);
      res.write(head.subarray(end + 4));
    });
    child.on('close', () => {
      if (!headersDone) {
        record(500);
        res.writeHead(500);
      }
      res.end();
    });
  };

  const server = createServer(handle);
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  const baseUrl = `http://127.0.0.1:${port}`;
  return {
    baseUrl,
    host: `127.0.0.1:${port}`,
    root,
    users,
    url: path => `${baseUrl}/${path.replace(/^\/+/, '')}`,
    requests,
    async stop() {
      server.closeAllConnections();
      await new Promise<void>(resolve => server.close(() => resolve()));
      if (!options.root) root.remove();
    },
  };
}

function basicUser(
  header: string | undefined,
  users: Record<string, string>,
): string | undefined {
  const match = /^Basic\s+(\S+)$/i.exec(header ?? '');
  if (!match) return undefined;
  const decoded = Buffer.from(match[1], 'base64').toString();
  const colon = decoded.indexOf(':');
  const [user, password] = [decoded.slice(0, colon), decoded.slice(colon + 1)];
  return colon > 0 && users[user] === password ? user : undefined;
}
