/**
 * Bearer tokens by realm + service + scope (+ identity), kept until shortly
 * before they expire. Concurrent callers for the same key share one token
 * request, so a burst of scans costs one token per scope.
 */
export class TokenCache {
  private readonly tokens = new Map<
    string,
    { token: string; expiresAt: number }
  >();
  private readonly pending = new Map<string, Promise<string>>();

  constructor(
    private readonly now: () => number = Date.now,
    /** Renew this long before expiry, so a token never dies mid-request. */
    private readonly marginMs = 10_000,
  ) {}

  static key(parts: {
    realm: string;
    service?: string;
    scope?: string;
    identity?: string;
  }): string {
    return JSON.stringify([
      parts.realm,
      parts.service ?? '',
      parts.scope ?? '',
      parts.identity ?? '',
    ]);
  }

  async get(
    key: string,
    fetchToken: () => Promise<{ token: string; expiresInMs: number }>,
  ): Promise<string> {
    const cached = this.tokens.get(key);
    if (cached && cached.expiresAt > this.now()) return cached.token;
    const inFlight = this.pending.get(key);
    if (inFlight) return inFlight;
    const request = fetchToken()
      .then(({ token, expiresInMs }) => {
        this.tokens.set(key, {
          token,
          expiresAt: this.now() + Math.max(0, expiresInMs - this.marginMs),
        });
        return token;
      })
      .finally(() => this.pending.delete(key));
    this.pending.set(key, request);
    return request;
  }

  /** Forget a token the registry refused. */
  invalidate(key: string): void {
    this.tokens.delete(key);
  }
}
