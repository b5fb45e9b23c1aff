import { ResponseError } from '@backstage/errors';

/**
 * The backend's own words for a failed request: it already says what went
 * wrong and what to do, while a ResponseError's message only names the
 * HTTP status.
 */
export function errorMessage(error: Error): string {
  return ResponseError.is(error) ? error.cause.message : error.message;
}
