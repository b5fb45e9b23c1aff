import { secretsEqual } from '../secrets';
import { WebhookProvider } from '../WebhookProvider';
import { readJsonObject, repositoryKey, stringOrUndefined } from './payload';

/**
 * Docker Hub's repository webhook: `{ push_data: { tag }, repository: {
 * repo_name } }`. Hub cannot sign or add headers, so the secret is a
 * `?token=` in the webhook URL; anyone who can read that URL can trigger a
 * scan, which only makes the plugin look sooner.
 */
export const dockerHubProvider: WebhookProvider = {
  id: 'dockerhub',
  secretKey: 'token',
  secretHelp:
    'a random token you add to the webhook URL in Docker Hub as ?token=<token>',
  verify: (delivery, token) => secretsEqual(delivery.query.token, token),
  parse(delivery, registryHost) {
    const payload = readJsonObject(delivery.body, 'Docker Hub');
    const repository = repositoryKey(
      registryHost ?? 'docker.io',
      stringOrUndefined(payload.repository?.repo_name) ?? '',
    );
    const tag = stringOrUndefined(payload.push_data?.tag);
    if (!repository || !tag) {
      return {
        kind: 'ignored',
        reason: 'the payload names no repository.repo_name and push_data.tag',
      };
    }
    return { kind: 'pushed', images: [{ repository, tag }] };
  },
};
