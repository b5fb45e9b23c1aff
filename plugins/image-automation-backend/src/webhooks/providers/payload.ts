import { InputError } from '@backstage/errors';
import {
  InvalidImageReferenceError,
  parseImageReference,
  repositoryOf,
} from '@image-automation/plugin-image-automation-common';

/** The body as a JSON object, or an InputError naming the provider. */
export function readJsonObject(
  body: Buffer,
  provider: string,
): Record<string, any> {
  let value: unknown;
  try {
    value = JSON.parse(body.toString('utf8'));
  } catch {
    throw new InputError(`the ${provider} webhook body is not JSON`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value)) {
    throw new InputError(`the ${provider} webhook body is not a JSON object`);
  }
  return value as Record<string, any>;
}

/**
 * `host/path` normalised as image references are (`docker.io/nginx` →
 * `docker.io/library/nginx`), or undefined when it is not a repository.
 */
export function repositoryKey(host: string, path: string): string | undefined {
  if (!host || !path) return undefined;
  try {
    const ref = parseImageReference(`${host.toLowerCase()}/${path}`);
    if (ref.tag !== undefined || ref.digest !== undefined) return undefined;
    return repositoryOf(ref);
  } catch (error) {
    if (error instanceof InvalidImageReferenceError) return undefined;
    throw error;
  }
}

export function stringOrUndefined(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

/** Several events of one delivery for the same repository and tag count once. */
export function uniqueImages<T extends { repository: string; tag?: string }>(
  images: T[],
): T[] {
  const seen = new Set<string>();
  return images.filter(image => {
    const key = `${image.repository}\u0000${image.tag ?? ''}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
