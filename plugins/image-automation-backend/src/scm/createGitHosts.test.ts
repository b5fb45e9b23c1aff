import { mockServices } from '@backstage/backend-test-utils';
import { JsonObject } from '@backstage/types';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createGitHosts } from './createGitHosts';

const logger = mockServices.logger.mock();
const hosts = (github: JsonObject[], gitlab: JsonObject[] = []) =>
  createGitHosts({
    config: mockServices.rootConfig({ data: { integrations: { github, gitlab } } }),
    logger,
  });

describe('createGitHosts', () => {
  it('refuses a GitHub Enterprise host without apiBaseUrl at startup: its token would go to api.github.com', () => {
    expect(() =>
      hosts([{ host: 'ghe.acme.internal', token: 'secret' }]),
    ).toThrow(
      'integrations.github entry for ghe.acme.internal has no apiBaseUrl; without it its token would go to api.github.com. Set apiBaseUrl, e.g. https://ghe.acme.internal/api/v3',
    );
    expect(() =>
      hosts([
        {
          host: 'ghe.acme.internal',
          apiBaseUrl: 'https://ghe.acme.internal/api/v3',
          token: 'secret',
        },
      ]),
    ).not.toThrow();
    expect(() =>
      hosts([{ host: 'github.com', token: 'secret' }]),
    ).not.toThrow();
  });

  it('opens a GitHub repository for a configured host and says which config a host lacks', async () => {
    const gitHosts = hosts([{ host: 'github.com', token: 'secret' }]);
    const repository = await gitHosts.open(
      'https://github.com/acme/deploy/tree/main/',
    );
    expect(repository.identity).toMatchObject({
      kind: 'github',
      displayName: 'acme/deploy',
      webUrl: 'https://github.com/acme/deploy',
    });
    expect(repository.supportsChangeRequests).toBe(true);
    await expect(
      gitHosts.open('https://git.example.com/acme/deploy'),
    ).rejects.toThrow(/no Git host is configured for git\.example\.com/);
  });

  it('routes a git.hosts entry to plain Git, in the ssh and scp-like forms, with clones under backend.workingDirectory', async () => {
    const workingDirectory = mkdtempSync(join(tmpdir(), 'ia-git-hosts-'));
    const gitHosts = createGitHosts({
      config: mockServices.rootConfig({
        data: {
          backend: { workingDirectory },
          imageAutomation: {
            git: {
              hosts: [
                {
                  host: 'git.internal:2222',
                  ssh: { privateKey: 'KEY', knownHosts: 'KNOWN' },
                },
                {
                  host: 'git.internal',
                  ssh: { privateKey: 'KEY', knownHosts: 'KNOWN' },
                },
              ],
            },
          },
        },
      }),
      logger,
    });
    for (const [url, displayName] of [
      [
        'ssh://git@git.internal:2222/team/app.git',
        'git.internal:2222/team/app',
      ],
      ['git@git.internal:team/app.git', 'git.internal/team/app'],
    ]) {
      const repository = await gitHosts.open(url);
      expect(repository.identity).toMatchObject({ kind: 'git', displayName });
      expect(repository.supportsChangeRequests).toBe(false);
    }
    expect(existsSync(join(workingDirectory, 'image-automation', 'git'))).toBe(
      true,
    );
    rmSync(workingDirectory, { recursive: true, force: true });
  });

  it('opens a GitLab project (subgroups included) for a host under integrations.gitlab', async () => {
    const gitHosts = hosts(
      [{ host: 'github.com', token: 'secret' }],
      [{ host: 'gitlab.internal', apiBaseUrl: 'https://gitlab.internal/api/v4', token: 'glpat-secret' }],
    );
    const repository = await gitHosts.open('https://gitlab.internal/platform/deploy/api/-/tree/main');
    expect(repository.identity).toMatchObject({
      kind: 'gitlab',
      displayName: 'platform/deploy/api',
      webUrl: 'https://gitlab.internal/platform/deploy/api',
    });
    expect(repository.changeRequestNoun).toBe('merge request');
    // Backstage lists gitlab.com by default, without a token: a config problem in plain words.
    await expect(gitHosts.open('https://gitlab.com/acme/deploy')).rejects.toThrow(
      'integrations.gitlab for gitlab.com has no token',
    );
  });
});
