import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { SigningKey, signRegistryToken, TokenAccess } from './jwt';

/** A token request as the token server saw it. */
export interface TokenRequestRecord {
  scopes: string[];
  service?: string;
  /** The user name of a Basic `Authorization` header, if one was sent. */
  username?: string;
  authorization?: string;
}

export interface TokenServer {
  /** `http://127.0.0.1:PORT/token` */
  realm: string;
  requests: TokenRequestRecord[];
  stop(): Promise<void>;
}

/**
 * The distribution token service in miniature: `GET /token?service&scope`,
 * Basic credentials checked against `users`; a known user gets the actions
 * asked for, an anonymous caller gets `pull` only where `anonymousPull` says.
 */
export async function startTokenServer(options: {
  key: SigningKey;
  issuer: string;
  service: string;
  users: Record<string, string>;
  anonymousPull?: (repository: string) => boolean;
  expiresInSeconds?: number;
}): Promise<TokenServer> {
  const requests: TokenRequestRecord[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://token');
    if (url.pathname !== '/token') {
      res.writeHead(404).end();
      return;
    }
    const record: TokenRequestRecord = {
      scopes: url.searchParams.getAll('scope'),
      service: url.searchParams.get('service') ?? undefined,
      authorization: req.headers.authorization,
    };
    requests.push(record);
    const user = basicUser(req);
    if (user) record.username = user.name;
    if (user && options.users[user.name] !== user.password) {
      res.writeHead(401, { 'content-type': 'application/json' });
      res.end(
        JSON.stringify({
          errors: [{ code: 'UNAUTHORIZED', message: 'bad credentials' }],
        }),
      );
      return;
    }
    const access: TokenAccess[] = [];
    for (const scope of record.scopes) {
      const [type, name, actions] = splitScope(scope);
      if (type !== 'repository' || !name) continue;
      if (user) access.push({ type, name, actions: actions.split(',') });
      else if (options.anonymousPull?.(name))
        access.push({ type, name, actions: ['pull'] });
    }
    const expiresIn = options.expiresInSeconds ?? 300;
    const token = signRegistryToken({
      key: options.key,
      issuer: options.issuer,
      service: options.service,
      subject: user?.name ?? '',
      access,
      expiresInSeconds: expiresIn,
    });
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end(
      JSON.stringify({
        token,
        access_token: token,
        expires_in: expiresIn,
        issued_at: new Date().toISOString(),
      }),
    );
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    realm: `http://127.0.0.1:${port}/token`,
    requests,
    stop: () =>
      new Promise(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** `repository:team/app:pull,push`: the name itself may not hold ':'. */
function splitScope(scope: string): [string, string, string] {
  const first = scope.indexOf(':');
  const last = scope.lastIndexOf(':');
  if (first < 0 || last === first) return [scope, '', ''];
  return [
    scope.slice(0, first),
    scope.slice(first + 1, last),
    scope.slice(last + 1),
  ];
}

function basicUser(
  req: IncomingMessage,
): { name: string; password: string } | undefined {
  const header = req.headers.authorization;
  if (!header?.startsWith('Basic ')) return undefined;
  const decoded = Buffer.from(header.slice(6), 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  return { name: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
}
