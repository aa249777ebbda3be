import type { Clock } from './clock';
import type { Input } from './held';
import { openerOf, wordingOf } from './input-wording';

/** Well within the background's grace for notes (NOTE_GRACE_MS in lib/broker/request-log.ts). */
const NOTE_INTERVAL_MS = 100;

/** The agent's inputs as this frame sees them: the last one, and notes of them for the background. */
export interface Inputs {
  /** Records an input event; `control` is what it activated, if anything. */
  note(event: Event, control: Element | null): void;
  last(): Input | null;
  /** The trust of the input event being dispatched right now, for form.submit() called from its handler. */
  trustedNow(): boolean | null;
}

export interface InputDeps {
  clock: Clock;
  replaying(): boolean;
  knownGuarded(trusted: boolean): boolean;
  send(label: string, benign: boolean, at: number): void;
}

/**
 * The background's unreviewed log needs the last agent input, not every one: at most one note
 * per NOTE_INTERVAL_MS, the latest input of a burst sent at its end with its own time.
 */
export function createInputs({ clock, replaying, knownGuarded, send }: InputDeps): Inputs {
  let lastInput: Input | null = null;
  let trustedNow: boolean | null = null;
  let pending: { input: Input; at: number } | null = null;
  let timer: number | undefined;
  let lastNoteAt = -Infinity;

  function sendNote(): void {
    timer = undefined;
    const note = pending;
    if (!note) return;
    pending = null;
    lastNoteAt = clock.now();
    const { label, kind } = (note.input.wording ??= wordingOf(note.input));
    send(label, kind === 'benign', note.at);
  }

  function noteLater(input: Input): void {
    pending = { input, at: Date.now() };
    if (timer !== undefined) return;
    const wait = lastNoteAt + NOTE_INTERVAL_MS - clock.now();
    if (wait <= 0) sendNote();
    else timer = clock.setTimeout(sendNote, wait);
  }

  return {
    note(event, control) {
      trustedNow = event.isTrusted;
      clock.setTimeout(() => (trustedNow = null), 0);
      if (replaying()) return;
      lastInput = { at: clock.now(), trusted: event.isTrusted, control, opener: openerOf(control, lastInput) };
      if (control && knownGuarded(event.isTrusted)) noteLater(lastInput);
    },
    last: () => lastInput,
    trustedNow: () => trustedNow,
  };
}
