import {
  FaultProxy,
  StartedRegistry,
  startFaultProxy,
  startRegistry,
  startProxy,
  StartedProxy,
} from '@internal/image-automation-test-harness';
import { RegistryClient } from './RegistryClient';
import { RegistryConfigEntry } from './config';

jest.setTimeout(30_000);

function entry(
  host: string,
  extra: Partial<RegistryConfigEntry> = {},
): RegistryConfigEntry {
  return {
    host,
    type: 'generic',
    insecure: true,
    tokenRealmHosts: [],
    ...extra,
  };
}

const clients: RegistryClient[] = [];
function client(registries: RegistryConfigEntry[]) {
  const created = new RegistryClient({
    registries,
    timeoutMs: 2000,
    backoffBaseMs: 5,
  });
  clients.push(created);
  return created;
}
afterAll(() => Promise.all(clients.map(c => c.close())));

describe('basic auth (htpasswd)', () => {
  let registry: StartedRegistry;
  beforeAll(async () => {
    registry = await startRegistry({
      auth: 'htpasswd',
      users: { ci: 'ci-secret' },
    });
    await registry.pushTags('acme/api', ['1.0.0', '1.1.0']);
  }, 60_000);
  afterAll(() => registry?.stop());

  it('lists tags with the configured user name and password', async () => {
    const c = client([
      entry(registry.host, { username: 'ci', password: 'ci-secret' }),
    ]);
    const image = { registry: registry.host, repository: 'acme/api' };
    expect((await c.listTags(image)).tags.sort()).toEqual(['1.0.0', '1.1.0']);
    // one challenge, then Basic up front
    await c.getDigest(image, '1.0.0');
    expect(c.stats().requests).toBe(3);
  });

  it('reports wrong credentials as an auth error that names the config key', async () => {
    const c = client([
      entry(registry.host, { username: 'ci', password: 'wrong' }),
    ]);
    const error = await c
      .listTags({ registry: registry.host, repository: 'acme/api' })
      .catch(e => e);
    expect(error).toMatchObject({
      kind: 'auth',
      name: 'RegistryAuthError',
      status: 401,
    });
    expect(error.message).toContain(
      `registry ${registry.host} denied access to acme/api (401)`,
    );
    expect(error.message).toContain('imageAutomation.registries');
  });

  it('reports missing credentials as an auth error', async () => {
    const c = client([entry(registry.host)]);
    await expect(
      c.listTags({ registry: registry.host, repository: 'acme/api' }),
    ).rejects.toMatchObject({
      kind: 'auth',
    });
  });
});

describe('token auth', () => {
  let registry: StartedRegistry;
  let evil: FaultProxy;
  let foreignRealm: StartedProxy;
  const foreignRequests: Array<{ authorization?: string }> = [];

  beforeAll(async () => {
    registry = await startRegistry({
      auth: 'token',
      users: { ci: 'ci-secret' },
      anonymousPull: repository => repository.startsWith('public/'),
    });
    await registry.pushTags('acme/api', ['1.0.0', '2.0.0']);
    await registry.pushTags('public/app', ['latest']);
    // a token service on another host name that records what it was sent
    foreignRealm = await startProxy(registry.tokenServer!.realm, (req, res) => {
      foreignRequests.push({ authorization: req.headers.authorization });
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ token: 'foreign', expires_in: 300 }));
      return true;
    });
    // a registry front that sends clients to that foreign token service
    evil = await startFaultProxy(registry.url);
    const foreignHost = `localhost:${foreignRealm.host.split(':')[1]}`;
    evil.rewriteHeaders = headers => {
      const challenge = headers['www-authenticate'];
      if (typeof challenge === 'string') {
        headers['www-authenticate'] = challenge.replace(
          /realm="[^"]*"/,
          `realm="http://${foreignHost}/token"`,
        );
      }
      return headers;
    };
  }, 60_000);
  afterAll(async () => {
    await evil?.stop();
    await foreignRealm?.stop();
    await registry?.stop();
  });

  it('exchanges credentials for a token once per scope and reuses it', async () => {
    const c = client([
      entry(registry.host, { username: 'ci', password: 'ci-secret' }),
    ]);
    const image = { registry: registry.host, repository: 'acme/api' };
    const before = registry.tokenServer!.requests.length;
    const list = await c.listTags(image);
    expect(list.tags.sort()).toEqual(['1.0.0', '2.0.0']);
    await c.listTags(image);
    await c.getDigest(image, '1.0.0');
    const tokenRequests = registry.tokenServer!.requests.slice(before);
    expect(tokenRequests).toHaveLength(1);
    expect(tokenRequests[0]).toMatchObject({
      username: 'ci',
      scopes: ['repository:acme/api:pull'],
    });
    // challenge + token + list + list + HEAD
    expect(c.stats().requests).toBe(5);
  });

  it('pulls public repositories with an anonymous token', async () => {
    const c = client([entry(registry.host)]);
    const before = registry.tokenServer!.requests.length;
    const list = await c.listTags({
      registry: registry.host,
      repository: 'public/app',
    });
    expect(list.tags).toEqual(['latest']);
    expect(
      registry.tokenServer!.requests[before].authorization,
    ).toBeUndefined();
  });

  it('reports a private repository without credentials as an auth error', async () => {
    const c = client([entry(registry.host)]);
    await expect(
      c.listTags({ registry: registry.host, repository: 'acme/api' }),
    ).rejects.toMatchObject({
      kind: 'auth',
    });
  });

  it('reports credentials the token service refuses as an auth error', async () => {
    const c = client([
      entry(registry.host, { username: 'ci', password: 'nope' }),
    ]);
    const error = await c
      .listTags({ registry: registry.host, repository: 'acme/api' })
      .catch(e => e);
    expect(error).toMatchObject({ kind: 'auth', status: 401 });
    expect(error.message).toContain(
      'token service refused the configured credentials',
    );
  });

  it('never sends credentials to a token service on another host', async () => {
    const foreignHost = `localhost:${foreignRealm.host.split(':')[1]}`;
    const c = client([
      entry(evil.host, { username: 'ci', password: 'ci-secret' }),
      // listed so it may be contacted at all, but it is not the registry's host
      entry(foreignHost),
    ]);
    await expect(
      c.listTags({ registry: evil.host, repository: 'acme/api' }),
    ).rejects.toMatchObject({
      kind: 'auth',
    });
    expect(foreignRequests.length).toBeGreaterThan(0);
    expect(foreignRequests.every(r => r.authorization === undefined)).toBe(
      true,
    );
  });

  it('refuses a token realm that is not on the allowlist', async () => {
    const c = client([
      entry(evil.host, { username: 'ci', password: 'ci-secret' }),
    ]);
    const before = foreignRequests.length;
    await expect(
      c.listTags({ registry: evil.host, repository: 'acme/api' }),
    ).rejects.toMatchObject({
      kind: 'host-not-allowed',
    });
    expect(foreignRequests.length).toBe(before);
  });
});
