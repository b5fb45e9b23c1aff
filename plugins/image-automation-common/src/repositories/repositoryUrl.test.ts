import { parseRepositoryUrl, repositoryMatchesGlob } from './repositoryUrl';

describe('parseRepositoryUrl', () => {
  it.each([
    [
      'https://github.com/acme/deploy',
      {
        protocol: 'https',
        host: 'github.com',
        path: 'acme/deploy',
        key: 'github.com/acme/deploy',
      },
    ],
    [
      'url:https://github.com/acme/deploy/tree/main/',
      {
        host: 'github.com',
        path: 'acme/deploy',
        cloneUrl: 'https://github.com/acme/deploy',
      },
    ],
    [
      'https://gitlab.example.com/group/sub/project/-/tree/main',
      { host: 'gitlab.example.com', path: 'group/sub/project' },
    ],
    [
      'https://gitea.internal/team/app.git',
      { host: 'gitea.internal', path: 'team/app' },
    ],
    [
      'ssh://git@git.internal:2222/team/app.git',
      {
        protocol: 'ssh',
        host: 'git.internal:2222',
        path: 'team/app',
        user: 'git',
        key: 'git.internal:2222/team/app',
        cloneUrl: 'ssh://git@git.internal:2222/team/app.git',
      },
    ],
    [
      'git@git.internal:team/app.git',
      {
        protocol: 'ssh',
        host: 'git.internal',
        path: 'team/app',
        user: 'git',
        cloneUrl: 'git@git.internal:team/app.git',
      },
    ],
    [
      'ssh://git@127.0.0.1:40022/srv/git/demo.git',
      { host: '127.0.0.1:40022', path: 'srv/git/demo' },
    ],
  ])('reads %s', (input, expected) => {
    expect(parseRepositoryUrl(input)).toMatchObject(expected);
  });

  it.each([
    'not a url',
    'ftp://host/a/b',
    'https://github.com/',
    'https://github.com/acme',
    'ssh://git@host/../etc/passwd',
    'git@host:',
  ])('refuses %s', input => {
    expect(parseRepositoryUrl(input)).toBeUndefined();
  });
});

describe('repositoryMatchesGlob', () => {
  it.each([
    ['github.com/acme/gitops-prod', 'github.com/acme/gitops-*', true],
    ['github.com/acme/other', 'github.com/acme/gitops-*', false],
    ['GitHub.com/acme/app', 'github.com/acme/app', true],
    ['github.com/acme/App', 'github.com/acme/app', false],
    ['gitlab.com/group/sub/project', 'gitlab.com/group/**', true],
    ['gitlab.com/group/sub/project', 'gitlab.com/group/*', false],
    ['git.internal:2222/team/app', 'git.internal:2222/team/*', true],
    ['github.com/acme/a.b', 'github.com/acme/a?b', false],
  ])('%s against %s is %s', (key, glob, expected) => {
    expect(repositoryMatchesGlob(key, glob)).toBe(expected);
  });
});
