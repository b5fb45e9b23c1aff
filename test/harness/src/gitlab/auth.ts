import { IncomingHttpHeaders } from 'node:http';
import { insufficientScope, unauthorized } from './http/GitlabApiError';
import { GitlabUser } from './model';

/** The personal/project access token scopes the emulated endpoints check. */
export type TokenScope =
  | 'api'
  | 'read_api'
  | 'read_repository'
  | 'write_repository';

export interface TokenGrant {
  user: GitlabUser;
  scopes: ReadonlySet<TokenScope>;
}

/** Route scope sets: any one scope of the list lets a token through, as GitLab's `allow_access_with_scope`. */
export const READ_API: readonly TokenScope[] = ['api', 'read_api'];
export const WRITE_API: readonly TokenScope[] = ['api'];
export const READ_GIT: readonly TokenScope[] = [
  'api',
  'read_repository',
  'write_repository',
];
export const WRITE_GIT: readonly TokenScope[] = ['api', 'write_repository'];

/**
 * The token of a request: `PRIVATE-TOKEN: x` or `Authorization: Bearer x` for the API, HTTP Basic
 * (any user name, the token as password, as `git` sends it) for Git over HTTP.
 */
export function credentialOf(headers: IncomingHttpHeaders): string | undefined {
  const privateToken = headers['private-token'];
  if (typeof privateToken === 'string' && privateToken) {
    return privateToken;
  }
  const authorization = headers.authorization ?? '';
  const bearer = /^bearer\s+(\S+)\s*$/i.exec(authorization);
  if (bearer) {
    return bearer[1];
  }
  const basic = /^basic\s+(\S+)\s*$/i.exec(authorization);
  if (basic) {
    const decoded = Buffer.from(basic[1], 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    return colon >= 0 ? decoded.slice(colon + 1) || undefined : undefined;
  }
  return undefined;
}

/** The grant of a request, or GitLab's 401 when the token is missing or unknown. */
export function authenticate(
  tokens: Map<string, TokenGrant>,
  headers: IncomingHttpHeaders,
): TokenGrant {
  const credential = credentialOf(headers);
  const grant = credential ? tokens.get(credential) : undefined;
  if (!grant) {
    throw unauthorized();
  }
  return grant;
}

export function hasScope(
  grant: TokenGrant,
  accepted: readonly TokenScope[],
): boolean {
  return accepted.some(scope => grant.scopes.has(scope));
}

/** Throws GitLab's 403 insufficient_scope naming the first accepted scope (`api` for writes). */
export function requireScope(
  grant: TokenGrant,
  accepted: readonly TokenScope[],
): void {
  if (!hasScope(grant, accepted)) {
    throw insufficientScope(accepted.join(' '));
  }
}
