import { authorizationMatches } from '../secrets';
import { PushedImage, WebhookProvider } from '../WebhookProvider';
import {
  readJsonObject,
  repositoryKey,
  stringOrUndefined,
  uniqueImages,
} from './payload';

const MANIFEST_TYPES = new Set([
  'application/vnd.oci.image.index.v1+json',
  'application/vnd.oci.image.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.list.v2+json',
  'application/vnd.docker.distribution.manifest.v2+json',
  'application/vnd.docker.distribution.manifest.v1+json',
  'application/vnd.docker.distribution.manifest.v1+prettyjws',
]);

/**
 * The CNCF distribution registry's notifications (Docker's `registry:2`,
 * Debian's `docker-registry`, GitLab's and Harbor's registries underneath):
 * an envelope `{ events: [...] }`, authenticated only by the headers the
 * registry's `notifications.endpoints[].headers` adds, here `Authorization`.
 *
 * Only a manifest pushed with a tag is acted on. Pulls, blob uploads,
 * mounts, deletes and manifests pushed by digest alone (the per-platform
 * manifests of an index, before the tag) are ignored, but still answered
 * 2xx: the registry retries a refused event forever and queues every later
 * event behind it.
 */
export const distributionProvider: WebhookProvider = {
  id: 'distribution',
  secretKey: 'token',
  secretHelp:
    'the token the registry sends as "Authorization: Bearer <token>" (notifications.endpoints[].headers in its config)',
  verify: (delivery, token) =>
    authorizationMatches(delivery.headers.authorization, token),
  parse(delivery, registryHost) {
    const envelope = readJsonObject(delivery.body, 'distribution');
    const events: unknown[] = Array.isArray(envelope.events)
      ? envelope.events
      : [];
    const images: PushedImage[] = [];
    const ignored = new Set<string>();
    for (const event of events as Array<Record<string, any>>) {
      const action = stringOrUndefined(event?.action) ?? 'unknown';
      const target = event?.target ?? {};
      const mediaType = stringOrUndefined(target.mediaType) ?? '';
      if (action !== 'push') {
        ignored.add(`${action} events`);
        continue;
      }
      if (!MANIFEST_TYPES.has(mediaType)) {
        ignored.add('blob uploads');
        continue;
      }
      const tag = stringOrUndefined(target.tag);
      if (!tag) {
        ignored.add('manifests pushed by digest only');
        continue;
      }
      const host = registryHost ?? stringOrUndefined(event?.request?.host);
      const repository = repositoryKey(
        host ?? '',
        stringOrUndefined(target.repository) ?? '',
      );
      if (!repository) {
        ignored.add('events without a registry host and repository');
        continue;
      }
      images.push({
        repository,
        tag,
        digest: stringOrUndefined(target.digest),
      });
    }
    if (images.length > 0)
      return { kind: 'pushed', images: uniqueImages(images) };
    return {
      kind: 'ignored',
      reason:
        ignored.size > 0
          ? `nothing to act on: ${[...ignored].join(', ')}`
          : 'the envelope holds no events',
    };
  },
};
