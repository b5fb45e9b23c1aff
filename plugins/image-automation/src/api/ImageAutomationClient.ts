import { parseEntityRef } from '@backstage/catalog-model';
import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  EntityImageAutomation,
  HistoryResponse,
  OverviewResponse,
  RefreshOutcome,
} from '@image-automation/plugin-image-automation-common';
import { ImageAutomationApi, OverviewQuery } from './ImageAutomationApi';

/** The backend plugin's id, as `discoveryApi` knows it. */
const PLUGIN_ID = 'image-automation';

/** Talks to the image automation backend over HTTP. @public */
export class ImageAutomationClient implements ImageAutomationApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
  }

  async getEntity(entityRef: string): Promise<EntityImageAutomation> {
    return (await this.request(entityPath(entityRef))).json();
  }

  async refreshEntity(entityRef: string): Promise<RefreshOutcome> {
    const response = await this.request(`${entityPath(entityRef)}/refresh`, {
      method: 'POST',
    });
    // A backend that only records the request answers 202 (or 204) and the
    // scheduled task checks; one that checked at once sends the result.
    if (response.status === 202 || response.status === 204) {
      return { kind: 'requested' };
    }
    const body = await response.json().catch(() => undefined);
    return isEntityResult(body)
      ? { kind: 'checked', result: body }
      : { kind: 'requested' };
  }

  async getHistory(
    entityRef: string,
    page: { offset?: number; limit?: number } = {},
  ): Promise<HistoryResponse> {
    const params = new URLSearchParams();
    if (page.offset !== undefined) params.set('offset', String(page.offset));
    if (page.limit !== undefined) params.set('limit', String(page.limit));
    const search = params.toString();
    return (
      await this.request(
        `${entityPath(entityRef)}/history${search ? `?${search}` : ''}`,
      )
    ).json();
  }

  async getOverview(query: OverviewQuery = {}): Promise<OverviewResponse> {
    const search = overviewSearchParams(query).toString();
    return (
      await this.request(`/overview${search ? `?${search}` : ''}`)
    ).json();
  }

  private async request(path: string, init?: RequestInit): Promise<Response> {
    const baseUrl = await this.discoveryApi.getBaseUrl(PLUGIN_ID);
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, init);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return response;
  }
}

/** The query string of `GET /overview`; the overview page keeps the same one in its own URL. */
export function overviewSearchParams(query: OverviewQuery): URLSearchParams {
  const params = new URLSearchParams();
  for (const owner of query.owners ?? []) params.append('owner', owner);
  for (const state of query.states ?? []) params.append('state', state);
  for (const registry of query.registries ?? [])
    params.append('registry', registry);
  if (query.text) params.set('q', query.text);
  if (query.sort) params.set('sort', query.sort);
  if (query.order) params.set('order', query.order);
  if (query.offset !== undefined) params.set('offset', String(query.offset));
  if (query.limit !== undefined) params.set('limit', String(query.limit));
  return params;
}

function isEntityResult(body: unknown): body is EntityImageAutomation {
  return (
    typeof body === 'object' &&
    body !== null &&
    typeof (body as EntityImageAutomation).entityRef === 'string' &&
    Array.isArray((body as EntityImageAutomation).images)
  );
}

/** `/entities/:kind/:namespace/:name`, each part escaped: names may hold characters that are special in URLs. */
function entityPath(entityRef: string): string {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  return `/entities/${[kind, namespace, name]
    .map(encodeURIComponent)
    .join('/')}`;
}
