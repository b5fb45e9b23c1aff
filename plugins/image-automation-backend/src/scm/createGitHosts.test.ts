import { mockServices } from '@backstage/backend-test-utils';
import { JsonObject } from '@backstage/types';
import { createGitHosts } from './createGitHosts';

const logger = mockServices.logger.mock();
const hosts = (github: JsonObject[]) =>
  createGitHosts({
    config: mockServices.rootConfig({ data: { integrations: { github } } }),
    logger,
  });

describe('createGitHosts', () => {
  it('refuses a GitHub Enterprise host without apiBaseUrl at startup: its token would go to api.github.com', () => {
    expect(() => hosts([{ host: 'ghe.acme.internal', token: 'secret' }])).toThrow(
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
    expect(() => hosts([{ host: 'github.com', token: 'secret' }])).not.toThrow();
  });

  it('opens a GitHub repository for a configured host and says which config a host lacks', async () => {
    const gitHosts = hosts([{ host: 'github.com', token: 'secret' }]);
    const repository = await gitHosts.open('https://github.com/acme/deploy/tree/main/');
    expect(repository.identity).toMatchObject({
      kind: 'github',
      displayName: 'acme/deploy',
      webUrl: 'https://github.com/acme/deploy',
    });
    expect(repository.supportsChangeRequests).toBe(true);
    await expect(gitHosts.open('https://git.example.com/acme/deploy')).rejects.toThrow(
      /no Git host is configured for git\.example\.com/,
    );
  });
});
