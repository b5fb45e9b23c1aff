import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { EntityImageAutomation } from '@image-automation/plugin-image-automation-common';
import { useCallback, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { imageAutomationApiRef } from '../../api';
import { errorMessage } from '../errorMessage';

/**
 * The entity's image automation result; `reload` reads it again (a live
 * update says it changed), and `checkNow` asks the backend for a check,
 * telling the outcome through the alert API.
 */
export function useEntityImageAutomation(entityRef: string) {
  const api = useApi(imageAutomationApiRef);
  const alertApi = useApi(alertApiRef);
  const loaded = useAsyncRetry(
    () => api.getEntity(entityRef),
    [api, entityRef],
  );
  const [checked, setChecked] = useState<EntityImageAutomation>();
  const [checking, setChecking] = useState(false);

  const checkNow = useCallback(async () => {
    setChecking(true);
    try {
      const outcome = await api.refreshEntity(entityRef);
      if (outcome.kind === 'checked') {
        setChecked(outcome.result);
        alertApi.post({
          message: `Checked ${entityRef}: ${summary(outcome.result)}`,
          severity: 'success',
          display: 'transient',
        });
      } else {
        alertApi.post({
          message: `Check of ${entityRef} requested: the backend runs it within a few minutes and this card shows the result.`,
          severity: 'info',
          display: 'transient',
        });
      }
    } catch (error) {
      alertApi.post({
        message: `The check of ${entityRef} failed: ${errorMessage(
          error as Error,
        )}`,
        severity: 'error',
      });
    } finally {
      setChecking(false);
    }
  }, [api, alertApi, entityRef]);

  const reload = useCallback(() => {
    setChecked(undefined);
    loaded.retry();
  }, [loaded]);

  return {
    loading: loaded.loading,
    loadError: loaded.error,
    // A check's result is newer than what was loaded before it.
    result: checked ?? loaded.value,
    checking,
    checkNow,
    reload,
  };
}

function summary(result: EntityImageAutomation): string {
  const errors = result.images.filter(i => i.state === 'error').length;
  const behind = result.images.filter(
    i => i.state === 'update-available' || i.state === 'pr-open',
  ).length;
  const parts = [
    `${result.images.length} image${result.images.length === 1 ? '' : 's'}`,
  ];
  if (behind) parts.push(`${behind} behind`);
  if (errors) parts.push(`${errors} in error`);
  if (!behind && !errors && result.images.length) parts.push('all up to date');
  return parts.join(', ');
}
