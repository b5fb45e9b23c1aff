import { WebhookProvider } from '../WebhookProvider';
import { distributionProvider } from './distribution';
import { dockerHubProvider } from './dockerHub';
import { githubProvider } from './github';
import { harborProvider } from './harbor';
import { quayProvider } from './quay';

/** Every provider `POST /webhooks/:provider` knows, by id. */
export const WEBHOOK_PROVIDERS: ReadonlyMap<string, WebhookProvider> = new Map(
  [
    distributionProvider,
    dockerHubProvider,
    githubProvider,
    harborProvider,
    quayProvider,
  ].map(provider => [provider.id, provider]),
);
