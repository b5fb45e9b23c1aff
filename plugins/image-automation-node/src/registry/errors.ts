/**
 * Typed registry errors. Each carries a stable `kind` that the backend stores
 * and the entity card maps to advice, and a message that already says what
 * the operator should do.
 *
 * @public
 */
export type RegistryErrorKind =
  | 'auth'
  | 'not-found'
  | 'rate-limited'
  | 'unreachable'
  | 'bad-response'
  | 'host-not-allowed';

/**
 * Base class of every error the registry client throws.
 *
 * @public
 */
export abstract class RegistryError extends Error {
  abstract readonly kind: RegistryErrorKind;
  /** The registry host the error is about, e.g. `ghcr.io`. */
  readonly host: string;

  constructor(host: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.host = host;
  }
}

/**
 * The registry or its token service refused our credentials (401/403).
 *
 * @public
 */
export class RegistryAuthError extends RegistryError {
  readonly kind = 'auth' as const;
  readonly name = 'RegistryAuthError';
  readonly status: number;

  constructor(host: string, subject: string, status: number, detail?: string) {
    super(
      host,
      `registry ${host} denied access to ${subject} (${status})${
        detail ? `: ${detail}` : ''
      }: add or fix the credentials for ${host} under imageAutomation.registries`,
    );
    this.status = status;
  }
}

/**
 * The repository, tag or manifest does not exist (404, NAME_UNKNOWN,
 * MANIFEST_UNKNOWN).
 *
 * @public
 */
export class RegistryNotFoundError extends RegistryError {
  readonly kind = 'not-found' as const;
  readonly name = 'RegistryNotFoundError';

  constructor(host: string, subject: string) {
    super(
      host,
      `registry ${host} has no ${subject}: check the image name in the annotation, or that the token for ${host} may read it (some registries answer 404 instead of 403)`,
    );
  }
}

/**
 * The registry asked us to slow down for longer than we are willing to wait,
 * or Docker Hub's pull allowance is spent.
 *
 * @public
 */
export class RegistryRateLimitedError extends RegistryError {
  readonly kind = 'rate-limited' as const;
  readonly name = 'RegistryRateLimitedError';
  /** When the registry said it will accept requests again, if it said. */
  readonly retryAt?: Date;

  constructor(host: string, retryAt?: Date, detail?: string) {
    super(
      host,
      `registry ${host} is rate limiting us${detail ? ` (${detail})` : ''}${
        retryAt ? ` until ${retryAt.toISOString()}` : ''
      }: the next scan retries; add credentials for ${host} under imageAutomation.registries for a higher limit, or scan less often`,
    );
    this.retryAt = retryAt;
  }
}

/**
 * No usable answer after every retry: timeouts, connection resets, DNS
 * failures or 5xx responses.
 *
 * @public
 */
export class RegistryUnreachableError extends RegistryError {
  readonly kind = 'unreachable' as const;
  readonly name = 'RegistryUnreachableError';

  constructor(host: string, detail: string, options?: { cause?: unknown }) {
    super(
      host,
      `registry ${host} is unreachable (${detail}): the next scan retries; if it persists, check the host name, the network path and the registry's status`,
      options,
    );
  }
}

/**
 * The registry answered, but not in the OCI distribution format.
 *
 * @public
 */
export class RegistryBadResponseError extends RegistryError {
  readonly kind = 'bad-response' as const;
  readonly name = 'RegistryBadResponseError';

  constructor(host: string, detail: string) {
    super(
      host,
      `registry ${host} sent a response we cannot use (${detail}): check that ${host} is an OCI distribution (Docker v2) registry and that its type under imageAutomation.registries is right`,
    );
  }
}

/**
 * The SSRF guard refused to contact a host: it is not in the allowlist, or it
 * resolves to a loopback, private or link-local address without an explicit
 * entry.
 *
 * @public
 */
export class RegistryHostNotAllowedError extends RegistryError {
  readonly kind = 'host-not-allowed' as const;
  readonly name = 'RegistryHostNotAllowedError';

  readonly reason: string;

  /**
   * @param redirectedFrom - the registry whose redirect led here: then the
   *   fix is never to trust the target, but to look at that registry.
   */
  constructor(host: string, reason: string, redirectedFrom?: string) {
    super(
      host,
      redirectedFrom
        ? `registry ${redirectedFrom} redirected to ${host}, which is refused: ${reason}; check ${redirectedFrom} and any proxy in front of it (redirects are followed only to allowed, public addresses)`
        : `refusing to contact ${host}: ${reason}; add "- host: ${host}" under imageAutomation.registries if this registry is trusted`,
    );
    this.reason = reason;
  }
}

/** @public */
export function isRegistryError(error: unknown): error is RegistryError {
  return error instanceof RegistryError;
}
