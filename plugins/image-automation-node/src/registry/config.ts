import { Config } from '@backstage/config';

/**
 * The kinds of registry we know the quirks of. `generic` is any OCI
 * distribution registry.
 *
 * @public
 */
export type RegistryType =
  | 'generic'
  | 'dockerhub'
  | 'ghcr'
  | 'quay'
  | 'harbor'
  | 'gitlab'
  | 'ecr'
  | 'gar'
  | 'acr';

const REGISTRY_TYPES: readonly RegistryType[] = [
  'generic',
  'dockerhub',
  'ghcr',
  'quay',
  'harbor',
  'gitlab',
  'ecr',
  'gar',
  'acr',
];

/**
 * One entry of `imageAutomation.registries`: an allowlisted host and how to
 * authenticate to it.
 *
 * @public
 */
export interface RegistryConfigEntry {
  /** `host` or `host:port`, as it appears in image references. */
  host: string;
  type: RegistryType;
  /** A personal access / robot / deploy token, sent as the password. */
  token?: string;
  username?: string;
  password?: string;
  /** Plain HTTP instead of HTTPS. */
  insecure: boolean;
  /** Most requests in flight to this host at once. */
  concurrency?: number;
  /**
   * Extra hosts whose token service may receive this registry's credentials
   * (besides the registry's own host name and the type's known token hosts).
   */
  tokenRealmHosts: string[];
  /** AWS region of an ECR registry; read from the host name when absent. */
  region?: string;
  /** AWS account id of an ECR registry; read from the host name when absent. */
  accountId?: string;
}

/**
 * Reads and validates `imageAutomation.registries`. Throws with the key path
 * of the first invalid value.
 *
 * @public
 */
export function readRegistriesConfig(config: Config): RegistryConfigEntry[] {
  const entries =
    config.getOptionalConfigArray('imageAutomation.registries') ?? [];
  const seen = new Set<string>();
  return entries.map((entry, index) => {
    const at = `imageAutomation.registries[${index}]`;
    const host = normaliseHost(entry.getString('host'));
    if (!/^[a-z0-9.-]+(:\d{1,5})?$|^\[[0-9a-f:.]+\](:\d{1,5})?$/.test(host)) {
      throw new Error(
        `${at}.host: "${host}" is not a host name; write it as it appears in image references, e.g. "ghcr.io" or "registry.internal:5000" (no scheme, no path)`,
      );
    }
    if (seen.has(host)) {
      throw new Error(
        `${at}.host: ${host} is listed twice; merge the two entries`,
      );
    }
    seen.add(host);
    const type = (entry.getOptionalString('type') ??
      guessRegistryType(host)) as RegistryType;
    if (!REGISTRY_TYPES.includes(type)) {
      throw new Error(
        `${at}.type: "${type}" is not one of ${REGISTRY_TYPES.join(', ')}`,
      );
    }
    const concurrency = entry.getOptionalNumber('concurrency');
    if (
      concurrency !== undefined &&
      (!Number.isInteger(concurrency) || concurrency < 1)
    ) {
      throw new Error(
        `${at}.concurrency: must be a positive whole number, e.g. 4`,
      );
    }
    const username = entry.getOptionalString('username');
    const password = entry.getOptionalString('password');
    if ((username === undefined) !== (password === undefined)) {
      const token = entry.getOptionalString('token');
      if (!(username !== undefined && token !== undefined)) {
        throw new Error(
          `${at}: username and password go together (or username with token)`,
        );
      }
    }
    return {
      host,
      type,
      token: entry.getOptionalString('token'),
      username,
      password,
      insecure: entry.getOptionalBoolean('insecure') ?? false,
      concurrency,
      tokenRealmHosts: (
        entry.getOptionalStringArray('tokenRealmHosts') ?? []
      ).map(normaliseHost),
      region: entry.getOptionalString('region'),
      accountId: entry.getOptionalString('accountId'),
    };
  });
}

function normaliseHost(host: string): string {
  return host.trim().toLowerCase();
}

/** The registry type a host name implies when `type` is not given. */
export function guessRegistryType(host: string): RegistryType {
  const name = host.replace(/:\d+$/, '');
  if (name === 'docker.io' || name.endsWith('.docker.io')) return 'dockerhub';
  if (name === 'ghcr.io') return 'ghcr';
  if (name === 'quay.io') return 'quay';
  if (name === 'registry.gitlab.com') return 'gitlab';
  if (/\.dkr\.ecr\.[a-z0-9-]+\.amazonaws\.com(\.cn)?$/.test(name)) return 'ecr';
  if (
    name === 'gcr.io' ||
    name.endsWith('.gcr.io') ||
    name.endsWith('.pkg.dev')
  )
    return 'gar';
  if (name.endsWith('.azurecr.io')) return 'acr';
  return 'generic';
}
