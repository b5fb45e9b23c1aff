import { OverviewEntry } from '@image-automation/plugin-image-automation-common';
import { ImageAutomationApi, OverviewQuery } from '../../api';

const PAGE_SIZE = 200;
/** A bound on the page loop, should the backend keep answering full pages. */
const MAX_PAGES = 50;

/**
 * Every entry matching the filters, page by page: the summary chart and the
 * table's sorting need the whole list, not one page of it.
 */
export async function fetchWholeOverview(
  api: Pick<ImageAutomationApi, 'getOverview'>,
  query: Omit<OverviewQuery, 'offset' | 'limit'>,
): Promise<OverviewEntry[]> {
  const items: OverviewEntry[] = [];
  for (let page = 0; page < MAX_PAGES; page++) {
    const response = await api.getOverview({
      ...query,
      offset: items.length,
      limit: PAGE_SIZE,
    });
    items.push(...response.items);
    if (response.items.length === 0 || items.length >= response.totalItems) {
      break;
    }
  }
  return items;
}
