import { createHash, createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Constant-time string comparison. Both sides are hashed first so that
 * neither the content nor the length of the secret leaks through timing.
 */
export function secretsEqual(
  given: string | undefined,
  expected: string,
): boolean {
  if (given === undefined) return false;
  const a = createHash('sha256').update(given, 'utf8').digest();
  const b = createHash('sha256').update(expected, 'utf8').digest();
  return timingSafeEqual(a, b);
}

/** `Authorization: Bearer <token>` or the bare token, as registries can be told to send either. */
export function authorizationMatches(
  header: string | undefined,
  token: string,
): boolean {
  if (header === undefined) return false;
  const value = header.trim();
  const bearer = /^bearer\s+/i.exec(value);
  return secretsEqual(bearer ? value.slice(bearer[0].length) : value, token);
}

/** GitHub's `X-Hub-Signature-256: sha256=<hex HMAC-SHA256 of the body>`. */
export function hmacSha256Matches(
  header: string | undefined,
  secret: string,
  body: Buffer,
): boolean {
  if (header === undefined) return false;
  const expected = `sha256=${createHmac('sha256', secret)
    .update(body)
    .digest('hex')}`;
  return secretsEqual(header.trim().toLowerCase(), expected);
}
