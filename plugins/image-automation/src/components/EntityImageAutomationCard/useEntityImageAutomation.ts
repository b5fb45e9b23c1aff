import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { useSignal } from '@backstage/plugin-signals-react';
import {
  EntityImageAutomation,
  imageAutomationStatusChannel,
} from '@image-automation/plugin-image-automation-common';
import { useCallback, useEffect, useRef, useState } from 'react';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { imageAutomationApiRef } from '../../api';
import { errorMessage } from '../errorMessage';

/**
 * The entity's image automation result, read again whenever the backend
 * signals that it changed (no polling; without the signals plugin the card
 * shows what it loaded), and `checkNow`, which asks the backend for a check
 * and tells the outcome through the alert API.
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

  const retry = useRef(loaded.retry);
  retry.current = loaded.retry;
  const reload = useCallback(() => {
    setChecked(undefined);
    retry.current();
  }, []);

  const { lastSignal } = useSignal(imageAutomationStatusChannel(entityRef));
  useEffect(() => {
    if (lastSignal) reload();
  }, [lastSignal, reload]);

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
