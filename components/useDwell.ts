import { useEffect, useRef, useState } from 'react';

/**
 * Whether the card has been on screen, in a visible page, for the dwell time. Approve waits
 * for it, so a reflex click, or a click aimed at something else, approves nothing. The dwell
 * runs while the card is complete (evaluated) and on screen, as the broker counts it from the evaluation.
 */
export function useDwell(dwellMs: number, complete: boolean): { ref: React.RefObject<HTMLElement | null>; ready: boolean; since: () => number } {
  const ref = useRef<HTMLElement | null>(null);
  const [ready, setReady] = useState(false);
  const shownAt = useRef<number | null>(null);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    let inView = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const update = () => {
      clearTimeout(timer);
      const visible = complete && inView && document.visibilityState === 'visible';
      if (!visible) {
        shownAt.current = null;
        setReady(false);
        return;
      }
      shownAt.current ??= Date.now();
      timer = setTimeout(() => setReady(true), Math.max(0, shownAt.current + dwellMs - Date.now()));
    };
    const observer = new IntersectionObserver(([entry]) => {
      inView = Boolean(entry?.isIntersecting);
      update();
    }, { threshold: 0.2 });
    observer.observe(element);
    document.addEventListener('visibilitychange', update);
    return () => {
      observer.disconnect();
      document.removeEventListener('visibilitychange', update);
      clearTimeout(timer);
    };
  }, [dwellMs, complete]);
  return { ref, ready, since: () => (shownAt.current === null ? 0 : Date.now() - shownAt.current) };
}
