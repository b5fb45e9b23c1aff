import { RegistryConfigEntry } from '../config';
import {
  RegistryAuthError,
  RegistryBadResponseError,
  RegistryHostNotAllowedError,
} from '../errors';
import { hostnameOf } from '../guard/HostGuard';
import { HttpRequest, HttpResponse, RegistryHttp } from '../http/RegistryHttp';
import { AuthChallenge, parseAuthChallenge } from './challenge';
import { CredentialsResolver, RegistryCredentials } from './credentials';
import { TokenCache } from './TokenCache';

/** Where a registry request goes and on whose behalf. */
export interface RegistryTarget {
  /** The host name in image references, e.g. `docker.io`. */
  registry: string;
  /** The API host, e.g. `registry-1.docker.io`. */
  apiHost: string;
  entry?: RegistryConfigEntry;
  /** Token scope, e.g. `repository:acme/api:pull`. */
  scope: string;
  /** Hosts besides the registry's own whose token service may see its credentials. */
  trustedRealmHosts: string[];
  /** What the request is about, for error messages. */
  subject: string;
}

/** Token services of the public registries that live on another host. */
const KNOWN_REALM_HOSTS: Partial<
  Record<RegistryConfigEntry['type'], string[]>
> = {
  dockerhub: ['auth.docker.io'],
  gitlab: ['gitlab.com'],
};

export function knownRealmHosts(type: RegistryConfigEntry['type']): string[] {
  return KNOWN_REALM_HOSTS[type] ?? [];
}

/**
 * Runs a registry request through the distribution auth dance: anonymous
 * first, then whatever the registry's `WWW-Authenticate` challenge asks for
 * (Bearer token from its realm, or Basic). The challenge is remembered per
 * host, so later requests go out authorised at once; the first request to a
 * host runs alone so a burst of scans costs one challenge, not one each.
 */
export class RegistryAuthenticator {
  private readonly challenges = new Map<string, AuthChallenge | null>();
  private readonly probes = new Map<string, Promise<void>>();
  private readonly tokens = new TokenCache();

  constructor(
    private readonly http: RegistryHttp,
    private readonly credentials: CredentialsResolver,
  ) {}

  async send(target: RegistryTarget, req: HttpRequest): Promise<HttpResponse> {
    const probe = this.probes.get(target.apiHost);
    if (probe) await probe.catch(() => undefined);
    if (
      !this.challenges.has(target.apiHost) &&
      !this.probes.has(target.apiHost)
    ) {
      let done!: () => void;
      this.probes.set(
        target.apiHost,
        new Promise<void>(resolve => (done = resolve)),
      );
      try {
        return await this.sendAuthorised(target, req);
      } finally {
        this.probes.delete(target.apiHost);
        done();
      }
    }
    return this.sendAuthorised(target, req);
  }

  private async sendAuthorised(
    target: RegistryTarget,
    req: HttpRequest,
  ): Promise<HttpResponse> {
    const known = this.challenges.get(target.apiHost);
    let authorization = known
      ? await this.authorization(target, known)
      : undefined;
    let response = await this.http.send(withAuthorization(req, authorization));
    if (response.status === 401) {
      const challenge = parseAuthChallenge(
        response.headers['www-authenticate'],
      );
      if (!challenge) {
        throw new RegistryAuthError(
          target.registry,
          target.subject,
          401,
          'no usable WWW-Authenticate challenge',
        );
      }
      const repeated =
        known !== undefined &&
        known !== null &&
        known.scheme === challenge.scheme &&
        known.realm === challenge.realm;
      if (repeated) {
        // Our authorisation was refused: a stale token gets one more chance.
        if (challenge.scheme === 'bearer')
          this.tokens.invalidate(this.tokenKey(target, challenge));
        else throw this.denied(target, 401, challenge.scheme);
      }
      this.challenges.set(target.apiHost, {
        scheme: challenge.scheme,
        realm: challenge.realm,
        service: challenge.service,
      });
      authorization = await this.authorization(target, challenge);
      response = await this.http.send(withAuthorization(req, authorization));
      if (response.status === 401)
        throw this.denied(target, 401, challenge.scheme);
    } else if (!this.challenges.has(target.apiHost)) {
      this.challenges.set(target.apiHost, null);
    }
    if (response.status === 403) throw this.denied(target, 403);
    return response;
  }

  private denied(target: RegistryTarget, status: number, scheme?: string) {
    return new RegistryAuthError(
      target.registry,
      target.subject,
      status,
      scheme === 'basic' ? 'basic auth refused' : undefined,
    );
  }

