import { WebhookDelivery } from '../WebhookProvider';

/** A delivery as the router hands it to providers, for the provider tests. */
export function delivery(
  body: unknown,
  headers: Record<string, string> = {},
  query: Record<string, string> = {},
): WebhookDelivery {
  return {
    body: Buffer.isBuffer(body)
      ? body
      : Buffer.from(typeof body === 'string' ? body : JSON.stringify(body)),
    headers: Object.fromEntries(
      Object.entries(headers).map(([k, v]) => [k.toLowerCase(), v]),
    ),
    query,
  };
}
