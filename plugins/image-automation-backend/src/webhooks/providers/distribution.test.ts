import { distributionProvider as provider } from './distribution';
import { delivery } from './testDelivery';

const DIGEST = `sha256:${'a'.repeat(64)}`;

/** `tag` as the registry sends it: absent when pushed by digest (''). */
function tagField(tag: string | undefined): { tag?: string } {
  if (tag === undefined) return { tag: '1.2.0' };
  return tag ? { tag } : {};
}

/** An event as the registry's notifications documentation shows it. */
function event(overrides: {
  action?: string;
  mediaType?: string;
  tag?: string;
  repository?: string;
}) {
  return {
    id: 'asdf-asdf-asdf-asdf-0',
    timestamp: '2024-06-01T10:00:00.000Z',
    action: overrides.action ?? 'push',
    target: {
      mediaType:
        overrides.mediaType ??
        'application/vnd.docker.distribution.manifest.v2+json',
      size: 708,
      digest: DIGEST,
      length: 708,
      repository: overrides.repository ?? 'acme/api',
      url: `http://registry.internal:5000/v2/acme/api/manifests/${DIGEST}`,
      ...tagField(overrides.tag),
    },
    request: {
      id: 'asdfasdf',
      addr: 'client.local',
      host: 'registry.internal:5000',
      method: 'PUT',
      useragent: 'test/0.1',
    },
    actor: {},
    source: { addr: 'hostname.local:port', instanceID: 'x' },
  };
}

const envelope = (...events: unknown[]) => delivery({ events });

describe('distribution webhook provider', () => {
  it.each([
    ['Bearer s3cret', true],
    ['bearer   s3cret', true],
    ['s3cret', true],
    ['Bearer s3cret2', false],
    ['Bearer ', false],
    ['Basic czNjcmV0', false],
  ])('checks Authorization %j', (header, ok) => {
    expect(
      provider.verify(delivery({}, { Authorization: header }), 's3cret'),
    ).toBe(ok);
  });

  it('refuses a delivery without Authorization', () => {
    expect(provider.verify(delivery({}), 's3cret')).toBe(false);
  });

  it('reads a tagged manifest push with the host the registry saw', () => {
    expect(provider.parse(envelope(event({})))).toEqual({
      kind: 'pushed',
      images: [
        {
          repository: 'registry.internal:5000/acme/api',
          tag: '1.2.0',
          digest: DIGEST,
        },
      ],
    });
  });

  it('uses the configured registry host instead of the request host', () => {
    expect(
      provider.parse(envelope(event({})), 'registry.example.com'),
    ).toMatchObject({
      images: [{ repository: 'registry.example.com/acme/api' }],
    });
  });

  it('acts on OCI indexes and keeps one entry per repository and tag', () => {
    const index = event({
      mediaType: 'application/vnd.oci.image.index.v1+json',
    });
    expect(
      provider.parse(envelope(index, index, event({ tag: '1.3.0' }))),
    ).toEqual({
      kind: 'pushed',
      images: [
        expect.objectContaining({ tag: '1.2.0' }),
        expect.objectContaining({ tag: '1.3.0' }),
      ],
    });
  });

  it.each([
    ['pulls', [event({ action: 'pull' })], 'pull events'],
    ['deletes', [event({ action: 'delete' })], 'delete events'],
    [
      'blob uploads',
      [event({ mediaType: 'application/octet-stream' })],
      'blob uploads',
    ],
    [
      'layer uploads',
      [event({ mediaType: 'application/vnd.oci.image.layer.v1.tar+gzip' })],
      'blob uploads',
    ],
    [
      'manifests pushed by digest',
      [event({ tag: '' })],
      'manifests pushed by digest only',
    ],
    ['an empty envelope', [], 'the envelope holds no events'],
  ])('ignores %s', (_, events, reason) => {
    const outcome = provider.parse(envelope(...events));
    expect(outcome.kind).toBe('ignored');
    expect(outcome).toMatchObject({ reason: expect.stringContaining(reason) });
  });

  it('acts on the push among pulls and blob uploads of one envelope', () => {
    expect(
      provider.parse(
        envelope(
          event({ action: 'pull' }),
          event({ mediaType: 'application/octet-stream' }),
          event({ tag: '2.0.0' }),
        ),
      ),
    ).toMatchObject({ kind: 'pushed', images: [{ tag: '2.0.0' }] });
  });

  it('refuses a body that is not JSON', () => {
    expect(() => provider.parse(delivery('not json'))).toThrow(
      'the distribution webhook body is not JSON',
    );
  });
});
