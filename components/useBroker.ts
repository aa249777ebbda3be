import { useCallback, useEffect, useRef, useState } from 'react';
import { browser } from 'wxt/browser';
import type { PanelEvent } from '@/lib/messaging/protocol';
import { errorText } from './errorText';

/** Calls `onChange` whenever the broker reports that the queue or history changed. */
export function useBrokerChanges(onChange: () => void): void {
  const latest = useRef(onChange);
  useEffect(() => {
    latest.current = onChange;
  });
  useEffect(() => {
    const onMessage = (message: unknown) => {
      if ((message as PanelEvent)?.type === 'changed') latest.current();
    };
    browser.runtime.onMessage.addListener(onMessage);
    return () => browser.runtime.onMessage.removeListener(onMessage);
  }, []);
}

/**
 * Loads something from the broker and reloads it whenever the broker reports a change. A burst
 * of changes costs at most one load in flight and one after it, however many arrive.
 */
export function useBroker<T>(load: () => Promise<T>): { data: T | undefined; error: string | null; reload: () => void } {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string | null>(null);
  const loading = useRef<{ again: boolean } | null>(null);
  const reload = useCallback(() => {
    if (loading.current) {
      loading.current.again = true;
      return;
    }
    const state = { again: false };
    loading.current = state;
    load()
      .then(
        (value) => {
          setData(value);
          setError(null);
        },
        (cause: unknown) => setError(errorText(cause)),
      )
      .finally(() => {
        loading.current = null;
        if (state.again) reload();
      });
  }, [load]);

  useEffect(reload, [reload]);
  useBrokerChanges(reload);

  return { data, error, reload };
}
