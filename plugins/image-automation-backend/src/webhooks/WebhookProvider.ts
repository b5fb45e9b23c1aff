/** A webhook delivery as the providers read it: the raw bytes, for signatures. */
export interface WebhookDelivery {
  /** Header names in lower case, as Node gives them. */
  headers: Record<string, string | undefined>;
  /** Query parameters of the webhook URL (Docker Hub and Quay carry the secret there). */
  query: Record<string, string | undefined>;
  body: Buffer;
}

/** One image repository a registry says was pushed to. */
export interface PushedImage {
  /** `registry/path`, normalised as image references are: the key scans use. */
  repository: string;
  tag?: string;
  digest?: string;
}

/** What a delivery asks for, once its secret has been checked. */
export type WebhookOutcome =
  | { kind: 'pushed'; images: PushedImage[] }
  /** Events the plugin does not act on (pulls, deletes, blob uploads, pings), with why. */
  | { kind: 'ignored'; reason: string };

/**
 * One registry's webhook: how it proves who sent it and what its payload
 * says. Pure: no I/O, so each provider is tested from its documented payloads.
 */
export interface WebhookProvider {
  /** The `:provider` of `POST /webhooks/:provider` and the config key. */
  readonly id: string;
  /** Where the secret goes in `imageAutomation.webhooks.<id>`. */
  readonly secretKey: 'token' | 'secret';
  /** Shown in the startup error when the secret is missing. */
  readonly secretHelp: string;
  /** True when the delivery carries `secret`; compared in constant time. */
  verify(delivery: WebhookDelivery, secret: string): boolean;
  /**
   * Reads the payload. `registryHost` replaces the host the payload names
   * when the config sets one (the registry may know itself by another name
   * than image references use). Throws `InputError` for a payload it cannot read.
   */
  parse(delivery: WebhookDelivery, registryHost?: string): WebhookOutcome;
}
