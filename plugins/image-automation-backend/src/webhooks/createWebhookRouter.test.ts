import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { createHmac } from 'node:crypto';
import express from 'express';
import request from 'supertest';
import {
  createWebhookRouter,
  MAX_WEBHOOK_BODY_BYTES,
} from './createWebhookRouter';
import { PushEventSink } from './PushEventSink';
import { readWebhooksConfig } from './readWebhooksConfig';

const KNOWN = 'registry.internal:5000/acme/api';

function pushEnvelope(repository = 'acme/api', tag = '1.2.0') {
  return {
    events: [
      {
        action: 'push',
        target: {
          mediaType: 'application/vnd.oci.image.manifest.v1+json',
          digest: `sha256:${'d'.repeat(64)}`,
          repository,
          tag,
        },
        request: { host: 'registry.internal:5000', method: 'PUT' },
      },
    ],
  };
}

function setup() {
  const recorded: Array<{ provider: string; repositories: string[] }> = [];
  const sink: PushEventSink = {
    async recordPushes(provider, images) {
      const repositories = images.map(i => i.repository);
      recorded.push({ provider, repositories });
      return {
        scheduled: repositories.filter(r => r === KNOWN),
        unknown: repositories.filter(r => r !== KNOWN),
      };
    },
  };
  const events: Array<[string, string]> = [];
  const app = express();
  app.use(
    '/webhooks',
    createWebhookRouter({
      webhooks: readWebhooksConfig(
        new ConfigReader({
          imageAutomation: {
            webhooks: {
              distribution: { token: 'dist-token' },
              github: { secret: 'gh-secret' },
              dockerhub: { token: 'hub-token' },
            },
          },
        }),
      ),
      sink,
      logger: mockServices.logger.mock(),
      metrics: { recordWebhookEvent: (p, o) => events.push([p, o]) },
    }),
  );
  // Backstage's error middleware maps these error names the same way.
  app.use(
    (error: any, _req: express.Request, res: express.Response, _next: any) => {
      const status =
        { AuthenticationError: 401, NotFoundError: 404, InputError: 400 }[
          error.name as string
        ] ?? 500;
      res
        .status(status)
        .json({ error: { name: error.name, message: error.message } });
    },
  );
  return { app, recorded, events };
}

