/**
 * An image platform as OCI image indexes name it: `linux/amd64`,
 * `linux/arm64/v8`. A multi-arch tag has one image per platform, each with
 * its own build time; newest-build ordering reads the one of this platform.
 * @public
 */
export interface ImagePlatform {
  os: string;
  architecture: string;
  variant?: string;
}

/** @public */
export const DEFAULT_PLATFORM: ImagePlatform = {
  os: 'linux',
  architecture: 'amd64',
};

const PART = /^[a-z0-9][a-z0-9._-]{0,31}$/;

/**
 * Reads `os/architecture[/variant]`, or says in plain words why it cannot,
 * e.g. "linux-amd64" → `expected os/architecture such as "linux/arm64"`.
 * @public
 */
export function parsePlatform(text: string): ImagePlatform | string {
  const parts = text.trim().split('/');
  if (parts.length < 2 || parts.length > 3 || parts.some(p => !PART.test(p))) {
    return `${JSON.stringify(
      text,
    )} is not a platform; expected os/architecture[/variant] in lower case, such as "linux/amd64" or "linux/arm64/v8"`;
  }
  const [os, architecture, variant] = parts;
  return variant ? { os, architecture, variant } : { os, architecture };
}

/** `linux/arm64/v8`. @public */
export function formatPlatform(platform: ImagePlatform): string {
  return [platform.os, platform.architecture, platform.variant]
    .filter(Boolean)
    .join('/');
}
