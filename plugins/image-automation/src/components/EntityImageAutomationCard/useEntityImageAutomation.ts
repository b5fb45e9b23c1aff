import { useApi } from '@backstage/core-plugin-api';
import useAsync from 'react-use/esm/useAsync';
import useAsyncFn from 'react-use/esm/useAsyncFn';
import { imageAutomationApiRef } from '../../api';

/**
 * The entity's image automation result, and `checkNow`, which asks the
 * backend for a fresh check; once that answers, its result replaces the one
 * loaded first.
 */
export function useEntityImageAutomation(entityRef: string) {
  const api = useApi(imageAutomationApiRef);
  const loaded = useAsync(() => api.getEntity(entityRef), [api, entityRef]);
  const [checked, checkNow] = useAsyncFn(
    () => api.refreshEntity(entityRef),
    [api, entityRef],
  );
  return {
    loading: loaded.loading,
    loadError: loaded.error,
    result: checked.value ?? loaded.value,
    checking: checked.loading,
    checkError: checked.error,
    checkNow,
  };
}
