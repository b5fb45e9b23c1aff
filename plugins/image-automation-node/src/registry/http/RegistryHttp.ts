import type { Agent } from 'node:http';
import type { LookupFunction } from 'node:net';
import type { Readable } from 'node:stream';
import {
  RegistryBadResponseError,
  RegistryError,
  RegistryHostNotAllowedError,
  RegistryRateLimitedError,
  RegistryUnreachableError,
} from '../errors';
import { HostGuard } from '../guard/HostGuard';
import { ConcurrencyLimiter } from './ConcurrencyLimiter';
import { createKeepAliveAgent, sendHttpRequest } from '../../http';
import {
  backoffDelayMs,
  parseRateLimitHeader,
  parseRetryAfterMs,
  sleep,
} from './backoff';

/**
 * One HTTP request the client sent, for counters and metrics.
 *
 * @public
 */
export interface RegistryRequestEvent {
  method: string;
  host: string;
  path: string;
  /** 0 for the first try, 1 for the first retry… */
  attempt: number;
  /** HTTP status, absent when the request failed on the network. */
  status?: number;
  /** Network failure code or message, when there was no response. */
  error?: string;
  durationMs: number;
}

/** Tuning of the HTTP layer; every field has a production default. */
export interface RegistryHttpOptions {
  guard: HostGuard;
  /** Per attempt, including reading the body. */
  timeoutMs: number;
  /** Retries after the first attempt on 5xx, 429, resets and timeouts. */
  retries: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
  /** A 429 asking us to wait longer than this fails fast instead. */
  maxRetryAfterMs: number;
  globalConcurrency: number;
  hostConcurrency: (host: string) => number;
  /** Largest response body accepted; manifests and tag lists are small. */
  maxBodyBytes: number;
  onRequest?: (event: RegistryRequestEvent) => void;
  random?: () => number;
}

export interface HttpRequest {
  method: 'GET' | 'HEAD';
  url: URL;
  headers?: Record<string, string>;
  /**
   * The host whose config entry decides what may be contacted: the registry
   * for its own token service on the same host name, else (undefined) the
   * URL's host; null for redirect targets outside the allowlist.
   */
  guardHost?: string | null;
  /**
   * Follow redirects to hosts outside the allowlist (blob storage), still
   * refusing private addresses and never forwarding `Authorization`.
   */
  allowUnlistedRedirects?: boolean;
  /** Refuse to send, e.g. while Docker Hub's pull allowance is spent. */
  rateLimitKey?: string;
}

export interface HttpResponse {
  status: number;
  url: URL;
  headers: Record<string, string>;
  body: Buffer;
}

const MAX_REDIRECTS = 5;

/**
 * The registry client's HTTP layer: allowlist and address guard, timeouts,
 * retries with jittered backoff, `Retry-After`, a global and a per-host
 * concurrency limit, redirects followed by hand, and a count of every request
 * sent. Knows nothing of auth or the distribution API.
 */
export class RegistryHttp {
  private readonly global: ConcurrencyLimiter;
  private readonly perHost = new Map<string, ConcurrencyLimiter>();
  private readonly agents = new Map<string, Agent>();
  /** Docker Hub style "allowance spent" windows, by rate-limit key. */
  private readonly blockedUntil = new Map<string, number>();
  private sent = 0;
  private retried = 0;
  private readonly sentByHost = new Map<string, number>();

  constructor(private readonly options: RegistryHttpOptions) {
    this.global = new ConcurrencyLimiter(options.globalConcurrency);
  }

  stats(): {
    requests: number;
    retries: number;
    byHost: Record<string, number>;
  } {
    return {
      requests: this.sent,
      retries: this.retried,
      byHost: Object.fromEntries(this.sentByHost),
    };
  }

  async close(): Promise<void> {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }

