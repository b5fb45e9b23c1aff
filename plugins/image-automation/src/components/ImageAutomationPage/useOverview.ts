import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import { OverviewResponse } from '@image-automation/plugin-image-automation-common';
import useAsync from 'react-use/esm/useAsync';
import { imageAutomationApiRef } from '../../api';
import { OverviewSearch } from './overviewSearch';

/**
 * One page of the overview, filtered, sorted and paged by the backend;
 * "mine" means the signed-in user's ownership refs (the user and their groups).
 */
export function useOverview(search: OverviewSearch): {
  loading: boolean;
  error?: Error;
  response?: OverviewResponse;
} {
  const api = useApi(imageAutomationApiRef);
  const identityApi = useApi(identityApiRef);
  const { owner, states, registry, text, sort, order, page, pageSize } = search;
  const statesKey = states.join(',');

  const { loading, error, value } = useAsync(async () => {
    const owners =
      owner === 'mine'
        ? (await identityApi.getBackstageIdentity()).ownershipEntityRefs
        : undefined;
    return api.getOverview({
      owners,
      states: statesKey
        ? (statesKey.split(',') as OverviewSearch['states'])
        : undefined,
      registries: registry ? [registry] : undefined,
      text: text || undefined,
      sort,
      order,
      offset: page * pageSize,
      limit: pageSize,
    });
  }, [
    api,
    identityApi,
    owner,
    statesKey,
    registry,
    text,
    sort,
    order,
    page,
    pageSize,
  ]);

  return { loading, error, response: value };
}
