import { formatPlatform, parsePlatform } from '../../imageRef/platform';
import { InvalidPolicyError } from '../ImagePolicySpec';

type CheckKeys = (
  where: string,
  value: Record<string, unknown>,
  allowed: readonly string[],
) => void;

/**
 * Checks `newestBuild` from user input: `{}` (or null, as YAML writes an
 * empty mapping) or `{ platform: "linux/arm64" }`.
 */
export function readNewestBuild(
  value: unknown,
  checkKeys: CheckKeys,
): { platform?: string } {
  if (value === null || value === undefined) return {};
  if (typeof value !== 'object' || Array.isArray(value)) {
    throw new InvalidPolicyError(
      `Invalid policy: newestBuild must be an object such as {} or {"platform":"linux/arm64"}, not ${
        Array.isArray(value) ? 'an array' : JSON.stringify(value)
      }.`,
    );
  }
  const spec = value as Record<string, unknown>;
  checkKeys('newestBuild', spec, ['platform']);
  if (spec.platform === undefined || spec.platform === null) return {};
  if (typeof spec.platform !== 'string') {
    throw new InvalidPolicyError(
      `Invalid policy: newestBuild.platform must be a string such as "linux/arm64", not a ${typeof spec.platform}.`,
    );
  }
  const platform = parsePlatform(spec.platform);
  if (typeof platform === 'string') {
    throw new InvalidPolicyError(
      `Invalid policy: newestBuild.platform ${platform}.`,
    );
  }
  return { platform: formatPlatform(platform) };
}
