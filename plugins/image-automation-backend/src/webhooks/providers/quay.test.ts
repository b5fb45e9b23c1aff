import { quayProvider as provider } from './quay';
import { delivery } from './testDelivery';

/** Quay's documented "Push to Repository" notification. */
const PAYLOAD = {
  name: 'repository',
  repository: 'mynamespace/repository',
  namespace: 'mynamespace',
  docker_url: 'quay.io/mynamespace/repository',
  homepage: 'https://quay.io/repository/mynamespace/repository',
  updated_tags: ['latest', '1.4.0'],
};

describe('Quay webhook provider', () => {
  it.each([
    [{ token: 'quay-token' }, true],
    [{ token: 'QUAY-TOKEN' }, false],
    [{}, false],
  ])('checks the URL token %j', (query, ok) => {
    expect(provider.verify(delivery(PAYLOAD, {}, query), 'quay-token')).toBe(
      ok,
    );
  });

  it('reads every updated tag', () => {
    expect(provider.parse(delivery(PAYLOAD))).toEqual({
      kind: 'pushed',
      images: [
        { repository: 'quay.io/mynamespace/repository', tag: 'latest' },
        { repository: 'quay.io/mynamespace/repository', tag: '1.4.0' },
      ],
    });
  });

  it('takes the host of a self-hosted Quay from docker_url', () => {
    expect(
      provider.parse(
        delivery({
          ...PAYLOAD,
          docker_url: 'quay.internal/mynamespace/repository',
        }),
      ),
    ).toMatchObject({
      images: [
        { repository: 'quay.internal/mynamespace/repository', tag: 'latest' },
        { repository: 'quay.internal/mynamespace/repository', tag: '1.4.0' },
      ],
    });
  });

  it('ignores other notifications (no updated tags)', () => {
    expect(
      provider.parse(delivery({ ...PAYLOAD, updated_tags: undefined })),
    ).toMatchObject({ kind: 'ignored' });
  });
});
