import { GitlabRateLimitGate } from './GitlabRateLimitGate';

/**
 * A small client for the GitLab endpoints the adapter calls: REST v4 and GraphQL over plain
 * fetch, through Backstage's `GitLabIntegration.fetch` (which applies the integration's own
 * `retry` settings). Failures become GitlabRequestError with GitLab's status and words.
 */

export type FetchLike = (
  input: string,
  init?: RequestInit,
) => Promise<Response>;

/** A request GitLab answered with an error, or could not be sent. */
export class GitlabRequestError extends Error {
  readonly name = 'GitlabRequestError';
  constructor(
    /** The HTTP status; undefined when GitLab was not reached. */
    readonly status: number | undefined,
    /** GitLab's own message, flattened to one line. */
    readonly gitlabMessage: string,
    readonly extras: {
      /** The scope GitLab said the token lacks (`insufficient_scope`). */
      scope?: string;
      retryAfterSeconds?: number;
      /** GitLab's rate limit refused the token, and said until when. */
      rateLimit?: {
        resumesAt: Date;
        /** When it was refused: the card names the day only when the reset is not that day. */
        observedAt: Date;
        /** False when the request was held back because the budget was already known spent. */
        sent: boolean;
      };
      cause?: unknown;
    } = {},
  ) {
    super(
      status ? `GitLab answered ${status}: ${gitlabMessage}` : gitlabMessage,
      { cause: extras.cause },
    );
  }
}

export interface GitlabApiOptions {
  /** `https://gitlab.example.com/api/v4`, no trailing slash. */
  apiBaseUrl: string;
  token?: string;
  fetch: FetchLike;
  /**
   * Longest wait honoured from a `Retry-After` before a read is retried; a rate limit that
   * lasts longer fails the request at once (default 10 s).
   */
  maxRetryWaitMs?: number;
  /** Retries of reads on 429, 5xx and network failures. */
  readRetries?: number;
  /**
   * What GitLab's rate limit allows the token now: shared by every client of one token, so a
   * budget one repository's read found spent holds back the others' (its `maxWaitMs` then
   * replaces maxRetryWaitMs for rate limits).
   */
  rateLimit?: GitlabRateLimitGate;
  /** For tests with a clock of their own. */
  sleep?: (ms: number) => Promise<void>;
}

/** GitLab's messages: a string, an array, an object of field → messages, or OAuth's error shape. */
function messageOf(body: any, fallback: string): string {
  const flatten = (value: unknown): string => {
    if (typeof value === 'string') return value;
    if (Array.isArray(value)) return value.map(flatten).join('; ');
    if (value && typeof value === 'object') {
      return Object.entries(value)
        .map(([field, v]) => `${field.replace(/_/g, ' ')} ${flatten(v)}`)
        .join('; ');
    }
    return fallback;
  };
  if (body?.message !== undefined) return flatten(body.message);
  if (typeof body?.error === 'string') {
    return body.error_description
      ? `${body.error}: ${body.error_description}`
      : body.error;
  }
  if (Array.isArray(body?.errors)) {
    return body.errors.map((e: any) => e?.message ?? String(e)).join('; ');
  }
  return fallback;
}

const RETRIED = new Set([429, 500, 502, 503, 504]);
const DEFAULT_MAX_WAIT_MS = 10_000;
/** Times a request sits out a short block before it gives up (a block may be extended meanwhile). */
const MAX_WAITS = 2;
const sleep = (ms: number) =>
  new Promise<void>(r => {
    setTimeout(r, ms);
  });

export class GitlabApi {
  readonly graphqlUrl: string;
  private readonly gate: GitlabRateLimitGate;
  private readonly sleep: (ms: number) => Promise<void>;

  constructor(private readonly options: GitlabApiOptions) {
    this.graphqlUrl = options.apiBaseUrl.replace(
      /\/api\/v4\/?$/,
      '/api/graphql',
    );
    this.gate =
      options.rateLimit ??
      new GitlabRateLimitGate(
        Date.now,
        options.maxRetryWaitMs ?? DEFAULT_MAX_WAIT_MS,
      );
    this.sleep = options.sleep ?? sleep;
  }

  async get<T>(path: string): Promise<T> {
    return (await this.read(this.url(path))).body as T;
  }

  /** Every page of a list, following `Link: rel="next"` (keyset and offset pagination alike). */
  async getAll<T>(path: string): Promise<T[]> {
    const items: T[] = [];
    let next: string | undefined = this.url(path);
    while (next) {
      const { body, headers } = await this.read(next);
      items.push(...(body as T[]));
      next = /<([^>]+)>;\s*rel="next"/.exec(headers.get('link') ?? '')?.[1];
    }
    return items;
  }

