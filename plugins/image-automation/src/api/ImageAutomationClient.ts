import { parseEntityRef } from '@backstage/catalog-model';
import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  EntityImageAutomation,
  OverviewResponse,
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
    return this.request(entityPath(entityRef));
  }

  async refreshEntity(entityRef: string): Promise<EntityImageAutomation> {
    return this.request(`${entityPath(entityRef)}/refresh`, { method: 'POST' });
  }

  async getOverview(query: OverviewQuery = {}): Promise<OverviewResponse> {
    const params = new URLSearchParams();
    for (const owner of query.owners ?? []) {
      params.append('owner', owner);
    }
    if (query.state) params.set('state', query.state);
    if (query.registry) params.set('registry', query.registry);
    if (query.offset !== undefined) params.set('offset', String(query.offset));
    if (query.limit !== undefined) params.set('limit', String(query.limit));
    const search = params.toString();
    return this.request(`/overview${search ? `?${search}` : ''}`);
  }

  private async request<T>(path: string, init?: RequestInit): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl(PLUGIN_ID);
    const response = await this.fetchApi.fetch(`${baseUrl}${path}`, init);
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    return (await response.json()) as T;
  }
}

/** `/entities/:kind/:namespace/:name`, each part escaped: names may hold characters that are special in URLs. */
function entityPath(entityRef: string): string {
  const { kind, namespace, name } = parseEntityRef(entityRef);
  return `/entities/${[kind, namespace, name]
    .map(encodeURIComponent)
    .join('/')}`;
}
