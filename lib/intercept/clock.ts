/** Time as the interceptor reads it: the page's own timers in a frame, fake ones in a unit test. */
export interface Clock {
  /** Monotonic milliseconds, for intervals; wall times sent to the background use Date.now(). */
  now(): number;
  setTimeout(run: () => void, ms: number): number;
  clearTimeout(id: number | undefined): void;
  setInterval(run: () => void, ms: number): number;
  clearInterval(id: number | undefined): void;
}

export function windowClock(win: Window): Clock {
  return {
    now: () => win.performance.now(),
    setTimeout: (run, ms) => win.setTimeout(run, ms),
    clearTimeout: (id) => win.clearTimeout(id),
    setInterval: (run, ms) => win.setInterval(run, ms),
    clearInterval: (id) => win.clearInterval(id),
  };
}
