import { mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import type { OverviewEntry } from '@image-automation/plugin-image-automation-common';
import { createServer, IncomingMessage, Server } from 'node:http';
import { AddressInfo } from 'node:net';
import { imageAutomationFactRetriever } from './imageAutomationFactRetriever';

const entries: OverviewEntry[] = Array.from({ length: 3 }, (_, i) => ({
  entityRef: `component:default/svc-${i}`,
  mode: 'pull-request',
  images: [],
  registries: [],
  counts: {
    'up-to-date': 0,
    'update-available': i,
    'pr-open': 0,
    error: 0,
    pending: 0,
  },
  imagesBehind: i,
  openPullRequests: [],
  errors: 0,
}));

describe('imageAutomationFactRetriever', () => {
  let server: Server;
  const requests: IncomingMessage[] = [];
  let baseUrl: string;
  beforeAll(async () => {
    // The image automation overview, paged two entries at a time.
    server = createServer((req, res) => {
      requests.push(req);
      const url = new URL(req.url!, 'http://x');
      const offset = Number(url.searchParams.get('offset'));
      res.setHeader('content-type', 'application/json');
      res.end(
        JSON.stringify({
          items: entries.slice(offset, offset + 2),
          totalItems: entries.length,
          offset,
          limit: 2,
        }),
      );
    });
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    baseUrl = `http://127.0.0.1:${
      (server.address() as AddressInfo).port
    }/api/image-automation`;
  });
  afterAll(() => server.close());

  it('reads every page of the overview with its own service token and gives facts per entity', async () => {
    const auth = mockServices.auth();
    const facts = await imageAutomationFactRetriever.handler({
      config: new ConfigReader({}),
      discovery: mockServices.discovery.mock({
        getBaseUrl: async () => baseUrl,
      }),
      logger: mockServices.logger.mock(),
      auth,
      urlReader: {} as any,
      entityFilter: [],
    } as any);
    expect(facts).toEqual(
      entries.map((_, i) => ({
        entity: { kind: 'component', namespace: 'default', name: `svc-${i}` },
        facts: {
          imagesBehind: i,
          oldestPendingUpdateDays: 0,
          errors: 0,
          mode: 'pull-request',
        },
      })),
    );
    expect(requests.map(r => r.url)).toEqual([
      '/api/image-automation/overview?limit=500&offset=0',
      '/api/image-automation/overview?limit=500&offset=2',
    ]);
    expect(requests[0].headers.authorization).toMatch(/^Bearer /);
  });

  it('declares a schema for each fact it returns', () => {
    expect(Object.keys(imageAutomationFactRetriever.schema).sort()).toEqual([
      'errors',
      'imagesBehind',
      'mode',
      'oldestPendingUpdateDays',
    ]);
  });
});
