import { createApiRef } from '@backstage/core-plugin-api';
import {
  EntityImageAutomation,
  HistoryResponse,
  ImageState,
  OverviewResponse,
  OverviewSortField,
  RefreshOutcome,
} from '@image-automation/plugin-image-automation-common';

/** Filters, sorting and paging of the overview (`GET /overview`), all applied by the backend. @public */
export interface OverviewQuery {
  /** Entity refs of owners, e.g. `group:default/team-a`; none means every owner. */
  owners?: string[];
  /** Entities with at least one image in one of these states; none means any. */
  states?: ImageState[];
  /** Registry hosts, e.g. `ghcr.io`. */
  registries?: string[];
  /** Words found in the entity ref, title, owner, system or an image. */
  text?: string;
  sort?: OverviewSortField;
  order?: 'asc' | 'desc';
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
  /** Asks for a check now: the fresh result when the backend answers with one, else only that the check was requested. */
  refreshEntity(entityRef: string): Promise<RefreshOutcome>;
  /** One page of the entity's history, newest first. */
  getHistory(
    entityRef: string,
    page?: { offset?: number; limit?: number },
  ): Promise<HistoryResponse>;
  /** One page of the portal-wide overview. */
  getOverview(query?: OverviewQuery): Promise<OverviewResponse>;
}

/** @public */
export const imageAutomationApiRef = createApiRef<ImageAutomationApi>({
  id: 'plugin.image-automation.service',
});
