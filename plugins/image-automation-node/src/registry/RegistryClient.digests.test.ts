import {
  FaultProxy,
  StartedRegistry,
  startFaultProxy,
  startRegistry,
} from '@internal/image-automation-test-harness';
import { RegistryClient } from './RegistryClient';

jest.setTimeout(30_000);

/**
 * Digests and build times as Flux's digest reflection and Argo's
 * newest-build read them, against the real registry: OCI and Docker media
 * types, multi-arch indexes, a registry that omits Docker-Content-Digest,
 * and a tag pushed again.
 */
describe('RegistryClient digests and build times on registry 2.8', () => {
  let registry: StartedRegistry;
  let noDigestHeader: FaultProxy;
  const pushed: Record<string, string> = {};
  const clients: RegistryClient[] = [];

  const client = (host = registry.host) => {
    const created = new RegistryClient({
      registries: [
        { host, type: 'generic', insecure: true, tokenRealmHosts: [] },
      ],
      timeoutMs: 2000,
    });
    clients.push(created);
    return created;
  };
  const image = (repository: string, host = registry.host) => ({
    registry: host,
    repository,
  });

  beforeAll(async () => {
    registry = await startRegistry({ auth: 'none' });
    pushed.oci = await registry.pushImage('acme/single', 'oci', {
      created: '2024-03-01T00:00:00Z',
    });
    pushed.docker = await registry.pushImage('acme/single', 'docker', {
      created: '2024-03-02T00:00:00Z',
      format: 'docker',
    });
    const platforms = [
      { os: 'linux', architecture: 'amd64', created: '2024-04-01T00:00:00Z' },
      {
        os: 'linux',
        architecture: 'arm64',
        variant: 'v8',
        created: '2024-04-03T00:00:00Z',
      },
    ];
    pushed.ociIndex = await registry.pushImage('acme/multi', 'oci', {
      platforms,
    });
    pushed.dockerList = await registry.pushImage('acme/multi', 'docker', {
      platforms,
      format: 'docker',
    });
    pushed.armOnly = await registry.pushImage('acme/multi', 'arm-only', {
      platforms: [platforms[1]],
    });
    pushed.noCreated = await registry.pushImage('acme/single', 'no-created', {
      omitCreated: true,
    });
    noDigestHeader = await startFaultProxy(registry.url);
    noDigestHeader.rewriteHeaders = headers => {
      const { 'docker-content-digest': _, ...rest } = headers;
      return rest;
    };
  }, 120_000);

  afterAll(async () => {
    await Promise.all(clients.map(c => c.close()));
    await noDigestHeader?.stop();
    await registry?.stop();
  });

  it.each([
    ['an OCI manifest', 'acme/single', 'oci', 'oci'],
    ['a Docker v2 manifest', 'acme/single', 'docker', 'docker'],
    ['an OCI index', 'acme/multi', 'oci', 'ociIndex'],
    ['a Docker manifest list', 'acme/multi', 'docker', 'dockerList'],
  ])(
    'reads the digest of %s with one HEAD',
    async (_, repository, tag, key) => {
      const c = client();
      const digest = await c.getDigest(image(repository), tag);
      expect(digest).toBe(pushed[key]);
      // HEAD only: Docker Hub does not count it against the pull allowance
      expect(c.stats().requests).toBe(1);
    },
  );

  it('hashes the manifest bytes when the registry omits Docker-Content-Digest', async () => {
    const c = client(noDigestHeader.host);
    const before = noDigestHeader.requests.length;
    expect(
      await c.getDigest(image('acme/multi', noDigestHeader.host), 'oci'),
    ).toBe(pushed.ociIndex);
    expect(noDigestHeader.requests.slice(before).map(r => r.method)).toEqual([
      'HEAD',
      'GET',
    ]);
    expect(
      await c.getDigest(image('acme/single', noDigestHeader.host), 'docker'),
    ).toBe(pushed.docker);
  });

  it('sees a new digest when a tag is pushed again', async () => {
    const c = client();
    const first = await registry.pushImage('acme/repushed', 'latest', {
      label: 'first build',
    });
    expect(await c.getDigest(image('acme/repushed'), 'latest')).toBe(first);
    const second = await registry.pushImage('acme/repushed', 'latest', {
      label: 'second build',
    });
    expect(second).not.toBe(first);
    expect(await c.getDigest(image('acme/repushed'), 'latest')).toBe(second);
  });

  it('reads the build time of the linux/amd64 image of an index by default', async () => {
    const inspection = await client().inspect(image('acme/multi'), 'oci');
    expect(inspection).toMatchObject({
      digest: pushed.ociIndex,
      created: new Date('2024-04-01T00:00:00Z'),
    });
    expect(inspection.platformDigest).toMatch(/^sha256:/);
    expect(inspection.platformDigest).not.toBe(pushed.ociIndex);
  });

  it.each([
    ['OCI index', 'oci'],
    ['Docker manifest list', 'docker'],
  ])(
    'reads the build time of the configured platform of a %s',
    async (_, tag) => {
      const c = client();
      const arm = { os: 'linux', architecture: 'arm64' };
      expect(
        await c.getCreated(image('acme/multi'), tag, { platform: arm }),
      ).toEqual(new Date('2024-04-03T00:00:00Z'));
      expect(
        await c.getCreated(image('acme/multi'), tag, {
          platform: { ...arm, variant: 'v8' },
        }),
      ).toEqual(new Date('2024-04-03T00:00:00Z'));
    },
  );

  it('says which platforms an index has when the configured one is missing', async () => {
    const inspection = await client().inspect(image('acme/multi'), 'arm-only');
    expect(inspection.digest).toBe(pushed.armOnly);
    expect(inspection.created).toBeUndefined();
    expect(inspection.problem).toBe(
      "the image index has no linux/amd64 image (it has linux/arm64/v8); set the policy's platform to one of those",
    );
  });

  it('reads a single manifest by tag or by digest', async () => {
    const c = client();
    expect(await c.inspect(image('acme/single'), 'docker')).toEqual({
      digest: pushed.docker,
      created: new Date('2024-03-02T00:00:00Z'),
    });
    expect(await c.inspect(image('acme/single'), pushed.oci)).toEqual({
      digest: pushed.oci,
      created: new Date('2024-03-01T00:00:00Z'),
    });
  });

  it('says why when the config has no created time', async () => {
    const inspection = await client().inspect(
      image('acme/single'),
      'no-created',
    );
    expect(inspection).toEqual({
      digest: pushed.noCreated,
      problem:
        'the image config has no created time and no org.opencontainers.image.created annotation',
    });
  });

  it('reports an unknown tag as not found', async () => {
    await expect(
      client().getDigest(image('acme/single'), 'nope'),
    ).rejects.toMatchObject({ kind: 'not-found' });
  });
});
