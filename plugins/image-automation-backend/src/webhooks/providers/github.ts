import { hmacSha256Matches } from '../secrets';
import { WebhookProvider } from '../WebhookProvider';
import { readJsonObject, repositoryKey, stringOrUndefined } from './payload';

const ACTED_ON = new Set(['published', 'updated']);

/**
 * GitHub's `package` and `registry_package` events for GHCR container
 * packages, signed with `X-Hub-Signature-256` (HMAC-SHA256 of the body with
 * the webhook's secret). `ping`, other events and other package types are
 * ignored.
 */
export const githubProvider: WebhookProvider = {
  id: 'github',
  secretKey: 'secret',
  secretHelp:
    'the secret of the GitHub webhook (package or registry_package events), which signs every delivery',
  verify: (delivery, secret) =>
    hmacSha256Matches(
      delivery.headers['x-hub-signature-256'],
      secret,
      delivery.body,
    ),
  parse(delivery, registryHost) {
    const event = delivery.headers['x-github-event'] ?? 'unknown';
    if (event !== 'package' && event !== 'registry_package') {
      return { kind: 'ignored', reason: `${event} events are not acted on` };
    }
    const payload = readJsonObject(delivery.body, 'GitHub');
    const action = stringOrUndefined(payload.action) ?? 'unknown';
    if (!ACTED_ON.has(action)) {
      return { kind: 'ignored', reason: `${event} ${action} is not a push` };
    }
    const pkg = payload[event] ?? {};
    const type = String(pkg.package_type ?? pkg.ecosystem ?? '').toLowerCase();
    if (type !== 'container' && type !== 'docker') {
      return {
        kind: 'ignored',
        reason: `${type || 'unknown'} packages are not container images`,
      };
    }
    const tag = stringOrUndefined(
      pkg.package_version?.container_metadata?.tag?.name,
    );
    if (!tag) {
      return {
        kind: 'ignored',
        reason:
          'a version pushed without a tag (a platform manifest or attestation)',
      };
    }
    const owner =
      stringOrUndefined(pkg.namespace) ?? stringOrUndefined(pkg.owner?.login);
    const name = stringOrUndefined(pkg.name);
    let host = registryHost;
    if (!host) {
      try {
        host = new URL(stringOrUndefined(pkg.registry?.url) ?? '').host;
      } catch {
        host = 'ghcr.io';
      }
    }
    const repository =
      owner && name
        ? repositoryKey(
            host || 'ghcr.io',
            `${owner}/${decodeName(name)}`.toLowerCase(),
          )
        : undefined;
    if (!repository) {
      return {
        kind: 'ignored',
        reason: 'the package names no owner and name',
      };
    }
    const digest = stringOrUndefined(
      pkg.package_version?.container_metadata?.tag?.digest,
    );
    return {
      kind: 'pushed',
      images: [{ repository, tag, ...(digest ? { digest } : {}) }],
    };
  },
};

/** Package names of nested images arrive as `app%2Fworker`. */
function decodeName(name: string): string {
  try {
    return decodeURIComponent(name);
  } catch {
    return name;
  }
}
