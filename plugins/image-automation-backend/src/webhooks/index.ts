export {
  createWebhookRouter,
  MAX_WEBHOOK_BODY_BYTES,
} from './createWebhookRouter';
export { readWebhooksConfig } from './readWebhooksConfig';
export type { ConfiguredWebhook } from './readWebhooksConfig';
export type { PushEventSink, PushRecording } from './PushEventSink';
export type {
  PushedImage,
  WebhookOutcome,
  WebhookProvider,
} from './WebhookProvider';
export { ScheduledPushEventSink } from './ScheduledPushEventSink';
