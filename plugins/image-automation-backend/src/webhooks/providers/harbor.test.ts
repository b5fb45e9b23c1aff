import { harborProvider as provider } from './harbor';
import { delivery } from './testDelivery';

const DIGEST = `sha256:${'b'.repeat(64)}`;

/** A Harbor 2.x PUSH_ARTIFACT payload, as its webhook documentation shows it. */
function payload(type = 'PUSH_ARTIFACT') {
  return {
    type,
    occur_at: 1680501893,
    operator: 'admin',
    event_data: {
      resources: [
        {
          digest: DIGEST,
          tag: 'v2.1.0',
          resource_url: 'harbor.example.com/library/nginx:v2.1.0',
        },
      ],
      repository: {
        date_created: 1680501893,
        name: 'nginx',
        namespace: 'library',
        repo_full_name: 'library/nginx',
        repo_type: 'private',
      },
    },
  };
}

describe('Harbor webhook provider', () => {
  it.each([
    ['harbor-token', true],
    ['Bearer harbor-token', true],
    ['harbor-tokem', false],
  ])('checks the auth header %j', (header, ok) => {
    expect(
      provider.verify(
        delivery(payload(), { Authorization: header }),
        'harbor-token',
      ),
    ).toBe(ok);
  });

  it('reads a pushed artifact, with the host of its resource_url', () => {
    expect(provider.parse(delivery(payload()))).toEqual({
      kind: 'pushed',
      images: [
        {
          repository: 'harbor.example.com/library/nginx',
          tag: 'v2.1.0',
          digest: DIGEST,
        },
      ],
    });
  });

  it.each([
    'PULL_ARTIFACT',
    'DELETE_ARTIFACT',
    'SCANNING_COMPLETED',
    'QUOTA_WARNING',
  ])('ignores %s', type => {
    expect(provider.parse(delivery(payload(type)))).toEqual({
      kind: 'ignored',
      reason: `${type} events are not acted on`,
    });
  });

  it('ignores a push of an untagged artifact', () => {
    const untagged = payload();
    untagged.event_data.resources[0].tag = '';
    expect(provider.parse(delivery(untagged))).toMatchObject({
      kind: 'ignored',
    });
  });
});
