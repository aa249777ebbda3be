import { CAUSE_WINDOW_MS } from '@/lib/actions/requests';
import type { Clock } from './clock';

/** Replaying a decided action: what it does while it runs (and just after) is covered by the decision. */
export interface Replays {
  run(replay: (reviewed: boolean) => void, reviewed?: boolean): void;
  /** A replay is running now: its events are not new actions. */
  active(): boolean;
  /** A replay is running or just ran: the requests it causes were covered by its decision. */
  covers(): boolean;
}

export function createReplays(clock: Clock): Replays {
  let running = 0;
  let lastAt = -Infinity;
  return {
    run(replay, reviewed = false) {
      running++;
      lastAt = clock.now();
      try {
        replay(reviewed);
      } finally {
        running--;
      }
    },
    active: () => running > 0,
    covers: () => running > 0 || clock.now() - lastAt < CAUSE_WINDOW_MS,
  };
}