  /** Sends with retries; follows redirects; returns any final status. */
  async send(req: HttpRequest): Promise<HttpResponse> {
    let current = req;
    for (let hop = 0; ; hop++) {
      let response: HttpResponse;
      try {
        response = await this.sendWithRetries(current);
      } catch (error) {
        if (hop > 0 && error instanceof RegistryHostNotAllowedError) {
          throw new RegistryHostNotAllowedError(
            error.host,
            error.reason,
            req.url.host,
          );
        }
        throw error;
      }
      const location = response.headers.location;
      if (![301, 302, 303, 307, 308].includes(response.status) || !location) {
        return response;
      }
      if (hop >= MAX_REDIRECTS) {
        throw new RegistryBadResponseError(
          req.url.host,
          `more than ${MAX_REDIRECTS} redirects from ${req.url.pathname}`,
        );
      }
      const next = new URL(location, current.url);
      if (next.protocol !== 'https:' && next.protocol !== 'http:') {
        throw new RegistryBadResponseError(
          req.url.host,
          `redirect to ${next.protocol} URL`,
        );
      }
      const sameOrigin = next.origin === current.url.origin;
      const headers = { ...current.headers };
      // Storage behind a redirect authenticates by signed URL; the registry
      // token must not leak to it (Node's fetch drops it for the same reason).
      if (!sameOrigin) delete headers.authorization;
      let guardHost = current.guardHost;
      if (!sameOrigin) {
        // null: outside the allowlist, public addresses only
        guardHost = req.allowUnlistedRedirects ? null : undefined;
      }
      current = {
        ...current,
        url: next,
        headers,
        guardHost,
      };
    }
  }

  private async sendWithRetries(req: HttpRequest): Promise<HttpResponse> {
    const host = req.url.host;
    const guardHost = req.guardHost === undefined ? host : req.guardHost;
    this.options.guard.assertUrl(req.url, guardHost);
    this.assertNotBlocked(req.rateLimitKey, host);
    const maxAttempts = this.options.retries + 1;
    let lastFailure = '';
    let lastCause: unknown;
    for (let attempt = 0; attempt < maxAttempts; attempt++) {
      if (attempt > 0) this.retried++;
      let response: HttpResponse;
      try {
        response = await this.limited(host, () =>
          this.once(req, guardHost, attempt),
        );
      } catch (error) {
        if (error instanceof RegistryError) throw error;
        lastFailure = describeNetworkError(error);
        lastCause = error;
        if (attempt + 1 < maxAttempts) await sleep(this.backoff(attempt));
        continue;
      }
      this.noteRateLimit(req.rateLimitKey, response);
      if (response.status === 429) {
        const waitMs = parseRetryAfterMs(response.headers['retry-after']);
        if (waitMs !== undefined && waitMs > this.options.maxRetryAfterMs) {
          throw new RegistryRateLimitedError(
            host,
            new Date(Date.now() + waitMs),
            'HTTP 429',
          );
        }
        lastFailure = 'HTTP 429';
        if (attempt + 1 < maxAttempts) {
          await sleep(waitMs ?? this.backoff(attempt));
          continue;
        }
        throw new RegistryRateLimitedError(
          host,
          waitMs !== undefined ? new Date(Date.now() + waitMs) : undefined,
          `HTTP 429 after ${maxAttempts} attempts`,
        );
      }
      if (response.status >= 500) {
        lastFailure = `HTTP ${response.status}`;
        if (attempt + 1 < maxAttempts) await sleep(this.backoff(attempt));
        continue;
      }
      return response;
    }
    throw new RegistryUnreachableError(
      host,
      `${lastFailure} on ${req.method} ${req.url.pathname}, ${maxAttempts} attempts`,
      { cause: lastCause },
    );
  }

  private backoff(attempt: number): number {
    return backoffDelayMs(
      attempt,
      this.options.backoffBaseMs,
      this.options.backoffMaxMs,
      this.options.random,
    );
  }

  private limited<T>(host: string, task: () => Promise<T>): Promise<T> {
    let limiter = this.perHost.get(host);
    if (!limiter) {
      limiter = new ConcurrencyLimiter(this.options.hostConcurrency(host));
      this.perHost.set(host, limiter);
    }
    const hostLimiter = limiter;
    return this.global.run(() => hostLimiter.run(task));
  }