  /** A write: sent once, never retried (GitLab may have applied it). */
  async send<T>(
    method: 'POST' | 'PUT' | 'DELETE',
    path: string,
    body?: unknown,
  ): Promise<T> {
    const response = await this.request(this.url(path), {
      method,
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return (await this.parse(response)).body as T;
  }

  /** A GraphQL query; `errors` in a 200 answer fail it like an HTTP error. */
  async graphql<T>(
    query: string,
    variables: Record<string, unknown>,
  ): Promise<T> {
    const { body } = await this.read(this.graphqlUrl, {
      method: 'POST',
      body: JSON.stringify({ query, variables }),
    });
    const result = body as { data?: T; errors?: Array<{ message: string }> };
    if (result.errors?.length) {
      throw new GitlabRequestError(200, messageOf(result, 'GraphQL error'));
    }
    return result.data as T;
  }

  private url(path: string): string {
    return `${this.options.apiBaseUrl}${path}`;
  }

  private async read(url: string, init: RequestInit = {}) {
    // As Octokit retries for the GitHub adapter: three more attempts, then the cycle reports it.
    const retries = this.options.readRetries ?? 3;
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.parse(await this.request(url, init));
      } catch (error) {
        const e = error as GitlabRequestError;
        const retriable =
          e instanceof GitlabRequestError &&
          (e.status === undefined || RETRIED.has(e.status));
        if (!retriable || attempt >= retries) throw error;
        const limited = e.extras.rateLimit;
        if (limited) {
          // GitLab said when it takes requests again: too long to wait, and this read fails now
          // (the gate refuses the token's other requests until then); else the gate sits it out.
          if (!limited.sent || this.gate.isLong(limited.resumesAt.getTime()))
            throw error;
          // A time already past (Retry-After: 0, a skewed clock) still waits the usual backoff.
          if (limited.resumesAt.getTime() <= this.gate.now()) {
            await this.sleep(200 * 2 ** attempt);
          }
          continue;
        }
        const wait = Math.min(
          e.extras.retryAfterSeconds !== undefined
            ? e.extras.retryAfterSeconds * 1000
            : 200 * 2 ** attempt,
          this.options.maxRetryWaitMs ?? DEFAULT_MAX_WAIT_MS,
        );
        await this.sleep(wait);
      }
    }
  }

  /**
   * Holds a request back while the token's budget is known spent: a short while is waited out,
   * a long one fails it without asking GitLab (which would only answer 429 again).
   */
  private async admit(): Promise<void> {
    for (let waits = 0; ; waits++) {
      const admission = this.gate.admit();
      if (admission.go) return;
      if (admission.waitMs === undefined || waits >= MAX_WAITS) {
        throw new GitlabRequestError(
          429,
          'Retry later (not sent: the rate limit was already reached)',
          {
            rateLimit: {
              resumesAt: new Date(admission.until),
              observedAt: new Date(this.gate.now()),
              sent: false,
            },
          },
        );
      }
      await this.sleep(admission.waitMs);
    }
  }

  private async request(url: string, init: RequestInit): Promise<Response> {
    await this.admit();
    const headers: Record<string, string> = {
      accept: 'application/json',
      ...(init.body !== undefined
        ? { 'content-type': 'application/json' }
        : {}),
      ...(this.options.token ? { 'private-token': this.options.token } : {}),
    };
    try {
      return await this.options.fetch(url, {
        ...init,
        headers,
        signal: AbortSignal.timeout(60_000),
      });
    } catch (error) {
      throw new GitlabRequestError(
        undefined,
        `could not reach ${new URL(url).host}: ${
          (error as Error)?.message ?? error
        }`,
        { cause: error },
      );
    }
  }

  private async parse(response: Response) {
    // Every answer, a success too, may say the budget is spent (RateLimit-Remaining: 0).
    const resumesAt = this.gate.observe(response.status, response.headers);
    const text = await response.text();
    let body: any;
    try {
      body = text ? JSON.parse(text) : undefined;
    } catch {
      body = undefined;
    }
    if (!response.ok) {
      const retryAfter = Number(response.headers.get('retry-after'));
      throw new GitlabRequestError(
        response.status,
        messageOf(body, text.trim().slice(0, 200) || response.statusText),
        {
          scope: body?.error === 'insufficient_scope' ? body.scope : undefined,
          retryAfterSeconds:
            Number.isFinite(retryAfter) && response.headers.has('retry-after')
              ? retryAfter
              : undefined,
          rateLimit:
            response.status === 429 && resumesAt !== undefined
              ? {
                  resumesAt: new Date(resumesAt),
                  observedAt: new Date(this.gate.now()),
                  sent: true,
                }
              : undefined,
        },
      );
    }
    return { body, headers: response.headers };
  }
}
