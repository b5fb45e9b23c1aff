import { createHash } from 'node:crypto';
import { IncomingHttpHeaders } from 'node:http';
import { RouteResponse } from '../http/routing';

/**
 * GitHub's conditional requests: every successful GET carries an ETag (a digest of what was
 * answered, in the media type asked for), and a request whose `If-None-Match` names it gets an
 * empty 304, which does not count against the primary rate limit.
 */
export function entityTag(
  response: RouteResponse,
  headers: IncomingHttpHeaders,
): string {
  const payload =
    response.text !== undefined
      ? response.text
      : JSON.stringify(response.body ?? null);
  const digest = createHash('sha256')
    .update(String(headers.accept ?? ''))
    .update('\0')
    .update(payload)
    .digest('hex')
    .slice(0, 32);
  return `W/"${digest}"`;
}

const opaque = (tag: string) => tag.trim().replace(/^W\//, '');

/** Weak comparison, as RFC 9110 prescribes for `If-None-Match`. */
export function matchesIfNoneMatch(
  header: string | string[] | undefined,
  etag: string,
): boolean {
  if (header === undefined) {
    return false;
  }
  const candidates = (Array.isArray(header) ? header.join(',') : header)
    .split(',')
    .map(tag => tag.trim())
    .filter(Boolean);
  return candidates.some(
    candidate => candidate === '*' || opaque(candidate) === opaque(etag),
  );
}

/** Headers GitHub sends on cacheable answers, 200 and 304 alike. */
export const cacheHeaders = (etag: string): Record<string, string> => ({
  etag,
  'cache-control': 'private, max-age=60, s-maxage=60',
  vary: 'Accept, Authorization, Cookie, X-GitHub-OTP',
});
