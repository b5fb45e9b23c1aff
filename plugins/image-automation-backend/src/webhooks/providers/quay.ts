import { secretsEqual } from '../secrets';
import { WebhookProvider } from '../WebhookProvider';
import { readJsonObject, repositoryKey, stringOrUndefined } from './payload';

/**
 * Quay's "Push to Repository" notification: `{ docker_url, repository,
 * updated_tags: [...] }`. Quay does not sign webhooks, so the secret is a
 * `?token=` in the notification URL.
 */
export const quayProvider: WebhookProvider = {
  id: 'quay',
  secretKey: 'token',
  secretHelp:
    'a random token you add to the notification URL in Quay as ?token=<token>',
  verify: (delivery, token) => secretsEqual(delivery.query.token, token),
  parse(delivery, registryHost) {
    const payload = readJsonObject(delivery.body, 'Quay');
    const dockerUrl = stringOrUndefined(payload.docker_url) ?? '';
    const slash = dockerUrl.indexOf('/');
    const host =
      registryHost ?? (slash > 0 ? dockerUrl.slice(0, slash) : 'quay.io');
    const path =
      stringOrUndefined(payload.repository) ??
      (slash > 0 ? dockerUrl.slice(slash + 1) : '');
    const repository = repositoryKey(host, path);
    const tags: unknown[] = Array.isArray(payload.updated_tags)
      ? payload.updated_tags
      : [];
    const named = tags.filter(
      (tag): tag is string => typeof tag === 'string' && tag.length > 0,
    );
    if (!repository || named.length === 0) {
      return {
        kind: 'ignored',
        reason:
          'not a push notification: no repository and updated_tags (Quay sends other notifications to the same kind of URL)',
      };
    }
    return {
      kind: 'pushed',
      images: named.map(tag => ({ repository, tag })),
    };
  },
};
