import { ConfigReader } from '@backstage/config';
import { readWebhooksConfig } from './readWebhooksConfig';

const read = (webhooks: unknown) =>
  readWebhooksConfig(
    new ConfigReader({ imageAutomation: { webhooks } } as any),
  );

describe('readWebhooksConfig', () => {
  it('turns on the providers that have their secret', () => {
    const configured = read({
      distribution: { token: 't1', registry: 'Registry.Internal:5000' },
      dockerhub: { token: 't2' },
      github: { secret: 's3' },
      harbor: { token: 't4' },
      quay: { token: 't5' },
    });
    expect([...configured.keys()]).toEqual([
      'distribution',
      'dockerhub',
      'github',
      'harbor',
      'quay',
    ]);
    expect(configured.get('distribution')).toMatchObject({
      secret: 't1',
      registryHost: 'registry.internal:5000',
    });
    expect(configured.get('github')?.secret).toBe('s3');
  });

  it('turns on nothing without the section', () => {
    expect(readWebhooksConfig(new ConfigReader({})).size).toBe(0);
  });

  it.each([
    [
      { distribution: {} },
      'imageAutomation.webhooks.distribution.token is missing: the token the registry sends as "Authorization: Bearer <token>"',
    ],
    [
      { distribution: { token: '  ' } },
      'imageAutomation.webhooks.distribution.token is missing',
    ],
    [
      { github: { token: 'x' } },
      'imageAutomation.webhooks.github has "token" but this provider takes "secret"',
    ],
    [
      { quay: { secret: 'x' } },
      'imageAutomation.webhooks.quay has "secret" but this provider takes "token"',
    ],
    [
      { gitlab: { token: 'x' } },
      'imageAutomation.webhooks.gitlab is not a webhook provider; use one of distribution, dockerhub, github, harbor, quay',
    ],
  ])('refuses %j at startup', (webhooks, message) => {
    expect(() => read(webhooks)).toThrow(message);
  });
});
