import { createHmac } from 'node:crypto';
import { githubProvider as provider } from './github';
import { delivery } from './testDelivery';

const SECRET = 'gh-webhook-secret';
const DIGEST = `sha256:${'c'.repeat(64)}`;

function sign(body: Buffer, secret = SECRET) {
  return `sha256=${createHmac('sha256', secret).update(body).digest('hex')}`;
}

/** Trimmed from GitHub's documented `package` published payload for a container. */
function packagePayload(event: 'package' | 'registry_package', tag = '1.4.0') {
  return {
    action: 'published',
    [event]: {
      id: 1,
      name: 'payments-api',
      namespace: 'Acme',
      ecosystem: 'CONTAINER',
      package_type: event === 'package' ? 'container' : 'CONTAINER',
      owner: { login: 'Acme', type: 'Organization' },
      package_version: {
        id: 2,
        version: DIGEST,
        name: DIGEST,
        container_metadata: {
          tag: { name: tag, digest: DIGEST },
          labels: {},
          manifest: {},
        },
        package_url: `ghcr.io/acme/payments-api:${tag}`,
      },
      registry: {
        about_url: 'https://docs.github.com/packages',
        name: 'GitHub CONTAINER registry',
        type: 'CONTAINER',
        url: 'https://ghcr.io/acme',
        vendor: 'GitHub Inc',
      },
    },
    repository: { full_name: 'acme/payments' },
    sender: { login: 'octocat' },
  };
}

function signed(body: unknown, event: string, signature?: string) {
  const bytes = Buffer.from(JSON.stringify(body));
  return delivery(bytes, {
    'X-GitHub-Event': event,
    'X-Hub-Signature-256': signature ?? sign(bytes),
  });
}

function npmPayload() {
  const body = packagePayload('package');
  (body.package as any).package_type = 'npm';
  (body.package as any).ecosystem = 'npm';
  return body;
}

describe('GitHub webhook provider', () => {
  it('accepts the HMAC of the exact body', () => {
    expect(
      provider.verify(signed(packagePayload('package'), 'package'), SECRET),
    ).toBe(true);
  });

  it.each([
    ['another secret', (b: Buffer) => sign(b, 'other')],
    [
      'a signature of other bytes',
      (b: Buffer) => sign(Buffer.concat([b, Buffer.from(' ')])),
    ],
    [
      'the SHA-1 header form',
      (b: Buffer) =>
        `sha1=${createHmac('sha1', SECRET).update(b).digest('hex')}`,
    ],
    ['an empty signature', () => ''],
  ])('refuses %s', (_, signature) => {
    const bytes = Buffer.from(JSON.stringify(packagePayload('package')));
    expect(
      provider.verify(
        delivery(bytes, {
          'X-GitHub-Event': 'package',
          'X-Hub-Signature-256': signature(bytes),
        }),
        SECRET,
      ),
    ).toBe(false);
  });

  it('refuses a delivery without X-Hub-Signature-256', () => {
    expect(
      provider.verify(
        delivery(packagePayload('package'), { 'X-GitHub-Event': 'package' }),
        SECRET,
      ),
    ).toBe(false);
  });

  it.each(['package', 'registry_package'] as const)(
    'reads a published container version from a %s event',
    event => {
      expect(provider.parse(signed(packagePayload(event), event))).toEqual({
        kind: 'pushed',
        images: [
          {
            repository: 'ghcr.io/acme/payments-api',
            tag: '1.4.0',
            digest: DIGEST,
          },
        ],
      });
    },
  );

  it('reads nested package names', () => {
    const body = packagePayload('package');
    (body.package as any).name = 'payments%2Fworker';
    expect(provider.parse(signed(body, 'package'))).toMatchObject({
      images: [{ repository: 'ghcr.io/acme/payments/worker' }],
    });
  });

  it.each([
    [
      'ping events',
      { zen: 'Keep it logically awesome.' },
      'ping',
      'ping events are not acted on',
    ],
    [
      'untagged versions',
      packagePayload('package', ''),
      'package',
      'a version pushed without a tag (a platform manifest or attestation)',
    ],
    [
      'npm packages',
      npmPayload(),
      'package',
      'npm packages are not container images',
    ],
    [
      'other actions',
      { ...packagePayload('registry_package'), action: 'deleted' },
      'registry_package',
      'registry_package deleted is not a push',
    ],
  ])('ignores %s', (_, body, event, reason) => {
    expect(provider.parse(signed(body, event))).toEqual({
      kind: 'ignored',
      reason,
    });
  });
});
