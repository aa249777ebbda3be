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

/** Loads something from the broker and reloads it whenever the broker reports a change. */
export function useBroker<T>(load: () => Promise<T>): { data: T | undefined; error: string | null; reload: () => void } {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<string | null>(null);
  const reload = useCallback(() => {
    load().then(
      (value) => {
        setData(value);
        setError(null);
      },
      (cause: unknown) => setError(errorText(cause)),
    );
  }, [load]);

  useEffect(reload, [reload]);
  useBrokerChanges(reload);

  return { data, error, reload };
}
