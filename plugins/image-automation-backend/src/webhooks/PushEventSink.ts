import { PushedImage } from './WebhookProvider';

/** What became of the repositories of one delivery. */
export interface PushRecording {
  /** Repositories some entity uses: recorded, and a cycle asked for. */
  scheduled: string[];
  /** Repositories no entity uses: nothing is done for them. */
  unknown: string[];
}

/**
 * Where verified pushes go. The webhook only records them and asks for a
 * cycle: scans and writes happen inside the scheduled task, never in a
 * request handler.
 */
export interface PushEventSink {
  recordPushes(provider: string, images: PushedImage[]): Promise<PushRecording>;
}