  private async once(
    req: HttpRequest,
    guardHost: string | null,
    attempt: number,
  ): Promise<HttpResponse> {
    const started = Date.now();
    this.sent++;
    this.sentByHost.set(
      req.url.host,
      (this.sentByHost.get(req.url.host) ?? 0) + 1,
    );
    const event = {
      method: req.method,
      host: req.url.host,
      path: req.url.pathname + req.url.search,
      attempt,
    };
    const abort = new AbortController();
    const timer = setTimeout(() => abort.abort(), this.options.timeoutMs);
    try {
      // Redirects are not followed here: send() does, by hand.
      const response = await sendHttpRequest(req.url, {
        method: req.method,
        headers: req.headers,
        signal: abort.signal,
        agent: this.agentFor(req.url, guardHost),
      });
      const body = await readBody(
        response,
        this.options.maxBodyBytes,
        req.url.host,
      );
      const status = response.statusCode!;
      this.options.onRequest?.({
        ...event,
        status,
        durationMs: Date.now() - started,
      });
      return {
        status,
        url: req.url,
        headers: flattenHeaders(response.headers),
        body,
      };
    } catch (error) {
      const refusal = findHostRefusal(error);
      this.options.onRequest?.({
        ...event,
        error: abort.signal.aborted ? 'timeout' : describeNetworkError(error),
        durationMs: Date.now() - started,
      });
      if (refusal) throw refusal;
      if (error instanceof RegistryError) throw error;
      if (abort.signal.aborted) {
        throw Object.assign(
          new Error(`timed out after ${this.options.timeoutMs} ms`),
          {
            code: 'ETIMEDOUT',
          },
        );
      }
      throw error;
    } finally {
      clearTimeout(timer);
    }
  }

  /**
   * One connection pool per origin, whose DNS lookup refuses private answers
   * unless `guardHost` has an explicit entry.
   */
  private agentFor(url: URL, guardHost: string | null): Agent {
    const key = `${url.origin}|${guardHost ?? ''}`;
    let agent = this.agents.get(key);
    if (!agent) {
      agent = createKeepAliveAgent(url.protocol, {
        maxSockets: guardHost ? this.options.hostConcurrency(url.host) : 4,
        lookup: this.options.guard.lookupFor(guardHost) as LookupFunction,
      });
      this.agents.set(key, agent);
    }
    return agent;
  }

  private noteRateLimit(key: string | undefined, response: HttpResponse): void {
    if (!key) return;
    const remaining = parseRateLimitHeader(
      response.headers['ratelimit-remaining'],
    );
    if (remaining && remaining.remaining === 0) {
      const retryAfter = parseRetryAfterMs(response.headers['retry-after']);
      this.blockedUntil.set(
        key,
        Date.now() + (retryAfter ?? remaining.windowMs ?? 60_000),
      );
    }
  }

  private assertNotBlocked(key: string | undefined, host: string): void {
    if (!key) return;
    const until = this.blockedUntil.get(key);
    if (until === undefined) return;
    if (until <= Date.now()) {
      this.blockedUntil.delete(key);
      return;
    }
    throw new RegistryRateLimitedError(
      host,
      new Date(until),
      'pull allowance spent (ratelimit-remaining: 0)',
    );
  }
}

async function readBody(
  body: Readable,
  maxBytes: number,
  host: string,
): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > maxBytes) {
      body.destroy();
      throw new RegistryBadResponseError(
        host,
        `response body larger than ${maxBytes} bytes`,
      );
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function flattenHeaders(
  headers: Record<string, string | string[] | undefined>,
): Record<string, string> {
  const flat: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    flat[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return flat;
}

function findHostRefusal(
  error: unknown,
): RegistryHostNotAllowedError | undefined {
  for (let e = error, depth = 0; e && depth < 5; depth++) {
    if (e instanceof RegistryHostNotAllowedError) return e;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

function describeNetworkError(error: unknown): string {
  const e = error as {
    code?: string;
    message?: string;
    cause?: { code?: string };
  };
  return e?.code ?? e?.cause?.code ?? e?.message ?? String(error);
}
