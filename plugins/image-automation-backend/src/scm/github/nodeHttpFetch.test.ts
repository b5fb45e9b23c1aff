import {
  createServer,
  IncomingMessage,
  Server,
  ServerResponse,
} from 'node:http';
import { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import { Octokit } from '@octokit/rest';
import { createNodeHttpFetch, NodeHttpFetch } from './nodeHttpFetch';

interface Seen {
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A loopback server that records each request and answers with `handle`. */
async function startServer(
  handle: (seen: Seen, res: ServerResponse) => void,
): Promise<{ origin: string; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', chunk => chunks.push(chunk));
    req.on('end', () => {
      const request = {
        method: req.method!,
        url: req.url!,
        headers: req.headers,
        body: Buffer.concat(chunks).toString(),
      };
      seen.push(request);
      handle(request, res);
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { origin: `http://127.0.0.1:${port}`, seen, server };
}

describe('createNodeHttpFetch', () => {
  let http: NodeHttpFetch;
  const servers: Server[] = [];
  const serve = async (handle: Parameters<typeof startServer>[0]) => {
    const started = await startServer(handle);
    servers.push(started.server);
    return started;
  };

  beforeEach(() => {
    http = createNodeHttpFetch();
  });
  afterEach(async () => {
    http.close();
    await Promise.all(
      servers.splice(0).map(s => new Promise(resolve => s.close(resolve))),
    );
  });

  it('answers as fetch does: status, every header, the body, the URL', async () => {
    const { origin, seen } = await serve((_req, res) => {
      res.setHeader('set-cookie', ['a=1', 'b=2']);
      res.setHeader('x-ratelimit-remaining', '4999');
      res.writeHead(201, 'Made', { 'content-type': 'application/json' });
      res.end('{"ok":true}');
    });
    const response = await http.fetch(`${origin}/things?x=1`, {
      headers: { accept: 'application/json' },
    });
    expect(response.status).toBe(201);
    expect(response.statusText).toBe('Made');
    expect(response.url).toBe(`${origin}/things?x=1`);
    expect(response.redirected).toBe(false);
    expect(response.headers.get('x-ratelimit-remaining')).toBe('4999');
    expect(response.headers.getSetCookie()).toEqual(['a=1', 'b=2']);
    expect(await response.json()).toEqual({ ok: true });
    expect(seen[0]).toMatchObject({
      method: 'GET',
      url: '/things?x=1',
      headers: { accept: 'application/json' },
    });
  });

  it('sends a body whole, with its length, not chunked', async () => {
    const { origin, seen } = await serve((_req, res) => res.end());
    await http.fetch(`${origin}/graphql`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ query: 'é' }),
    });
    expect(seen[0].body).toBe('{"query":"é"}');
    expect(seen[0].headers['content-length']).toBe(
      String(Buffer.byteLength('{"query":"é"}')),
    );
    expect(seen[0].headers['transfer-encoding']).toBeUndefined();
  });

  it('follows a redirect to another origin without the Authorization header', async () => {
    const storage = await serve((_req, res) => res.end('archive'));
    const api = await serve((req, res) => {
      if (req.url === '/same') {
        res.writeHead(302, { location: '/tarball' }).end();
      } else if (req.url === '/tarball') {
        res.writeHead(302, { location: `${storage.origin}/a.tar.gz` }).end();
      }
    });
    const response = await http.fetch(`${api.origin}/same`, {
      headers: { authorization: 'token secret' },
    });
    expect(await response.text()).toBe('archive');
    expect(response.url).toBe(`${storage.origin}/a.tar.gz`);
    expect(response.redirected).toBe(true);
    // Kept on the same origin, dropped on the way out.
    expect(api.seen.map(s => s.headers.authorization)).toEqual([
      'token secret',
      'token secret',
    ]);
    expect(storage.seen[0].headers.authorization).toBeUndefined();
  });

  it('turns POST into GET on 303 (dropping the body), keeps it on 307', async () => {
    const { origin, seen } = await serve((req, res) => {
      if (req.url === '/see-other') {
        res.writeHead(303, { location: '/result' }).end();
      } else if (req.url === '/temporary') {
        res.writeHead(307, { location: '/result' }).end();
      } else res.end('done');
    });
    const post = (path: string) =>
      http.fetch(`${origin}${path}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"a":1}',
      });
    await post('/see-other');
    expect(seen[1]).toMatchObject({ method: 'GET', url: '/result', body: '' });
    expect(seen[1].headers['content-type']).toBeUndefined();
    expect(seen[1].headers['content-length']).toBeUndefined();
    await post('/temporary');
    expect(seen[3]).toMatchObject({
      method: 'POST',
      url: '/result',
      body: '{"a":1}',
      headers: { 'content-type': 'application/json', 'content-length': '7' },
    });
  });

  it("leaves redirects to the caller on redirect: 'manual', refuses them on 'error', stops after 20", async () => {
    const { origin, seen } = await serve((req, res) => {
      const n = Number(req.url!.slice(1));
      res.writeHead(302, { location: `/${n + 1}` }).end();
    });
    const manual = await http.fetch(`${origin}/0`, { redirect: 'manual' });
    expect(manual.status).toBe(302);
    expect(manual.headers.get('location')).toBe('/1');
    await expect(
      http.fetch(`${origin}/0`, { redirect: 'error' }),
    ).rejects.toThrow(TypeError);
    seen.length = 0;
    await expect(http.fetch(`${origin}/0`)).rejects.toThrow(
      'more than 20 redirects',
    );
    expect(seen).toHaveLength(21);
  });

  it('has no body for HEAD, 204 and 304', async () => {
    const { origin } = await serve((req, res) => {
      if (req.url === '/none') res.writeHead(204).end();
      else if (req.url === '/same') res.writeHead(304, { etag: '"x"' }).end();
      else res.writeHead(200, { 'content-length': '5' }).end('hello');
    });
    const head = await http.fetch(`${origin}/file`, { method: 'HEAD' });
    expect(head.headers.get('content-length')).toBe('5');
    expect(head.body).toBeNull();
    expect((await http.fetch(`${origin}/none`)).body).toBeNull();
    const notModified = await http.fetch(`${origin}/same`);
    expect(notModified.status).toBe(304);
    expect(notModified.body).toBeNull();
  });

  it('decodes a gzip-encoded body, as fetch does', async () => {
    const { origin } = await serve((_req, res) => {
      res.writeHead(200, { 'content-encoding': 'gzip' });
      res.end(gzipSync('{"tree":[]}'));
    });
    expect(await (await http.fetch(`${origin}/`)).text()).toBe('{"tree":[]}');
  });

  it('aborts on the signal, before the answer and while its body arrives', async () => {
    const { origin } = await serve((req, res) => {
      if (req.url === '/slow-body') {
        res.writeHead(200);
        res.write('part');
      }
      // '/slow-head' never answers; both are cut off by the client
    });
    const early = new AbortController();
    const pending = http.fetch(`${origin}/slow-head`, {
      signal: early.signal,
    });
    setTimeout(() => early.abort(), 50);
    await expect(pending).rejects.toMatchObject({ name: 'AbortError' });

    const late = new AbortController();
    const response = await http.fetch(`${origin}/slow-body`, {
      signal: late.signal,
    });
    const text = response.text();
    late.abort();
    await expect(text).rejects.toBeDefined();
  });

  it("fails like fetch when nothing listens: TypeError('fetch failed') with the cause", async () => {
    const { origin, server } = await serve(() => {});
    await new Promise(resolve => server.close(resolve));
    servers.splice(servers.indexOf(server), 1);
    const failure = await http.fetch(`${origin}/`).catch(error => error);
    expect(failure).toBeInstanceOf(TypeError);
    expect(failure.message).toBe('fetch failed');
    expect(failure.cause.code).toBe('ECONNREFUSED');
  });

  it('goes through HTTP_PROXY when NODE_USE_ENV_PROXY=1, as fetch does', async () => {
    const proxy = await serve((_req, res) => res.end('via proxy'));
    const target = 'http://deploy.example:8080/repos';
    const env = { HTTP_PROXY: proxy.origin, NODE_USE_ENV_PROXY: '1' };
    const proxied = createNodeHttpFetch(env);
    const direct = createNodeHttpFetch({ HTTP_PROXY: proxy.origin });
    try {
      expect(await (await proxied.fetch(target)).text()).toBe('via proxy');
      expect(proxy.seen[0].url).toBe(target);
      await expect(direct.fetch(target)).rejects.toThrow('fetch failed');
      expect(proxy.seen).toHaveLength(1);
    } finally {
      proxied.close();
      direct.close();
    }
  });

  it("carries Octokit's requests: JSON, errors with status, binary downloads", async () => {
    const storage = await serve((_req, res) => {
      res.writeHead(200, { 'content-type': 'application/x-gzip' });
      res.end(Buffer.from([0x1f, 0x8b, 0, 1]));
    });
    const { origin, seen } = await serve((req, res) => {
      if (req.url === '/repos/acme/deploy') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end('{"default_branch":"main"}');
      } else if (req.url!.startsWith('/repos/acme/deploy/tarball/')) {
        res.writeHead(302, { location: `${storage.origin}/archive` }).end();
      } else {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end('{"message":"Not Found"}');
      }
    });
    const octokit = new Octokit({
      auth: 'secret',
      baseUrl: origin,
      request: { fetch: http.fetch },
    });
    const repo = await octokit.repos.get({ owner: 'acme', repo: 'deploy' });
    expect(repo.data.default_branch).toBe('main');
    expect(seen[0].headers.authorization).toBe('token secret');
    await expect(
      octokit.repos.get({ owner: 'acme', repo: 'gone' }),
    ).rejects.toMatchObject({ status: 404 });
    const archive = await octokit.repos.downloadTarballArchive({
      owner: 'acme',
      repo: 'deploy',
      ref: 'main',
    });
    expect([...new Uint8Array(archive.data as ArrayBuffer)]).toEqual([
      0x1f, 0x8b, 0, 1,
    ]);
    expect(storage.seen[0].headers.authorization).toBeUndefined();
  });
});
