import { mockApis } from '@backstage/test-utils';
import { ResponseError } from '@backstage/errors';
import { ImageAutomationClient } from './ImageAutomationClient';

const BASE_URL = 'http://backstage.test/api/image-automation';

function clientAnswering(status: number, body: unknown) {
  const fetch = jest.fn(
    async (_url: string, _init?: RequestInit) =>
      new Response(body === undefined ? null : JSON.stringify(body), {
        status,
        headers: { 'content-type': 'application/json' },
      }),
  );
  const client = new ImageAutomationClient({
    discoveryApi: mockApis.discovery.mock({
      getBaseUrl: async () => BASE_URL,
    }),
    fetchApi: { fetch: fetch as unknown as typeof globalThis.fetch },
  });
  return { client, fetch };
}

describe('ImageAutomationClient', () => {
  const result = {
    entityRef: 'component:default/web',
    mode: 'pull-request',
    images: [],
    configProblems: [],
  };

  it('reads an entity by its kind, namespace and escaped name', async () => {
    const { client, fetch } = clientAnswering(200, result);
    await expect(
      client.getEntity('component:default/web app'),
    ).resolves.toEqual(result);
    expect(fetch).toHaveBeenCalledWith(
      `${BASE_URL}/entities/component/default/web%20app`,
      undefined,
    );
  });

  it('asks for a refresh with a POST, and returns the fresh result the backend sent', async () => {
    const { client, fetch } = clientAnswering(200, result);
    await expect(
      client.refreshEntity('component:default/web'),
    ).resolves.toEqual({
      kind: 'checked',
      result,
    });
    expect(fetch).toHaveBeenCalledWith(
      `${BASE_URL}/entities/component/default/web/refresh`,
      { method: 'POST' },
    );
  });

  it.each([
    [202, { requestedAt: '2026-12-01T20:00:00Z' }],
    [204, undefined],
  ])(
    'reads a %i answer to the refresh as "requested": the scheduled task checks',
    async (status, body) => {
      const { client } = clientAnswering(status, body);
      await expect(
        client.refreshEntity('component:default/web'),
      ).resolves.toEqual({
        kind: 'requested',
      });
    },
  );

  it('reads a page of history', async () => {
    const page = { items: [], totalItems: 0, offset: 20, limit: 10 };
    const { client, fetch } = clientAnswering(200, page);
    await expect(
      client.getHistory('component:default/web', { offset: 20, limit: 10 }),
    ).resolves.toEqual(page);
    expect(fetch).toHaveBeenCalledWith(
      `${BASE_URL}/entities/component/default/web/history?offset=20&limit=10`,
      undefined,
    );
  });

  it.each([
    [{}, `${BASE_URL}/overview`],
    [
      {
        owners: ['group:default/a', 'user:default/b'],
        states: ['error' as const, 'pr-open' as const],
        registries: ['ghcr.io'],
        text: 'pay api',
        sort: 'behind' as const,
        order: 'desc' as const,
        offset: 0,
        limit: 50,
      },
      `${BASE_URL}/overview?owner=group%3Adefault%2Fa&owner=user%3Adefault%2Fb&state=error&state=pr-open&registry=ghcr.io&q=pay+api&sort=behind&order=desc&offset=0&limit=50`,
    ],
  ])('puts the overview query %j into the URL', async (query, url) => {
    const { client, fetch } = clientAnswering(200, {
      items: [],
      totalItems: 0,
      offset: 0,
      limit: 50,
    });
    await client.getOverview(query);
    expect(fetch).toHaveBeenCalledWith(url, undefined);
  });

  it("turns the backend's error JSON into a ResponseError", async () => {
    const { client } = clientAnswering(404, {
      error: {
        name: 'NotFoundError',
        message: 'No image automation for component:default/web',
      },
      response: { statusCode: 404 },
    });
    const error = await client.getEntity('component:default/web').catch(e => e);
    expect(ResponseError.is(error)).toBe(true);
    expect(error.statusCode).toBe(404);
    expect(error.cause.name).toBe('NotFoundError');
    expect(error.cause.message).toBe(
      'No image automation for component:default/web',
    );
  });
});
