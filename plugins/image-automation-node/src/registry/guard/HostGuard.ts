import { lookup as dnsLookup, LookupAddress } from 'node:dns';
import { RegistryHostNotAllowedError } from '../errors';
import { isPrivateAddress, parseIp } from './addresses';

/**
 * Public registries (and their token services) contacted without a config
 * entry. `*.` matches any sub-domain.
 */
export const DEFAULT_ALLOWED_HOSTS: readonly string[] = [
  'docker.io',
  'registry-1.docker.io',
  'auth.docker.io',
  'ghcr.io',
  'quay.io',
  'registry.gitlab.com',
  'gitlab.com',
  'gcr.io',
  '*.gcr.io',
  '*.pkg.dev',
  'mcr.microsoft.com',
];

type LookupCallback = (
  error: NodeJS.ErrnoException | null,
  address: string | LookupAddress[],
  family?: number,
) => void;

/**
 * The SSRF guard. A host may be contacted when it is listed (config or the
 * public defaults); it may resolve to a loopback, private or link-local
 * address only when a config entry names it explicitly. The address check
 * runs in the socket's own DNS lookup, so the address that is checked is the
 * address that is connected to (no DNS-rebinding window).
 */
export class HostGuard {
  private readonly explicit: Set<string>;
  private readonly allowed: string[];

  constructor(options: {
    /** Hosts from config, `host` or `host:port`. */
    configuredHosts: string[];
    /** Replaces {@link DEFAULT_ALLOWED_HOSTS}. */
    defaultHosts?: readonly string[];
  }) {
    this.explicit = new Set(options.configuredHosts.map(h => h.toLowerCase()));
    this.allowed = [...(options.defaultHosts ?? DEFAULT_ALLOWED_HOSTS)];
  }

  /** True when a config entry names this host (with or without port). */
  isExplicit(host: string): boolean {
    const lower = host.toLowerCase();
    return this.explicit.has(lower) || this.explicit.has(hostnameOf(lower));
  }

  /** Throws unless the host is on the allowlist. `host` may carry a port. */
  assertListed(host: string): void {
    if (this.isExplicit(host)) return;
    const name = hostnameOf(host.toLowerCase());
    const listed = this.allowed.some(pattern =>
      pattern.startsWith('*.')
        ? name.endsWith(pattern.slice(1))
        : name === pattern,
    );
    if (!listed) {
      throw new RegistryHostNotAllowedError(
        host,
        'it is not in imageAutomation.registries nor a known public registry',
      );
    }
  }

  /**
   * Throws when `address` is loopback, private or link-local and `host` (the
   * host whose config entry counts) is not explicit. Without `host`, every
   * private address is refused.
   */
  assertAddress(host: string | undefined, address: string): void {
    if (host !== undefined && this.isExplicit(host)) return;
    if (isPrivateAddress(address)) {
      throw new RegistryHostNotAllowedError(
        host ?? address,
        `it resolves to the loopback, private or link-local address ${address}`,
      );
    }
  }

  /**
   * Checks a URL before any connection is made: the allowlist for
   * `guardHost` (default: the URL's host) and the address of IP literals.
   * `guardHost: null` skips the allowlist (redirects to blob storage) and
   * accepts public addresses only. Names are checked again at connect time
   * by {@link HostGuard.lookupFor}.
   */
  assertUrl(url: URL, guardHost: string | null = url.host): void {
    if (guardHost !== null) this.assertListed(guardHost);
    if (parseIp(url.hostname))
      this.assertAddress(guardHost ?? undefined, url.hostname);
  }

  /**
   * A `dns.lookup` replacement for sockets opened on behalf of `guardHost`:
   * it resolves as usual and refuses private answers unless that host is
   * explicit (`null`: always refuses them).
   */
  lookupFor(guardHost: string | null) {
    return (
      hostname: string,
      options: { all?: boolean; family?: number },
      callback: LookupCallback,
    ): void => {
      dnsLookup(hostname, { ...options, all: true }, (error, addresses) => {
        if (error) {
          callback(error, []);
          return;
        }
        try {
          for (const { address } of addresses) {
            this.assertAddress(guardHost ?? undefined, address);
          }
        } catch (refusal) {
          callback(refusal as NodeJS.ErrnoException, []);
          return;
        }
        if (options.all) callback(null, addresses);
        else callback(null, addresses[0].address, addresses[0].family);
      });
    };
  }
}

/** `host:port` or `[v6]:port` to the bare host name. */
export function hostnameOf(host: string): string {
  if (host.startsWith('[')) return host.slice(0, host.indexOf(']') + 1);
  return host.replace(/:\d+$/, '');
}
