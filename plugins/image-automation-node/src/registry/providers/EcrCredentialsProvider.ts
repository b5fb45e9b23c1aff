import { Config } from '@backstage/config';
import type { AwsCredentialsManager } from '@backstage/integration-aws-node';
import { RegistryConfigEntry } from '../config';
import {
  RegistryCredentials,
  RegistryCredentialsProvider,
} from '../auth/credentials';

/** The part of `@aws-sdk/client-ecr` we use, so tests can stand in for it. */
export interface EcrSdk {
  getAuthorizationToken(options: {
    region: string;
    credentials: unknown;
  }): Promise<{
    authorizationData?: Array<{
      authorizationToken?: string;
      expiresAt?: Date;
    }>;
  }>;
}

const ECR_HOST =
  /^(\d{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;

/** Imported on first use: the AWS SDK is big and most installs have no ECR. */
async function loadEcrSdk(): Promise<EcrSdk> {
  const { ECRClient, GetAuthorizationTokenCommand } = await import(
    '@aws-sdk/client-ecr'
  );
  return {
    async getAuthorizationToken({ region, credentials }) {
      const client = new ECRClient({ region, credentials: credentials as any });
      try {
        return await client.send(new GetAuthorizationTokenCommand({}));
      } finally {
        client.destroy();
      }
    },
  };
}

/**
 * Amazon ECR: exchanges the AWS credentials Backstage is configured with
 * (`aws` config, through `@backstage/integration-aws-node`) for a 12-hour
 * registry password with `GetAuthorizationToken`.
 *
 * @public
 */
export class EcrCredentialsProvider implements RegistryCredentialsProvider {
  readonly name = 'ecr';
  private sdk?: Promise<EcrSdk>;

  static fromConfig(config: Config): EcrCredentialsProvider {
    return new EcrCredentialsProvider({
      credentialsManager: async () => {
        const { DefaultAwsCredentialsManager } = await import(
          '@backstage/integration-aws-node'
        );
        return DefaultAwsCredentialsManager.fromConfig(config);
      },
    });
  }

  constructor(
    private readonly options: {
      credentialsManager: () => Promise<AwsCredentialsManager>;
      loadSdk?: () => Promise<EcrSdk>;
    },
  ) {}

  supports(entry: RegistryConfigEntry): boolean {
    return entry.type === 'ecr';
  }

  async getCredentials(
    entry: RegistryConfigEntry,
  ): Promise<RegistryCredentials> {
    const parsed = ECR_HOST.exec(entry.host);
    const accountId = entry.accountId ?? parsed?.[1];
    const region = entry.region ?? parsed?.[2];
    if (!region) {
      throw new Error(
        `imageAutomation.registries: ${entry.host} has type ecr but no region; set region (e.g. eu-west-1) on the entry or use the <account>.dkr.ecr.<region>.amazonaws.com host name`,
      );
    }
    const manager = await this.options.credentialsManager();
    const { sdkCredentialProvider } = await manager.getCredentialProvider(
      accountId ? { accountId } : undefined,
    );
    this.sdk ??= (this.options.loadSdk ?? loadEcrSdk)();
    const sdk = await this.sdk;
    const response = await sdk.getAuthorizationToken({
      region,
      credentials: sdkCredentialProvider,
    });
    const data = response.authorizationData?.[0];
    if (!data?.authorizationToken) {
      throw new Error(
        `ECR GetAuthorizationToken for ${entry.host} returned no token: check that the AWS identity may call ecr:GetAuthorizationToken`,
      );
    }
    return {
      ...decodeEcrToken(data.authorizationToken),
      expiresAt: data.expiresAt,
    };
  }
}

/** ECR tokens are base64 of `AWS:<password>`. */
export function decodeEcrToken(token: string): {
  username: string;
  password: string;
} {
  const decoded = Buffer.from(token, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon <= 0) {
    throw new Error('ECR authorization token is not base64 of "user:password"');
  }
  return {
    username: decoded.slice(0, colon),
    password: decoded.slice(colon + 1),
  };
}
