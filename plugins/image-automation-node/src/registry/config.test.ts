import { ConfigReader } from '@backstage/config';
import { readRegistriesConfig } from './config';

const read = (registries: Array<Record<string, string | number | boolean>>) =>
  readRegistriesConfig(new ConfigReader({ imageAutomation: { registries } }));

describe('readRegistriesConfig', () => {
  it('reads entries and guesses the type from the host', () => {
    expect(
      read([
        { host: 'ghcr.io', token: 't' },
        { host: '123456789012.dkr.ecr.eu-west-1.amazonaws.com' },
        {
          host: 'Registry.Internal:5000',
          insecure: true,
          username: 'u',
          password: 'p',
          concurrency: 2,
        },
      ]),
    ).toEqual([
      expect.objectContaining({
        host: 'ghcr.io',
        type: 'ghcr',
        token: 't',
        insecure: false,
      }),
      expect.objectContaining({ type: 'ecr' }),
      expect.objectContaining({
        host: 'registry.internal:5000',
        type: 'generic',
        insecure: true,
        concurrency: 2,
      }),
    ]);
  });

  it('is empty without the key', () => {
    expect(readRegistriesConfig(new ConfigReader({}))).toEqual([]);
  });

  it.each([
    [[{ host: 'https://ghcr.io' }], /registries\[0\]\.host/],
    [[{ host: 'a.io' }, { host: 'a.io' }], /listed twice/],
    [[{ host: 'a.io', type: 'nexus' }], /registries\[0\]\.type/],
    [[{ host: 'a.io', concurrency: 0 }], /concurrency/],
    [[{ host: 'a.io', username: 'u' }], /username and password/],
  ])('rejects %j', (registries, message) => {
    expect(() => read(registries)).toThrow(message);
  });
});
