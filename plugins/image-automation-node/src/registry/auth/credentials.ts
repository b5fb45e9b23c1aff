import { RegistryConfigEntry } from '../config';

/**
 * What a registry accepts as identity: a user name and secret, sent as HTTP
 * Basic to the registry or to its token service.
 *
 * @public
 */
export interface RegistryCredentials {
  username: string;
  password: string;
  /** When short-lived credentials (ECR, GAR) must be fetched again. */
  expiresAt?: Date;
}

/**
 * Supplies credentials for registries whose secrets are not static config:
 * ECR, GAR/GCR, ACR. Registered through
 * `imageAutomationRegistryAuthExtensionPoint`; consulted only for config
 * entries of a type it `supports`, so its SDK is loaded only when configured.
 *
 * @public
 */
export interface RegistryCredentialsProvider {
  /** A short name for logs, e.g. `ecr`. */
  readonly name: string;
  supports(entry: RegistryConfigEntry): boolean;
  getCredentials(entry: RegistryConfigEntry): Promise<RegistryCredentials>;
}

/** The user name registries expect with a bare token, by registry type. */
const TOKEN_USERNAMES: Partial<Record<RegistryConfigEntry['type'], string>> = {
  gar: 'oauth2accesstoken',
  acr: '00000000-0000-0000-0000-000000000000',
  gitlab: 'gitlab-ci-token',
};

/** Credentials written in config: username + password, or a token. */
export function staticCredentials(
  entry: RegistryConfigEntry,
): RegistryCredentials | undefined {
  if (entry.token !== undefined) {
    return {
      username: entry.username ?? TOKEN_USERNAMES[entry.type] ?? 'token',
      password: entry.token,
    };
  }
  if (entry.username !== undefined && entry.password !== undefined) {
    return { username: entry.username, password: entry.password };
  }
  return undefined;
}

/**
 * Resolves the credentials of a registry entry: static config first, then
 * the first provider that supports the entry. Provider answers are cached
 * until a minute before they expire.
 */
export class CredentialsResolver {
  private readonly cache = new Map<
    string,
    Promise<RegistryCredentials | undefined>
  >();
  private readonly expiry = new Map<string, number>();

  constructor(
    private readonly providers: RegistryCredentialsProvider[],
    private readonly now: () => number = Date.now,
  ) {}

  resolve(
    entry: RegistryConfigEntry | undefined,
  ): Promise<RegistryCredentials | undefined> {
    if (!entry) return Promise.resolve(undefined);
    const fixed = staticCredentials(entry);
    if (fixed) return Promise.resolve(fixed);
    const provider = this.providers.find(p => p.supports(entry));
    if (!provider) return Promise.resolve(undefined);
    const expiresAt = this.expiry.get(entry.host);
    const cached = this.cache.get(entry.host);
    if (cached && (expiresAt === undefined || expiresAt > this.now()))
      return cached;
    const request = provider.getCredentials(entry).then(credentials => {
      if (credentials.expiresAt) {
        this.expiry.set(entry.host, credentials.expiresAt.getTime() - 60_000);
      }
      return credentials;
    });
    request.catch(() => this.cache.delete(entry.host));
    this.cache.set(entry.host, request);
    this.expiry.delete(entry.host);
    return request;
  }
}
