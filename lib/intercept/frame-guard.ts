import type { GuardSignal } from '@/lib/actions/types';
import { contentSignals, holdSignals, toolSignals, type TabGuard } from '@/lib/detect/signals';

/** What this frame knows of its tab's guard, and the signals an action is held with. */
export interface FrameGuard {
  /** Asks the background about the tab, once, at the frame's first input. */
  greet(): void;
  set(guard: TabGuard): void;
  signals(trusted: boolean): GuardSignal[];
  /** A WebMCP tool call holds in any tab, unless the guard is off. */
  toolSignals(): GuardSignal[];
  /** Known to be driven by an agent, as far as this frame can tell. */
  knownGuarded(trusted: boolean): boolean;
}

/**
 * A frame asks about its tab at its first input, not when it loads: the frames nobody touches
 * (most of them, on most pages) never cost the browser a message. Until the answer comes, a
 * consequential action is held as `unconfirmed` and the background decides.
 */
export function createFrameGuard(win: Window, hello: () => Promise<TabGuard>): FrameGuard {
  let guard: TabGuard | null = null;
  let greeted = false;
  const webdriver = () => win.navigator.webdriver === true;
  return {
    greet() {
      if (greeted) return;
      greeted = true;
      hello().then(
        // Anything but a guard (a refusal) leaves actions held as unconfirmed: the background decides.
        (answer) => (guard = typeof answer?.mode === 'string' ? answer : null),
        () => undefined,
      );
    },
    set: (next) => (guard = next),
    signals: (trusted) => holdSignals(guard, webdriver(), trusted),
    toolSignals: () => toolSignals(guard, webdriver()),
    knownGuarded: (trusted) => contentSignals(guard, webdriver(), trusted).some((signal) => signal !== 'unconfirmed'),
  };
}
