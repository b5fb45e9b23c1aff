import { createApiRef } from '@backstage/core-plugin-api';
import {
  EntityImageAutomation,
  ImageState,
  OverviewResponse,
} from '@image-automation/plugin-image-automation-common';

/** Filters and paging of the overview (`GET /overview`). @public */
export interface OverviewQuery {
  /** Entity refs of owners, e.g. `group:default/team-a`; none means every owner. */
  owners?: string[];
  state?: ImageState;
  /** Registry host, e.g. `ghcr.io`. */
  registry?: string;
  offset?: number;
  limit?: number;
}

/**
 * The image automation backend as the frontend sees it. Entities are
 * addressed by their compound ref so callers never build URLs.
 * @public
 */
export interface ImageAutomationApi {
  /** Where the entity's images stand; rejects with a 404 `ResponseError` when the backend does not know the entity yet. */
  getEntity(entityRef: string): Promise<EntityImageAutomation>;
  /** Checks the entity's images now and returns the fresh result. */
  refreshEntity(entityRef: string): Promise<EntityImageAutomation>;
  /** One page of the portal-wide overview. */
  getOverview(query?: OverviewQuery): Promise<OverviewResponse>;
}

/** @public */
export const imageAutomationApiRef = createApiRef<ImageAutomationApi>({
  id: 'plugin.image-automation.service',
});
