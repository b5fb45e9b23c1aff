import { dockerHubProvider as provider } from './dockerHub';
import { delivery } from './testDelivery';

/** Docker Hub's documented example payload. */
const PAYLOAD = {
  callback_url:
    'https://registry.hub.docker.com/u/svendowideit/testhook/hook/2141b5bi5i5b02bec211i4eeih0242eg11000a/',
  push_data: { pushed_at: 1417566161, pusher: 'trustedbuilder', tag: 'latest' },
  repository: {
    comment_count: 0,
    date_created: 1417494799,
    description: '',
    is_official: false,
    is_private: true,
    is_trusted: true,
    name: 'testhook',
    namespace: 'svendowideit',
    owner: 'svendowideit',
    repo_name: 'svendowideit/testhook',
    repo_url: 'https://registry.hub.docker.com/u/svendowideit/testhook/',
    star_count: 0,
    status: 'Active',
  },
};

describe('Docker Hub webhook provider', () => {
  it.each([
    [{ token: 'hub-token' }, true],
    [{ token: 'hub-token-' }, false],
    [{ token: '' }, false],
    [{}, false],
  ])('checks the URL token %j', (query, ok) => {
    expect(provider.verify(delivery(PAYLOAD, {}, query), 'hub-token')).toBe(ok);
  });

  it('ignores a token sent as a header: Hub puts it in the URL', () => {
    expect(
      provider.verify(
        delivery(PAYLOAD, { Authorization: 'hub-token' }),
        'hub-token',
      ),
    ).toBe(false);
  });

  it('reads the pushed repository and tag', () => {
    expect(provider.parse(delivery(PAYLOAD))).toEqual({
      kind: 'pushed',
      images: [
        { repository: 'docker.io/svendowideit/testhook', tag: 'latest' },
      ],
    });
  });

  it('normalises official images to library/', () => {
    const official = {
      ...PAYLOAD,
      repository: {
        ...PAYLOAD.repository,
        repo_name: 'nginx',
        namespace: 'library',
      },
    };
    expect(provider.parse(delivery(official))).toMatchObject({
      images: [{ repository: 'docker.io/library/nginx' }],
    });
  });

  it('ignores a payload without a tag', () => {
    expect(
      provider.parse(delivery({ ...PAYLOAD, push_data: { pusher: 'x' } })),
    ).toMatchObject({ kind: 'ignored' });
  });
});
