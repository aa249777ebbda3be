import type { GuardSignal } from '@/lib/actions/types';

export const GUARD_MODES = ['automation', 'always', 'off'] as const;
export type GuardMode = (typeof GUARD_MODES)[number];

/** What the background knows about one tab, pushed to every frame of it. */
export interface TabGuard {
  mode: GuardMode;
  armed: boolean;
  debugger: boolean;
}

/**
 * The signals a frame sees when an action happens. Until the background has answered
 * (guard is null) the action is held as `unconfirmed`: the background then decides.
 */
export function contentSignals(guard: TabGuard | null, webdriver: boolean, trusted: boolean): GuardSignal[] {
  if (guard?.mode === 'off') return [];
  const signals: GuardSignal[] = [];
  if (guard?.mode === 'always') signals.push('always');
  if (webdriver) signals.push('webdriver');
  if (!trusted) signals.push('untrusted-event');
  if (guard?.debugger) signals.push('debugger');
  if (guard?.armed) signals.push('armed');
  if (!guard) signals.push('unconfirmed');
  return signals;
}

/** The background's verdict on a held action's signals, using its own view of the tab. */
export function confirmedSignals(reported: readonly GuardSignal[], guard: TabGuard): GuardSignal[] {
  if (guard.mode === 'off') return [];
  const signals = contentSignals(guard, reported.includes('webdriver'), !reported.includes('untrusted-event'));
  return reported.includes('tool-call') ? ['tool-call', ...signals] : signals;
}

/**
 * A WebMCP tool call is an agent's act in any tab, guarded or not, so it holds by itself;
 * only the guard switched off lets it run unasked.
 */
export function toolSignals(guard: TabGuard | null, webdriver: boolean): GuardSignal[] {
  if (guard?.mode === 'off') return [];
  return ['tool-call', ...contentSignals(guard, webdriver, true).filter((signal) => signal !== 'unconfirmed')];
}

/**
 * The signals a consequential action is held with. In a tab not (yet) known to be guarded it
 * is still held, as `unconfirmed`: a client may have attached since the frame last heard, so
 * the background checks afresh and releases it at once when nothing guards the tab.
 */
export function holdSignals(guard: TabGuard | null, webdriver: boolean, trusted: boolean): GuardSignal[] {
  if (guard?.mode === 'off') return [];
  const signals = contentSignals(guard, webdriver, trusted);
  return signals.length ? signals : ['unconfirmed'];
}
