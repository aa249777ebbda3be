import { useEffect, useState } from 'react';

/**
 * The broker's fatigue pause while it lasts: the view redraws itself when the pause ends, so
 * Approve comes back without waiting for the next change from the broker.
 */
export function useActivePause<P extends { until: number }>(pause: P | undefined): P | undefined {
  const [now, setNow] = useState(Date.now());
  const until = pause?.until ?? 0;
  useEffect(() => {
    if (until <= Date.now()) return;
    const timer = setTimeout(() => setNow(Date.now()), until - Date.now() + 50);
    return () => clearTimeout(timer);
  }, [until, now]);
  return pause && pause.until > now ? pause : undefined;
}
