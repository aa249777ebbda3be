import type { Trigger } from '@/lib/actions/types';
import type { Clock } from './clock';
import { describeError } from './unreadable';
import type { FrameGuard } from './frame-guard';
import type { Holds } from './holds';
import type { Inputs } from './inputs';
import type { Replays } from './replays';

/** What the listeners share: they turn events into held actions through it. */
export interface Capture {
  win: Window & typeof globalThis;
  clock: Clock;
  guard: FrameGuard;
  inputs: Inputs;
  replays: Replays;
  holds: Holds;
}

export function stop(event: Event): void {
  event.preventDefault();
  event.stopImmediatePropagation();
}

/** Reading the action threw: hold it as unclassified with what is known, never let it through. */
export function failClosed({ win, guard, holds }: Capture, event: Event, trigger: Trigger, error: unknown, replay: () => void, trusted = event.isTrusted): void {
  const signals = guard.signals(trusted);
  if (!signals.length) return;
  stop(event);
  const near = event.composedPath()[0];
  holds.hold({
    kind: 'unclassified',
    label: 'Could not read this action',
    trigger,
    signals,
    form: null,
    submitter: null,
    near: near instanceof win.Element ? near : win.document.documentElement,
    failure: describeError(error),
    replay,
  });
}
