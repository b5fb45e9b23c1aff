import {
  EcrCredentialsProvider,
  decodeEcrToken,
} from './EcrCredentialsProvider';

describe('EcrCredentialsProvider', () => {
  const entry = {
    host: '123456789012.dkr.ecr.eu-west-1.amazonaws.com',
    type: 'ecr' as const,
    insecure: false,
    tokenRealmHosts: [],
  };

  it('exchanges AWS credentials for the registry password, region and account from the host', async () => {
    const sdkCredentialProvider = jest.fn();
    const getCredentialProvider = jest
      .fn()
      .mockResolvedValue({ sdkCredentialProvider });
    const getAuthorizationToken = jest.fn().mockResolvedValue({
      authorizationData: [
        {
          authorizationToken: Buffer.from('AWS:s3cr3t:with:colons').toString(
            'base64',
          ),
          expiresAt: new Date('2030-01-01T00:00:00Z'),
        },
      ],
    });
    const provider = new EcrCredentialsProvider({
      credentialsManager: async () => ({ getCredentialProvider }),
      loadSdk: async () => ({ getAuthorizationToken }),
    });
    expect(provider.supports(entry)).toBe(true);
    expect(provider.supports({ ...entry, type: 'ghcr' })).toBe(false);
    await expect(provider.getCredentials(entry)).resolves.toEqual({
      username: 'AWS',
      password: 's3cr3t:with:colons',
      expiresAt: new Date('2030-01-01T00:00:00Z'),
    });
    expect(getCredentialProvider).toHaveBeenCalledWith({
      accountId: '123456789012',
    });
    expect(getAuthorizationToken).toHaveBeenCalledWith({
      region: 'eu-west-1',
      credentials: sdkCredentialProvider,
    });
  });

  it('says what to do when the host names no region', async () => {
    const provider = new EcrCredentialsProvider({
      credentialsManager: async () => ({ getCredentialProvider: jest.fn() }),
      loadSdk: async () => ({ getAuthorizationToken: jest.fn() }),
    });
    await expect(
      provider.getCredentials({ ...entry, host: 'ecr.internal' }),
    ).rejects.toThrow(/set region/);
  });

  it('rejects tokens that are not user:password', () => {
    expect(() =>
      decodeEcrToken(Buffer.from('nocolon').toString('base64')),
    ).toThrow(/user:password/);
  });
});
