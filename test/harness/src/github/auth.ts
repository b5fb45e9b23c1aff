import { createPublicKey, KeyObject, verify } from 'node:crypto';
import { GithubApiError } from './http/GithubApiError';
import { PermissionLevel, PermissionName, PermissionSet } from './http/routing';
import { Actor, EmulatedRepository } from './model';
import { Quota } from './ratelimit/PrimaryRateLimits';
import { stableId } from './shapes';

/** What a token may do. */
export interface TokenGrant {
  actor: Actor;
  /**
   * Fine-grained permissions (GitHub App installation tokens, fine-grained PATs). Undefined means a
   * classic token with full repository access.
   */
  permissions?: PermissionSet;
  /** Installation tokens see only their installation's repositories; undefined means all. */
  canAccess?: (repo: EmulatedRepository) => boolean;
  /** Whose rate limit the token spends; undefined: its user's, shared by all that user's tokens. */
  quota?: Quota;
}

/** The budget a grant's requests are counted against. */
export const quotaOf = (grant: TokenGrant): Quota =>
  grant.quota ?? {
    key: `user:${grant.actor.login}`,
    subject: `user ID ${stableId(grant.actor.login)}`,
  };

const LEVELS: Record<PermissionLevel, number> = { read: 1, write: 2 };

/** Whether a grant satisfies any one of a route's alternative permission sets. */
export function isAllowed(
  grant: TokenGrant,
  accepted: readonly PermissionSet[],
): boolean {
  const held = grant.permissions;
  if (!held || accepted.length === 0) {
    return true;
  }
  return accepted.some(set =>
    (Object.entries(set) as Array<[PermissionName, PermissionLevel]>).every(
      ([name, level]) => {
        // Every fine-grained actor can read metadata.
        const have = name === 'metadata' ? held[name] ?? 'read' : held[name];
        return have !== undefined && LEVELS[have] >= LEVELS[level];
      },
    ),
  );
}

/** GitHub's 403 for a fine-grained actor lacking a permission, naming what would be accepted. */
export function permissionDenied(
  accepted: readonly PermissionSet[],
): GithubApiError {
  const header = accepted
    .map(set =>
      Object.entries(set)
        .map(([name, level]) => `${name}=${level}`)
        .join(', '),
    )
    .join('; ');
  return new GithubApiError(403, 'Resource not accessible by integration', {
    headers: { 'x-accepted-github-permissions': header },
  });
}

export const badCredentials = () => new GithubApiError(401, 'Bad credentials');

/** The credential in an `Authorization` header: `token X`, `Bearer X` (case-insensitive scheme). */
export function credentialOf(header: string | undefined): string | undefined {
  const match = /^(?:token|bearer)\s+(\S+)\s*$/i.exec(header ?? '');
  return match?.[1];
}

export interface AppIdentity {
  appId: number;
  publicKey: KeyObject;
}

export const loadPublicKey = (pem: string): KeyObject => createPublicKey(pem);

/**
 * Verifies a GitHub App JWT (RS256, `iss` = app id, unexpired) the way GitHub does before it
 * answers `/app` endpoints. Returns nothing; throws GitHub's 401 on any failure.
 */
export function verifyAppJwt(
  token: string,
  app: AppIdentity,
  now = Date.now(),
): void {
  const undecodable = () =>
    new GithubApiError(401, 'A JSON web token could not be decoded');
  const parts = token.split('.');
  if (parts.length !== 3) {
    throw undecodable();
  }
  let header: any;
  let claims: any;
  try {
    header = JSON.parse(Buffer.from(parts[0], 'base64url').toString());
    claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString());
  } catch {
    throw undecodable();
  }
  const signed = verify(
    'RSA-SHA256',
    Buffer.from(`${parts[0]}.${parts[1]}`),
    app.publicKey,
    Buffer.from(parts[2], 'base64url'),
  );
  if (header?.alg !== 'RS256' || !signed) {
    throw undecodable();
  }
  if (String(claims?.iss) !== String(app.appId)) {
    throw new GithubApiError(401, `'Issuer' claim ('iss') must be an Integer`);
  }
  const seconds = Math.floor(now / 1000);
  if (typeof claims.exp !== 'number' || claims.exp <= seconds) {
    throw new GithubApiError(
      401,
      "'Expiration time' claim ('exp') must be a numeric value representing the future time at which the assertion expires",
    );
  }
  // GitHub refuses tokens living longer than ten minutes and tokens issued in the future.
  if (
    typeof claims.iat !== 'number' ||
    claims.iat > seconds + 60 ||
    claims.exp - claims.iat > 660
  ) {
    throw new GithubApiError(
      401,
      "'Issued at' claim ('iat') must be an Integer representing the time that the assertion was issued",
    );
  }
}
