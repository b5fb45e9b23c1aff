import { mockApis } from '@backstage/test-utils';
import { ResponseError } from '@backstage/errors';
import { ImageAutomationClient } from './ImageAutomationClient';

const BASE_URL = 'http://backstage.test/api/image-automation';

function clientAnswering(status: number, body: unknown) {
  const fetch = jest.fn(
    async (_url: string, _init?: RequestInit) =>
      new Response(JSON.stringify(body), {
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
    await expect(client.getEntity('component:default/web app')).resolves.toEqual(
      result,
    );
    expect(fetch).toHaveBeenCalledWith(
      `${BASE_URL}/entities/component/default/web%20app`,
      undefined,
    );
  });

  it('asks for a refresh with a POST', async () => {
    const { client, fetch } = clientAnswering(200, result);
    await client.refreshEntity('component:default/web');
    expect(fetch).toHaveBeenCalledWith(
      `${BASE_URL}/entities/component/default/web/refresh`,
      { method: 'POST' },
    );
  });

  it.each([
    [{}, `${BASE_URL}/overview`],
    [
      {
        owners: ['group:default/a', 'user:default/b'],
        state: 'error' as const,
        registry: 'ghcr.io',
        offset: 0,
        limit: 50,
      },
      `${BASE_URL}/overview?owner=group%3Adefault%2Fa&owner=user%3Adefault%2Fb&state=error&registry=ghcr.io&offset=0&limit=50`,
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
      error: { name: 'NotFoundError', message: 'No image automation for component:default/web' },
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