describe('POST /webhooks/:provider', () => {
  it('records a verified push and answers 202', async () => {
    const { app, recorded, events } = setup();
    const res = await request(app)
      .post('/webhooks/distribution')
      .set('Authorization', 'Bearer dist-token')
      .set('Content-Type', 'application/vnd.docker.distribution.events.v1+json')
      .send(JSON.stringify(pushEnvelope()));
    expect(res.status).toBe(202);
    expect(res.body).toEqual({
      status: 'scheduled',
      scheduled: [KNOWN],
      unknown: [],
    });
    expect(recorded).toEqual([
      { provider: 'distribution', repositories: [KNOWN] },
    ]);
    expect(events).toEqual([['distribution', 'scheduled']]);
  });

  it('answers 202 and does nothing more for a repository no entity uses', async () => {
    const { app, events } = setup();
    const res = await request(app)
      .post('/webhooks/distribution')
      .set('Authorization', 'Bearer dist-token')
      .send(pushEnvelope('acme/unused'));
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({
      status: 'unknown-repository',
      scheduled: [],
      unknown: ['registry.internal:5000/acme/unused'],
    });
    expect(events).toEqual([['distribution', 'unknown-repository']]);
  });

  it.each([
    ['a wrong token', 'Bearer nope'],
    ['no token', undefined],
  ])('answers 401 to %s and records nothing', async (_, header) => {
    const { app, recorded, events } = setup();
    const req = request(app).post('/webhooks/distribution');
    if (header) req.set('Authorization', header);
    const res = await req.send(pushEnvelope());
    expect(res.status).toBe(401);
    expect(recorded).toEqual([]);
    expect(events).toEqual([['distribution', 'unauthorized']]);
  });

  it('answers 200 to pulls so the registry does not queue them forever', async () => {
    const { app, recorded } = setup();
    const pull = pushEnvelope();
    pull.events[0].action = 'pull';
    const res = await request(app)
      .post('/webhooks/distribution')
      .set('Authorization', 'Bearer dist-token')
      .send(pull);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      status: 'ignored',
      reason: 'nothing to act on: pull events',
    });
    expect(recorded).toEqual([]);
  });

  it('verifies GitHub signatures over the raw bytes, whatever their JSON formatting', async () => {
    const { app, recorded } = setup();
    const body = `{ "action":"published",\n  "package": {"name":"api","namespace":"acme","package_type":"container",
      "package_version":{"container_metadata":{"tag":{"name":"2.0.0","digest":""}}},
      "registry":{"url":"https://ghcr.io/acme"}} }`;
    const signature = `sha256=${createHmac('sha256', 'gh-secret')
      .update(body)
      .digest('hex')}`;
    const ok = await request(app)
      .post('/webhooks/github')
      .set('Content-Type', 'application/json')
      .set('X-GitHub-Event', 'package')
      .set('X-Hub-Signature-256', signature)
      .send(body);
    expect(ok.status).toBe(202);
    expect(recorded).toEqual([
      { provider: 'github', repositories: ['ghcr.io/acme/api'] },
    ]);
    const tampered = await request(app)
      .post('/webhooks/github')
      .set('Content-Type', 'application/json')
      .set('X-GitHub-Event', 'package')
      .set('X-Hub-Signature-256', signature)
      .send(body.replace('2.0.0', '9.9.9'));
    expect(tampered.status).toBe(401);
    expect(recorded).toHaveLength(1);
  });

  it('reads the Docker Hub token from the URL', async () => {
    const { app } = setup();
    const payload = {
      push_data: { tag: 'latest' },
      repository: { repo_name: 'acme/api' },
    };
    expect(
      (
        await request(app)
          .post('/webhooks/dockerhub?token=hub-token')
          .send(payload)
      ).status,
    ).toBe(202);
    expect(
      (await request(app).post('/webhooks/dockerhub?token=wrong').send(payload))
        .status,
    ).toBe(401);
  });

  it('refuses bodies over 1 MiB with 413 and records nothing', async () => {
    const { app, recorded, events } = setup();
    const envelope = pushEnvelope();
    const padded = JSON.stringify({
      ...envelope,
      padding: 'x'.repeat(MAX_WEBHOOK_BODY_BYTES),
    });
    const res = await request(app)
      .post('/webhooks/distribution')
      .set('Authorization', 'Bearer dist-token')
      .set('Content-Type', 'application/json')
      .send(padded);
    expect(res.status).toBe(413);
    expect(recorded).toEqual([]);
    expect(events).toEqual([['distribution', 'too-large']]);
  });

  it('accepts a body of just under 1 MiB', async () => {
    const { app } = setup();
    const envelope = JSON.stringify(pushEnvelope());
    const padded = `${envelope.slice(0, -1)},"padding":"${'x'.repeat(
      MAX_WEBHOOK_BODY_BYTES - envelope.length - 20,
    )}"}`;
    expect(padded.length).toBeLessThan(MAX_WEBHOOK_BODY_BYTES);
    const res = await request(app)
      .post('/webhooks/distribution')
      .set('Authorization', 'Bearer dist-token')
      .set('Content-Type', 'application/json')
      .send(padded);
    expect(res.status).toBe(202);
  });

  it('answers 404 for a provider that is not configured, without naming it in metrics', async () => {
    const { app, events } = setup();
    const harbor = await request(app).post('/webhooks/harbor').send({});
    expect(harbor.status).toBe(404);
    expect(harbor.body.error.message).toContain(
      'set imageAutomation.webhooks.harbor',
    );
    const other = await request(app).post('/webhooks/made-up').send({});
    expect(other.status).toBe(404);
    expect(events).toEqual([
      ['harbor', 'not-configured'],
      ['unknown', 'not-configured'],
    ]);
  });

  it('answers 400 to an authenticated body that is not JSON', async () => {
    const { app } = setup();
    const res = await request(app)
      .post('/webhooks/distribution')
      .set('Authorization', 'Bearer dist-token')
      .set('Content-Type', 'text/plain')
      .send('hello');
    expect(res.status).toBe(400);
  });
});
