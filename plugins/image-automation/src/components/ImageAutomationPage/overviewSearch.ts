import {
  IMAGE_STATES,
  ImageState,
  OVERVIEW_SORT_FIELDS,
  OverviewSortField,
} from '@image-automation/plugin-image-automation-common';

/** `mine`: the signed-in user and their groups; `all`: every owner. */
export type OwnerChoice = 'mine' | 'all';

/** What the overview shows, as kept in the page's URL so a view can be shared. */
export interface OverviewSearch {
  owner: OwnerChoice;
  states: ImageState[];
  registry?: string;
  text: string;
  sort: OverviewSortField;
  order: 'asc' | 'desc';
  /** Zero-based. */
  page: number;
  pageSize: number;
}

export const PAGE_SIZES = [20, 50, 100];

export const DEFAULT_SEARCH: OverviewSearch = {
  owner: 'mine',
  states: [],
  text: '',
  sort: 'entity',
  order: 'asc',
  page: 0,
  pageSize: PAGE_SIZES[0],
};

/** Reads the URL's query; anything unknown or malformed falls back to the default. */
export function parseOverviewSearch(params: URLSearchParams): OverviewSearch {
  const sort = params.get('sort') as OverviewSortField;
  const pageSize = Number(params.get('pageSize'));
  const page = Number(params.get('page'));
  return {
    owner: params.get('owner') === 'all' ? 'all' : 'mine',
    states: params
      .getAll('state')
      .filter((s): s is ImageState => IMAGE_STATES.includes(s as ImageState)),
    registry: params.get('registry') || undefined,
    text: params.get('q') ?? '',
    sort: OVERVIEW_SORT_FIELDS.includes(sort) ? sort : DEFAULT_SEARCH.sort,
    order: params.get('order') === 'desc' ? 'desc' : 'asc',
    page: Number.isInteger(page) && page > 1 ? page - 1 : 0,
    pageSize: PAGE_SIZES.includes(pageSize)
      ? pageSize
      : DEFAULT_SEARCH.pageSize,
  };
}

/** The URL query of a view; defaults are left out so shared links stay short. Pages are one-based there. */
export function formatOverviewSearch(search: OverviewSearch): URLSearchParams {
  const params = new URLSearchParams();
  if (search.owner !== DEFAULT_SEARCH.owner) params.set('owner', search.owner);
  for (const state of search.states) params.append('state', state);
  if (search.registry) params.set('registry', search.registry);
  if (search.text) params.set('q', search.text);
  if (search.sort !== DEFAULT_SEARCH.sort) params.set('sort', search.sort);
  if (search.order !== DEFAULT_SEARCH.order) params.set('order', search.order);
  if (search.page > 0) params.set('page', String(search.page + 1));
  if (search.pageSize !== DEFAULT_SEARCH.pageSize)
    params.set('pageSize', String(search.pageSize));
  return params;
}
