import { LoggerService } from '@backstage/backend-plugin-api';
import {
  AuthenticationError,
  InputError,
  NotFoundError,
} from '@backstage/errors';
import express from 'express';
import Router from 'express-promise-router';
import { ImageAutomationMetrics } from '../metrics';
import { PushEventSink } from './PushEventSink';
import { WEBHOOK_PROVIDERS } from './providers';
import { ConfiguredWebhook } from './readWebhooksConfig';
import { WebhookDelivery } from './WebhookProvider';

/** Registry payloads are a few KiB; anything this large is not one. */
export const MAX_WEBHOOK_BODY_BYTES = 1024 * 1024;

export interface WebhookRouterOptions {
  webhooks: ReadonlyMap<string, ConfiguredWebhook>;
  sink: PushEventSink;
  logger: LoggerService;
  metrics?: Pick<ImageAutomationMetrics, 'recordWebhookEvent'>;
}

/**
 * `POST /webhooks/:provider`: registries tell the plugin about pushes.
 * Unauthenticated for Backstage; each provider's own secret guards it, and a
 * wrong one gets 401 before the payload is even read. Answers 2xx for
 * every authenticated event, acted on or not, because the CNCF registry
 * retries a refused event forever and holds every later one behind it.
 */
export function createWebhookRouter(
  options: WebhookRouterOptions,
): express.Router {
  const { webhooks, sink, logger, metrics } = options;
  const router = Router();
  const rawBody = express.raw({
    type: () => true,
    limit: MAX_WEBHOOK_BODY_BYTES,
  });

  router.post('/:provider', async (req, res) => {
    const id = req.params.provider;
    const webhook = webhooks.get(id);
    if (!webhook) {
      // Only known ids become metric attributes: the path is caller-chosen.
      metrics?.recordWebhookEvent(
        WEBHOOK_PROVIDERS.has(id) ? id : 'unknown',
        'not-configured',
      );
      throw new NotFoundError(
        `No webhook "${id}" is configured; set imageAutomation.webhooks.${id} with its secret`,
      );
    }
    const body = await readBody(rawBody, req, res);
    if (body === 'too-large') {
      metrics?.recordWebhookEvent(id, 'too-large');
      res.status(413).json({
        error: {
          name: 'PayloadTooLargeError',
          message: `webhook bodies are limited to ${MAX_WEBHOOK_BODY_BYTES} bytes`,
        },
      });
      return;
    }
    const delivery: WebhookDelivery = {
      headers: flattenHeaders(req.headers),
      query: flattenQuery(req.query),
      body,
    };
    if (!webhook.provider.verify(delivery, webhook.secret)) {
      metrics?.recordWebhookEvent(id, 'unauthorized');
      logger.warn(
        `Refused a ${id} webhook from ${req.ip}: its ${webhook.provider.secretKey} does not match imageAutomation.webhooks.${id}.${webhook.provider.secretKey}`,
      );
      throw new AuthenticationError(
        `the ${id} webhook's ${webhook.provider.secretKey} does not match`,
      );
    }
    let outcome;
    try {
      outcome = webhook.provider.parse(delivery, webhook.registryHost);
    } catch (error) {
      if (error instanceof InputError)
        metrics?.recordWebhookEvent(id, 'bad-request');
      throw error;
    }
    if (outcome.kind === 'ignored') {
      metrics?.recordWebhookEvent(id, 'ignored');
      logger.debug(`Ignored a ${id} webhook: ${outcome.reason}`);
      res.status(200).json({ status: 'ignored', reason: outcome.reason });
      return;
    }
    const recording = await sink.recordPushes(id, outcome.images);
    metrics?.recordWebhookEvent(
      id,
      recording.scheduled.length > 0 ? 'scheduled' : 'unknown-repository',
    );
    logger.info(
      `A ${id} webhook reported pushes to ${outcome.images
        .map(i => `${i.repository}:${i.tag}`)
        .join(', ')}; ${
        recording.scheduled.length
          ? `scanning ${recording.scheduled.join(', ')} now`
          : 'no entity uses them'
      }`,
    );
    res.status(202).json({
      status:
        recording.scheduled.length > 0 ? 'scheduled' : 'unknown-repository',
      ...recording,
    });
  });
  return router;
}

function readBody(
  parser: express.RequestHandler,
  req: express.Request,
  res: express.Response,
): Promise<Buffer | 'too-large'> {
  return new Promise((resolve, reject) => {
    parser(req, res, (error?: any) => {
      if (error?.type === 'entity.too.large') resolve('too-large');
      else if (error) reject(error);
      else resolve(Buffer.isBuffer(req.body) ? req.body : Buffer.alloc(0));
    });
  });
}

function flattenHeaders(
  headers: express.Request['headers'],
): Record<string, string | undefined> {
  const flat: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(headers)) {
    flat[name] = Array.isArray(value) ? value[0] : value;
  }
  return flat;
}

function flattenQuery(
  query: express.Request['query'],
): Record<string, string | undefined> {
  const flat: Record<string, string | undefined> = {};
  for (const [name, value] of Object.entries(query)) {
    const first = Array.isArray(value) ? value[0] : value;
    flat[name] = typeof first === 'string' ? first : undefined;
  }
  return flat;
}
