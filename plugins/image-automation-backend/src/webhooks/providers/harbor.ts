import { authorizationMatches } from '../secrets';
import { PushedImage, WebhookProvider } from '../WebhookProvider';
import {
  readJsonObject,
  repositoryKey,
  stringOrUndefined,
  uniqueImages,
} from './payload';

/**
 * Harbor's webhook policy (HTTP, "Auth Header" set to the token):
 * `{ type: "PUSH_ARTIFACT", event_data: { resources: [{ tag, digest,
 * resource_url }], repository: { repo_full_name } } }`. Pulls, deletes,
 * scans, quota and replication events are ignored.
 */
export const harborProvider: WebhookProvider = {
  id: 'harbor',
  secretKey: 'token',
  secretHelp:
    'the "Auth Header" of the Harbor webhook policy, sent as the Authorization header',
  verify: (delivery, token) =>
    authorizationMatches(delivery.headers.authorization, token),
  parse(delivery, registryHost) {
    const payload = readJsonObject(delivery.body, 'Harbor');
    const type = stringOrUndefined(payload.type) ?? 'unknown';
    if (type !== 'PUSH_ARTIFACT') {
      return { kind: 'ignored', reason: `${type} events are not acted on` };
    }
    const data = payload.event_data ?? {};
    const fullName = stringOrUndefined(data.repository?.repo_full_name);
    const resources: Array<Record<string, any>> = Array.isArray(data.resources)
      ? data.resources
      : [];
    const images: PushedImage[] = [];
    for (const resource of resources) {
      const url = stringOrUndefined(resource?.resource_url) ?? '';
      const slash = url.indexOf('/');
      const host = registryHost ?? (slash > 0 ? url.slice(0, slash) : '');
      const repository = repositoryKey(host, fullName ?? '');
      const tag = stringOrUndefined(resource?.tag);
      if (!repository || !tag) continue;
      images.push({
        repository,
        tag,
        digest: stringOrUndefined(resource.digest),
      });
    }
    if (images.length === 0) {
      return {
        kind: 'ignored',
        reason:
          'the push names no tagged resource with a resource_url and repository',
      };
    }
    return { kind: 'pushed', images: uniqueImages(images) };
  },
};
