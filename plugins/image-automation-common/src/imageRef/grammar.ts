/**
 * Pieces of the distribution reference grammar
 * (github.com/distribution/reference, `regexp.go`), anchored.
 */

/** `[a-z0-9]+` joined by one separator: `.`, `_`, `__` or one or more `-`. */
export const PATH_COMPONENT = /^[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*$/;

/** A DNS label: letters, digits and inner hyphens. */
const DOMAIN_COMPONENT =
  /^(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])$/;

/** A bracketed IPv6 address as the distribution grammar allows it. */
const IPV6_HOST = /^\[(?:[a-fA-F0-9:]+)\]$/;

const PORT = /^[0-9]+$/;

/** Returns why `domain` is not a valid registry host[:port], or undefined. */
export function describeInvalidDomain(domain: string): string | undefined {
  let host = domain;
  let port: string | undefined;
  const portSeparator = domain.lastIndexOf(':');
  if (portSeparator !== -1 && !domain.endsWith(']')) {
    host = domain.slice(0, portSeparator);
    port = domain.slice(portSeparator + 1);
    if (!PORT.test(port)) {
      return `the registry port ${JSON.stringify(port)} is not a number`;
    }
  }
  if (IPV6_HOST.test(host)) return undefined;
  const labels = host.split('.');
  if (labels.some(label => !DOMAIN_COMPONENT.test(label))) {
    return `the registry host ${JSON.stringify(host)} is not a valid host name`;
  }
  return undefined;
}

/** `sha256:<64 hex>` and friends; the hex length is fixed by the algorithm. */
const DIGEST_HEX_LENGTHS: Record<string, number> = {
  sha256: 64,
  sha384: 96,
  sha512: 128,
  blake3: 64,
};

/** Returns why `digest` is not a valid digest, or undefined. */
export function describeInvalidDigest(digest: string): string | undefined {
  const separator = digest.indexOf(':');
  if (separator === -1) {
    return `the digest ${JSON.stringify(
      digest,
    )} has no algorithm (expected "sha256:<64 hex characters>")`;
  }
  const algorithm = digest.slice(0, separator);
  const hex = digest.slice(separator + 1);
  const length = DIGEST_HEX_LENGTHS[algorithm];
  if (length === undefined) {
    return `the digest algorithm ${JSON.stringify(
      algorithm,
    )} is not supported (use sha256, sha384, sha512 or blake3)`;
  }
  if (hex.length !== length || !/^[a-f0-9]+$/.test(hex)) {
    return `a ${algorithm} digest needs exactly ${length} lowercase hex characters after "${algorithm}:"`;
  }
  return undefined;
}
