import {
  formatImageReference,
  InvalidImageReferenceError,
  parseImageReference,
  repositoryOf,
} from '.';

const DIGEST = `sha256:${'a'.repeat(64)}`;

describe('parseImageReference', () => {
  it.each([
    // [input, registry, repository, tag, digest]
    ['nginx', 'docker.io', 'library/nginx', undefined, undefined],
    ['nginx:1.25', 'docker.io', 'library/nginx', '1.25', undefined],
    ['nginx:latest', 'docker.io', 'library/nginx', 'latest', undefined],
    ['library/nginx', 'docker.io', 'library/nginx', undefined, undefined],
    ['docker.io/nginx', 'docker.io', 'library/nginx', undefined, undefined],
    [
      'docker.io/library/nginx:1.25',
      'docker.io',
      'library/nginx',
      '1.25',
      undefined,
    ],
    [
      'index.docker.io/bitnami/redis:7',
      'docker.io',
      'bitnami/redis',
      '7',
      undefined,
    ],
    [
      'registry-1.docker.io/foo/bar',
      'docker.io',
      'foo/bar',
      undefined,
      undefined,
    ],
    ['acme/payments-api:v1', 'docker.io', 'acme/payments-api', 'v1', undefined],
    [
      'ghcr.io/acme/payments-api:1.4.2',
      'ghcr.io',
      'acme/payments-api',
      '1.4.2',
      undefined,
    ],
    [
      'ghcr.io/acme/team/sub/image',
      'ghcr.io',
      'acme/team/sub/image',
      undefined,
      undefined,
    ],
    ['localhost/foo', 'localhost', 'foo', undefined, undefined],
    ['localhost:5000/foo:dev', 'localhost:5000', 'foo', 'dev', undefined],
    ['localhost:5000', 'docker.io', 'library/localhost', '5000', undefined],
    ['127.0.0.1:5000/a/b:1', '127.0.0.1:5000', 'a/b', '1', undefined],
    ['[::1]:5000/foo:bar', '[::1]:5000', 'foo', 'bar', undefined],
    [
      'registry.internal:5000/team/app',
      'registry.internal:5000',
      'team/app',
      undefined,
      undefined,
    ],
    ['Example.COM/foo', 'Example.COM', 'foo', undefined, undefined],
    [
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com/svc:2',
      '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
      'svc',
      '2',
      undefined,
    ],
    [`nginx@${DIGEST}`, 'docker.io', 'library/nginx', undefined, DIGEST],
    [`nginx:1.25@${DIGEST}`, 'docker.io', 'library/nginx', '1.25', DIGEST],
    [
      `ghcr.io/a/b:_x.Y-z@sha512:${'0'.repeat(128)}`,
      'ghcr.io',
      'a/b',
      '_x.Y-z',
      `sha512:${'0'.repeat(128)}`,
    ],
    ['a.b/c__d/e---f/g_h.i', 'a.b', 'c__d/e---f/g_h.i', undefined, undefined],
  ])('%s', (input, registry, repository, tag, digest) => {
    const expected: Record<string, string> = { registry, repository } as Record<
      string,
      string
    >;
    if (tag !== undefined) expected.tag = tag;
    if (digest !== undefined) expected.digest = digest;
    expect(parseImageReference(input)).toEqual(expected);
  });

  it.each([
    ['', /empty/],
    ['Nginx', /must be lowercase \("Nginx"\)/],
    ['docker.io/Acme/app', /must be lowercase/],
    ['ghcr.io/', /path is missing/],
    ['ghcr.io//app', /empty component/],
    ['ghcr.io/app/', /empty component/],
    ['nginx:', /tag is empty/],
    ['nginx:-bad', /starts with "-"/],
    [`nginx:${'a'.repeat(129)}`, /129 characters long/],
    ['nginx:1.0 ', /contains " "/],
    ['nginx:1.0\n', /contains "\\n"/],
    ['nginx:"1.0"', /contains "\\""/],
    ['nginx@sha256:abc', /exactly 64 lowercase hex/],
    [`nginx@sha256:${'A'.repeat(64)}`, /exactly 64 lowercase hex/],
    [`nginx@md5:${'a'.repeat(32)}`, /algorithm "md5" is not supported/],
    ['nginx@', /has no algorithm/],
    ['ghcr.io:port/app', /port "port" is not a number/],
    ['-bad.io/app', /not a valid host name/],
    ['ghcr.io/a-/b', /path component "a-" is invalid/],
    ['ghcr.io/_a/b', /path component "_a" is invalid/],
    ['ghcr.io/a..b', /path component "a..b" is invalid/],
    ['ghcr.io/a___b', /path component "a___b" is invalid/],
    [`ghcr.io/${'a'.repeat(250)}`, /at most 255/],
    ['https://ghcr.io/a', /leave out the scheme/],
  ])('rejects %j', (input, message) => {
    let error: unknown;
    try {
      parseImageReference(input);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidImageReferenceError);
    expect((error as Error).message).toMatch(message);
    expect((error as Error).message).toContain(
      'e.g. "ghcr.io/acme/payments-api:1.4.2"',
    );
  });

  it('accepts a name of exactly 255 characters', () => {
    const name = `ghcr.io/${'a'.repeat(255 - 'ghcr.io/'.length)}`;
    expect(repositoryOf(parseImageReference(name))).toBe(name);
  });
});

describe('formatImageReference', () => {
  it.each([
    // [input, canonical, familiar]
    ['nginx', 'docker.io/library/nginx', 'nginx'],
    ['nginx:1.25', 'docker.io/library/nginx:1.25', 'nginx:1.25'],
    [
      'index.docker.io/library/nginx:1.25',
      'docker.io/library/nginx:1.25',
      'nginx:1.25',
    ],
    ['acme/app:v1', 'docker.io/acme/app:v1', 'acme/app:v1'],
    ['library/a/b', 'docker.io/library/a/b', 'library/a/b'],
    ['ghcr.io/acme/app:1', 'ghcr.io/acme/app:1', 'ghcr.io/acme/app:1'],
    ['localhost:5000/app', 'localhost:5000/app', 'localhost:5000/app'],
    [
      `nginx:1@${DIGEST}`,
      `docker.io/library/nginx:1@${DIGEST}`,
      `nginx:1@${DIGEST}`,
    ],
  ])('%s', (input, canonical, familiar) => {
    const ref = parseImageReference(input);
    expect(formatImageReference(ref)).toBe(canonical);
    expect(formatImageReference(ref, { familiar: true })).toBe(familiar);
    // Both forms parse back to the same reference.
    expect(parseImageReference(canonical)).toEqual(ref);
    expect(parseImageReference(familiar)).toEqual(ref);
  });

  it('repositoryOf groups references that differ only in tag or digest', () => {
    expect(repositoryOf(parseImageReference('nginx:1'))).toBe(
      'docker.io/library/nginx',
    );
    expect(
      repositoryOf(parseImageReference(`docker.io/library/nginx@${DIGEST}`)),
    ).toBe('docker.io/library/nginx');
  });
});
