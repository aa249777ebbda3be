import type { RequestDecision } from '@/lib/messaging/frames';
import { REQUEST_DECISION_EVENT } from './hook-events';
import { nonceOf, readDecision } from './read-messages';

/** Offers an event's detail to the isolated world; calls `resume` with the decision if it holds it. */
export type Offer = (type: string, detail: object, resume: (decision: RequestDecision) => void) => boolean;

/**
 * The MAIN world's side of a hold: a cancelable event carrying a nonce the page never sees (our
 * listeners come first and stop it), and the decision that comes back under that nonce. A
 * decision that cannot be read rejects what waits on it.
 */
export function createOffer(win: Window & typeof globalThis): Offer {
  const apply = Reflect.apply;
  const dispatch = win.EventTarget.prototype.dispatchEvent;
  const CustomEventCtor = win.CustomEvent;
  const random = win.crypto.getRandomValues.bind(win.crypto);
  const stringify = win.JSON.stringify;
  const parse = win.JSON.parse;
  const waiting = new Map<string, (decision: RequestDecision) => void>();
  const newNonce = () => Array.from(random(new Uint32Array(4)), (part) => part.toString(36)).join('-');

  win.addEventListener(
    REQUEST_DECISION_EVENT,
    (event) => {
      event.stopImmediatePropagation();
      let raw: unknown;
      try {
        raw = parse(String((event as CustomEvent).detail));
      } catch {
        return; // not ours
      }
      const nonce = nonceOf(raw);
      const resume = nonce === null ? undefined : waiting.get(nonce);
      if (!nonce || !resume) return;
      waiting.delete(nonce);
      resume(readDecision(raw) ?? { nonce, verdict: 'reject' });
    },
    true,
  );

  return (type, detail, resume) => {
    const nonce = newNonce();
    const event = new CustomEventCtor(type, { cancelable: true, detail: stringify({ ...detail, nonce }) });
    if (apply(dispatch, win, [event])) return false;
    waiting.set(nonce, resume);
    return true;
  };
}
