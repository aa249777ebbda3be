import { CAUSE_WINDOW_MS, isStateChanging } from '@/lib/actions/requests';
import type { RequestCause } from '@/lib/messaging/frames';
import { stackHasEvaluatedCode } from '@/lib/detect/evaluated';
import { bodyReader } from './body-summary';
import { stackReader } from './call-stack';
import { createOffer } from './hook-channel';
import { FORM_SUBMIT_EVENT, REQUEST_EVENT } from './hook-events';
import { hookBeacon, hookFetch, hookXhr, type RequestHooks } from './request-hooks';
import { toolRunIn, wrapToolRegistry } from './tool-hook';

const CONFIRM_TEXT_LIMIT = 500;

/**
 * Runs in the page's own world at document_start, before page scripts, with no extension
 * APIs. form.submit() fires no submit event, so it is rerouted through a cancelable DOM
 * event: when the isolated world takes it (preventDefault), the submission is its to hold
 * or let through. State-changing fetch, XMLHttpRequest and sendBeacon calls made soon after
 * an input event are offered the same way and, when taken, wait for the decision: sent once
 * as they were on approval, failed like a network error on rejection. With no isolated world
 * listening, the page behaves as without us. The page can fire these events itself, which
 * only ever asks for a hold; decisions carry a nonce the page never sees (both events stop
 * at their first listener, ours, registered before any page script).
 */
export function installPageHook(win: Window & typeof globalThis): void {
  const inputs = watchInputs(win);
  const offer = createOffer(win);
  hookFormSubmit(win, inputs.recentConfirm);
  wrapToolRegistry(win, offer);
  const callStack = stackReader(win);
  const hooks: RequestHooks = {
    win,
    bodies: bodyReader(win),
    offerRequest(detail, resume) {
      const confirmed = detail.cause === 'input' ? inputs.recentConfirm() : undefined;
      return offer(REQUEST_EVENT, confirmed === undefined ? detail : { ...detail, confirmed }, (decision) => resume(decision.verdict));
    },
    /**
     * A tool run no person approved (the page called it read-only, a rule allowed it) is judged
     * by what it sends; what a run a person approved sends was covered by that approval.
     */
    causeOf(method: string): RequestCause | null {
      if (!isStateChanging(method)) return null;
      const stack = callStack();
      if (stackHasEvaluatedCode(stack)) return 'script';
      const run = toolRunIn(stack);
      if (run) return run === 'unreviewed' ? 'tool' : null;
      return inputs.sinceInput() < CAUSE_WINDOW_MS ? 'input' : null;
    },
    absolute(url) {
      try {
        return new URL(String(url), win.location.href).href;
      } catch {
        return String(url);
      }
    },
  };
  hookFetch(hooks);
  hookXhr(hooks);
  hookBeacon(hooks);
}

/** When the last input came, and the text of a native `confirm()` answered OK just before. */
function watchInputs(win: Window & typeof globalThis) {
  const apply = Reflect.apply;
  const now = () => win.performance.now();
  let lastInput = -Infinity;
  /** A `confirm()` answered OK is an input of its own, whose text the next action is about. */
  let confirmed: { text: string; at: number } | null = null;
  for (const type of ['pointerdown', 'click', 'keydown', 'submit']) {
    win.addEventListener(type, () => (lastInput = now()), true);
  }
  const nativeConfirm = win.confirm;
  if (typeof nativeConfirm === 'function') {
    win.confirm = function confirm(message?: string) {
      const accepted = apply(nativeConfirm, win, [message]) as boolean;
      if (accepted) confirmed = { text: String(message ?? '').slice(0, CONFIRM_TEXT_LIMIT), at: (lastInput = now()) };
      return accepted;
    };
  }
  return {
    sinceInput: () => now() - lastInput,
    recentConfirm: () => (confirmed && now() - confirmed.at < CAUSE_WINDOW_MS ? confirmed.text : undefined),
  };
}

/** form.submit() asks the isolated world first, through a cancelable event at the form. */
function hookFormSubmit(win: Window & typeof globalThis, recentConfirm: () => string | undefined): void {
  const apply = Reflect.apply;
  const dispatch = win.EventTarget.prototype.dispatchEvent;
  const CustomEventCtor = win.CustomEvent;
  const formProto = win.HTMLFormElement.prototype;
  const nativeSubmit = formProto.submit;
  Object.defineProperty(formProto, 'submit', {
    configurable: true,
    enumerable: true,
    writable: true,
    value: function submit(this: HTMLFormElement) {
      const event = new CustomEventCtor(FORM_SUBMIT_EVENT, { bubbles: true, cancelable: true, composed: true, detail: recentConfirm() });
      if (apply(dispatch, this, [event])) apply(nativeSubmit, this, []);
    },
  });
}
