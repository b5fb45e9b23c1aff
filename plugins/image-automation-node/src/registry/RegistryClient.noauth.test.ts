import {
  FaultProxy,
  PagingProxy,
  StartedRegistry,
  startFaultProxy,
  startPagingProxy,
  startRegistry,
} from '@internal/image-automation-test-harness';
import { RegistryClient, RegistryClientOptions } from './RegistryClient';
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

describe('RegistryClient on registry 2.8 without auth', () => {
  let registry: StartedRegistry;
  let paging: PagingProxy;
  let faults: FaultProxy;
  let manyTags: string[];
  const clients: RegistryClient[] = [];

  const client = (
    hosts: string[],
    options: Partial<RegistryClientOptions> = {},
  ) => {
    const created = new RegistryClient({
      registries: hosts.map(h => entry(h)),
      timeoutMs: 1000,
      backoffBaseMs: 5,
      backoffMaxMs: 20,
      ...options,
    });
    clients.push(created);
    return created;
  };

  beforeAll(async () => {
    registry = await startRegistry({ auth: 'none' });
    manyTags = Array.from({ length: 1050 }, (_, i) => `1.0.${i}`);
    await registry.pushTags('acme/many', manyTags);
    await registry.pushImage('acme/api', 'v1', {
      created: '2024-05-01T10:00:00Z',
      label: 'v1',
    });
    await registry.pushImage('acme/api', 'v2', {
      created: '2024-06-01T10:00:00Z',
      label: 'v2',
      index: true,
    });
    await registry.pushImage('acme/pinned', 'r', {
      created: '1970-01-01T00:00:00Z',
      annotationCreated: '2024-07-01T00:00:00Z',
    });
    const gone = await registry.pushImage('acme/gone', 'old');
    await registry.deleteManifest('acme/gone', gone);
    paging = await startPagingProxy(registry.url, {
      defaultPageSize: 100,
      maxPageSize: 300,
    });
    faults = await startFaultProxy(registry.url);
  }, 120_000);

  afterAll(async () => {
    await Promise.all(clients.map(c => c.close()));
    await faults?.stop();
    await paging?.stop();
    await registry?.stop();
  });

  afterEach(() => faults?.clear());

  it('lists every tag in one request when the registry ignores n', async () => {
    const c = client([registry.host]);
    const list = await c.listTags({
      registry: registry.host,
      repository: 'acme/many',
    });
    expect(list.tags.sort()).toEqual([...manyTags].sort());
    expect(list.pages).toBe(1);
    expect(c.stats().requests).toBe(1);
  });

  it('follows Link pagination past 1,000 tags', async () => {
    const c = client([paging.host], { pageSize: 1000 });
    const before = paging.pagesServed;
    const list = await c.listTags({
      registry: paging.host,
      repository: 'acme/many',
    });
    expect(new Set(list.tags)).toEqual(new Set(manyTags));
    expect(list.tags).toHaveLength(1050);
    // the proxy caps n at 300: 4 pages, one request each
    expect(list.pages).toBe(4);
    expect(paging.pagesServed - before).toBe(4);
    expect(c.stats().requests).toBe(4);
  });

  it('reads tags: null as no tags', async () => {
    const list = await client([registry.host]).listTags({
      registry: registry.host,
      repository: 'acme/gone',
    });
    expect(list.tags).toEqual([]);
  });

  it('reports an unknown repository as not found', async () => {
    await expect(
      client([registry.host]).listTags({
        registry: registry.host,
        repository: 'acme/nothing',
      }),
    ).rejects.toMatchObject({
      kind: 'not-found',
      name: 'RegistryNotFoundError',
    });
  });

  it('shares one in-flight scan between concurrent callers', async () => {
    const c = client([registry.host]);
    const image = { registry: registry.host, repository: 'acme/many' };
    const [a, b, d] = await Promise.all([
      c.listTags(image),
      c.listTags(image),
      c.listTags(image),
    ]);
    expect(a).toBe(b);
    expect(b).toBe(d);
    expect(c.stats().requests).toBe(1);
  });

  it('reads manifest digests, of the index for multi-arch tags', async () => {
    const c = client([registry.host]);
    const image = { registry: registry.host, repository: 'acme/api' };
    const v1 = await c.getDigest(image, 'v1');
    const v2 = await c.getDigest(image, 'v2');
    expect(v1).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(v2).not.toBe(v1);
    const index = await fetch(`${registry.url}/v2/acme/api/manifests/v2`, {
      headers: { accept: 'application/vnd.oci.image.index.v1+json' },
    });
    expect(index.headers.get('content-type')).toBe(
      'application/vnd.oci.image.index.v1+json',
    );
    expect(v2).toBe(index.headers.get('docker-content-digest'));
  });

  it('reads the created time from the config blob, through an index', async () => {
    const c = client([registry.host]);
    const image = { registry: registry.host, repository: 'acme/api' };
    expect(await c.getCreated(image, 'v1')).toEqual(
      new Date('2024-05-01T10:00:00Z'),
    );
    expect(await c.getCreated(image, 'v2')).toEqual(
      new Date('2024-06-01T10:00:00Z'),
    );
  });

  it('falls back to the created annotation when created is pinned to 1970', async () => {
    const created = await client([registry.host]).getCreated(
      { registry: registry.host, repository: 'acme/pinned' },
      'r',
    );
    expect(created).toEqual(new Date('2024-07-01T00:00:00Z'));
  });

  describe('faults', () => {
    const image = () => ({ registry: faults.host, repository: 'acme/api' });

    it.each([
      ['a burst of 503s', { kind: 'status', status: 503 } as const],
      ['connection resets', { kind: 'reset' } as const],
      [
        'answers slower than the timeout',
        { kind: 'slow', delayMs: 1500 } as const,
      ],
      [
        '429 with Retry-After',
        { kind: 'rate-limit', retryAfterSeconds: 0 } as const,
      ],
    ])('recovers from %s', async (_, fault) => {
      const c = client([faults.host], { timeoutMs: 500 });
      faults.inject(fault, 2, /tags\/list/);
      const list = await c.listTags(image());
      expect(list.tags.sort()).toEqual(['v1', 'v2']);
      expect(c.stats()).toMatchObject({ requests: 3, retries: 2 });
    });

    it.each([
      ['5xx', { kind: 'status', status: 502 } as const, 'unreachable'],
      ['resets', { kind: 'reset' } as const, 'unreachable'],
      ['timeouts', { kind: 'slow', delayMs: 1500 } as const, 'unreachable'],
      ['429', { kind: 'rate-limit' } as const, 'rate-limited'],
    ])(
      'reports a typed error when %s outlast the retries',
      async (_, fault, kind) => {
        const c = client([faults.host], { timeoutMs: 300, retries: 2 });
        faults.inject(fault, 3, /tags\/list/);
        await expect(c.listTags(image())).rejects.toMatchObject({ kind });
        expect(c.stats().requests).toBe(3);
      },
    );

    it('fails fast when Retry-After asks for longer than the bound', async () => {
      const c = client([faults.host], { maxRetryAfterMs: 1000 });
      faults.inject(
        { kind: 'rate-limit', retryAfterSeconds: 120 },
        1,
        /tags\/list/,
      );
      const error = await c.listTags(image()).catch(e => e);
      expect(error).toMatchObject({
        kind: 'rate-limited',
        name: 'RegistryRateLimitedError',
      });
      expect(error.retryAt.getTime()).toBeGreaterThan(Date.now() + 60_000);
      expect(error.message).toContain(faults.host);
      expect(c.stats().requests).toBe(1);
    });
  });

  describe('SSRF guard', () => {
    it('refuses a loopback registry without an explicit entry', async () => {
      const c = client([], {
        defaultAllowedHosts: [registry.host.replace(/:\d+$/, '')],
      });
      await expect(
        c.listTags({ registry: registry.host, repository: 'acme/api' }),
      ).rejects.toMatchObject({ kind: 'host-not-allowed' });
      expect(c.stats().requests).toBe(0);
    });

    it('refuses hosts that are not on the allowlist', async () => {
      const c = client([registry.host]);
      await expect(
        c.listTags({
          registry: 'registry.example.com',
          repository: 'acme/api',
        }),
      ).rejects.toMatchObject({ kind: 'host-not-allowed' });
      expect(c.stats().requests).toBe(0);
    });

    it('checks the resolved address of names, not only literals', async () => {
      // localhost is allowlisted by name here but resolves to loopback
      const port = registry.host.split(':')[1];
      const c = client([], { defaultAllowedHosts: ['localhost'] });
      await expect(
        c.listTags({ registry: `localhost:${port}`, repository: 'acme/api' }),
      ).rejects.toMatchObject({ kind: 'host-not-allowed' });
    });
  });
});