  private async authorization(
    target: RegistryTarget,
    challenge: AuthChallenge,
  ): Promise<string | undefined> {
    const credentials = await this.credentials.resolve(target.entry);
    if (challenge.scheme === 'basic') {
      if (!credentials) {
        throw new RegistryAuthError(
          target.registry,
          target.subject,
          401,
          'the registry wants a user name and password and none is configured',
        );
      }
      return `Basic ${basic(credentials)}`;
    }
    const token = await this.tokens.get(
      this.tokenKey(target, challenge, credentials),
      () => this.fetchToken(target, challenge, credentials),
    );
    return `Bearer ${token}`;
  }

  private tokenKey(
    target: RegistryTarget,
    challenge: AuthChallenge,
    credentials?: RegistryCredentials,
  ): string {
    return TokenCache.key({
      realm: challenge.realm ?? '',
      service: challenge.service,
      scope: target.scope,
      identity:
        credentials?.username ?? (target.entry ? target.entry.host : ''),
    });
  }

  private async fetchToken(
    target: RegistryTarget,
    challenge: AuthChallenge,
    credentials: RegistryCredentials | undefined,
  ): Promise<{ token: string; expiresInMs: number }> {
    if (!challenge.realm) {
      throw new RegistryBadResponseError(
        target.registry,
        'Bearer challenge without a realm',
      );
    }
    let realm: URL;
    try {
      realm = new URL(challenge.realm);
    } catch {
      throw new RegistryBadResponseError(
        target.registry,
        `token realm "${challenge.realm}" is not a URL`,
      );
    }
    if (realm.protocol !== 'https:' && realm.protocol !== 'http:') {
      throw new RegistryBadResponseError(
        target.registry,
        `token realm ${realm} is not HTTP(S)`,
      );
    }
    const realmName = hostnameOf(realm.host.toLowerCase());
    const ownHost =
      realmName === hostnameOf(target.apiHost.toLowerCase()) ||
      realmName === hostnameOf(target.registry.toLowerCase());
    const trusted =
      ownHost ||
      target.trustedRealmHosts.some(
        h => h === realm.host.toLowerCase() || h === realmName,
      );
    if (realm.protocol === 'http:' && !ownHost && !target.entry?.insecure) {
      throw new RegistryHostNotAllowedError(
        realm.host,
        `the token service of ${target.registry} is plain HTTP on another host`,
      );
    }
    if (challenge.service) realm.searchParams.set('service', challenge.service);
    realm.searchParams.set('scope', target.scope);
    const headers: Record<string, string> = { accept: 'application/json' };
    // Credentials go only to the registry's own token service or one the
    // config (or the registry type) vouches for; anywhere else we ask
    // anonymously, and a private repository then fails with an auth error.
    if (credentials && trusted)
      headers.authorization = `Basic ${basic(credentials)}`;
    const response = await this.http.send({
      method: 'GET',
      url: realm,
      headers,
      // the registry's own host name shares its entry (and explicit address)
      guardHost: ownHost ? target.apiHost : undefined,
    });
    if (response.status === 401 || response.status === 403) {
      throw new RegistryAuthError(
        target.registry,
        target.subject,
        response.status,
        credentials && trusted
          ? 'the token service refused the configured credentials'
          : 'the token service refused an anonymous token',
      );
    }
    if (response.status !== 200) {
      throw new RegistryBadResponseError(
        target.registry,
        `token service ${realm.host} answered HTTP ${response.status}`,
      );
    }
    let parsed: {
      token?: unknown;
      access_token?: unknown;
      expires_in?: unknown;
    };
    try {
      parsed = JSON.parse(response.body.toString('utf8'));
    } catch {
      throw new RegistryBadResponseError(
        target.registry,
        `token service ${realm.host} sent no JSON`,
      );
    }
    const token =
      typeof parsed.token === 'string' ? parsed.token : parsed.access_token;
    if (typeof token !== 'string' || !token) {
      throw new RegistryBadResponseError(
        target.registry,
        `token service ${realm.host} sent no token`,
      );
    }
    // The distribution token spec says 60 s when expires_in is missing.
    const expiresIn =
      typeof parsed.expires_in === 'number' ? parsed.expires_in : 60;
    return { token, expiresInMs: expiresIn * 1000 };
  }
}

function basic(credentials: RegistryCredentials): string {
  return Buffer.from(
    `${credentials.username}:${credentials.password}`,
  ).toString('base64');
}

function withAuthorization(
  req: HttpRequest,
  authorization: string | undefined,
): HttpRequest {
  if (!authorization) return req;
  return { ...req, headers: { ...req.headers, authorization } };
}
