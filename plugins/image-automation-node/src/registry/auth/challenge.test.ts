import { parseAuthChallenge } from './challenge';

describe('parseAuthChallenge', () => {
  it.each([
    [
      'Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"',
      {
        scheme: 'bearer',
        realm: 'https://auth.docker.io/token',
        service: 'registry.docker.io',
        scope: 'repository:library/nginx:pull',
      },
    ],
    [
      'Bearer realm="https://ghcr.io/token",service="ghcr.io",scope="repository:acme/api:pull,push"',
      {
        scheme: 'bearer',
        realm: 'https://ghcr.io/token',
        service: 'ghcr.io',
        scope: 'repository:acme/api:pull,push',
      },
    ],
    ['Basic realm="Harbor"', { scheme: 'basic', realm: 'Harbor' }],
    [
      'bearer realm=https://r.example/token',
      { scheme: 'bearer', realm: 'https://r.example/token' },
    ],
  ])('parses %s', (header, expected) => {
    expect(parseAuthChallenge(header)).toMatchObject(expected);
  });

  it.each([undefined, '', 'Negotiate abc', 'Digest realm="x"'])(
    'ignores %p',
    header => {
      expect(parseAuthChallenge(header)).toBeUndefined();
    },
  );
});
