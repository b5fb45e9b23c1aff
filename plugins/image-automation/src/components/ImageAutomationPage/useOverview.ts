import { identityApiRef, useApi } from '@backstage/core-plugin-api';
import { OverviewEntry } from '@image-automation/plugin-image-automation-common';
import useAsync from 'react-use/esm/useAsync';
import { imageAutomationApiRef } from '../../api';
import { fetchWholeOverview } from './fetchWholeOverview';
import { OverviewFilterValues } from './OverviewFilters';

/** The entities the filters select; "mine" means the signed-in user's ownership refs (the user and their groups). */
export function useOverview(filters: OverviewFilterValues): {
  loading: boolean;
  error?: Error;
  entries: OverviewEntry[];
} {
  const api = useApi(imageAutomationApiRef);
  const identityApi = useApi(identityApiRef);
  const { owner, state, registry } = filters;

  const { loading, error, value } = useAsync(async () => {
    const owners =
      owner === 'mine'
        ? (await identityApi.getBackstageIdentity()).ownershipEntityRefs
        : undefined;
    return fetchWholeOverview(api, {
      owners,
      states: state ? [state] : undefined,
      registries: registry ? [registry] : undefined,
    });
  }, [api, identityApi, owner, state, registry]);

  return { loading, error, entries: value ?? [] };
}
