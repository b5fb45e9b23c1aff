/**
 * An authentication challenge from `WWW-Authenticate`, e.g.
 * `Bearer realm="https://auth.docker.io/token",service="registry.docker.io",scope="repository:library/nginx:pull"`.
 */
export interface AuthChallenge {
  scheme: 'bearer' | 'basic';
  realm?: string;
  service?: string;
  scope?: string;
}

/**
 * Parses the first Bearer or Basic challenge of a `WWW-Authenticate` value.
 * Quoted values may contain commas (scopes with several actions do).
 */
export function parseAuthChallenge(
  header: string | undefined,
): AuthChallenge | undefined {
  if (!header) return undefined;
  const scheme = /^\s*(\w+)\s*/.exec(header);
  if (!scheme) return undefined;
  const name = scheme[1].toLowerCase();
  if (name !== 'bearer' && name !== 'basic') return undefined;
  const params: Record<string, string> = {};
  const pattern = /(\w+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]+))/g;
  const rest = header.slice(scheme[0].length);
  for (let m = pattern.exec(rest); m; m = pattern.exec(rest)) {
    params[m[1].toLowerCase()] =
      m[2] !== undefined ? m[2].replace(/\\(.)/g, '$1') : m[3];
  }
  return {
    scheme: name,
    realm: params.realm,
    service: params.service,
    scope: params.scope,
  };
}
