import { Config } from '@backstage/config';
import { WebhookProvider } from './WebhookProvider';
import { WEBHOOK_PROVIDERS } from './providers';

/** A provider the config turns on, with its secret. */
export interface ConfiguredWebhook {
  provider: WebhookProvider;
  secret: string;
  /** Replaces the registry host the payloads name. */
  registryHost?: string;
}

/**
 * Reads `imageAutomation.webhooks`: each key a provider, each with its
 * secret. A provider without a secret is a startup error, not a webhook
 * anyone can call; an unknown provider key is one too, so a typo does not
 * leave pushes unheard.
 */
export function readWebhooksConfig(
  config: Config,
): Map<string, ConfiguredWebhook> {
  const section = config.getOptionalConfig('imageAutomation.webhooks');
  const configured = new Map<string, ConfiguredWebhook>();
  if (!section) return configured;
  for (const key of section.keys()) {
    const provider = WEBHOOK_PROVIDERS.get(key);
    const path = `imageAutomation.webhooks.${key}`;
    if (!provider) {
      throw new Error(
        `${path} is not a webhook provider; use one of ${[
          ...WEBHOOK_PROVIDERS.keys(),
        ].join(', ')}`,
      );
    }
    const entry = section.getConfig(key);
    const other = provider.secretKey === 'token' ? 'secret' : 'token';
    if (entry.has(other) && !entry.has(provider.secretKey)) {
      throw new Error(
        `${path} has "${other}" but this provider takes "${provider.secretKey}": ${provider.secretHelp}`,
      );
    }
    const secret = entry.getOptionalString(provider.secretKey)?.trim();
    if (!secret) {
      throw new Error(
        `${path}.${provider.secretKey} is missing: ${provider.secretHelp}. ` +
          `Without it anyone could make the plugin scan; remove ${path} to turn the webhook off`,
      );
    }
    const registryHost = entry
      .getOptionalString('registry')
      ?.trim()
      .toLowerCase();
    configured.set(key, {
      provider,
      secret,
      ...(registryHost ? { registryHost } : {}),
    });
  }
  return configured;
}
