import {
  amountOf,
  classifyClick,
  classifyForm,
  collectFields,
  composerSend,
  findControl,
  isSubmitButton,
  messageOf,
  recipientsOf,
  VALUE_LIMIT,
  type Classified,
} from '@/lib/actions/dom';
import type { FieldSnapshot, GuardSignal, ProposedAction, Trigger } from '@/lib/actions/types';
import { contentSignals, type TabGuard } from '@/lib/detect/signals';
import type { HoldReply, TabMessage } from '@/lib/messaging/protocol';
import { FORM_SUBMIT_EVENT } from './page-hook';
import { createStatus } from './status';

export interface Transport {
  hello(): Promise<TabGuard>;
  hold(action: ProposedAction): Promise<HoldReply>;
}

interface Held {
  replay: () => void;
}

interface HoldSpec extends Classified {
  trigger: Trigger;
  signals: GuardSignal[];
  form: HTMLFormElement | null;
  near: Element;
  replay: () => void;
}

export interface Interceptor {
  /** Handles a message from the background; returns the reply for decisions. */
  receive(message: TabMessage): { delivered: boolean } | undefined;
  heldCount(): number;
}

/**
 * Capture-phase listeners on the window, registered before any page script, see every
 * click, submit and Enter first. A consequential action in a guarded tab is stopped there
 * and kept here until the background delivers a person's decision. Nothing else releases it.
 */
export function installInterceptor(win: Window & typeof globalThis, transport: Transport): Interceptor {
  const doc = win.document;
  const held = new Map<string, Held>();
  const status = createStatus(doc);
  const watchedRoots = new WeakSet<ShadowRoot>();
  let guard: TabGuard | null = null;
  let replaying = 0;
  // Trust of the input event being dispatched right now, for form.submit() called from its handler.
  let inputTrusted: boolean | null = null;

  transport.hello().then(
    (answer) => (guard = answer),
    () => undefined, // unanswered: actions are held as unconfirmed and the background decides
  );

  const signalsFor = (event: Event) => contentSignals(guard, win.navigator.webdriver === true, event.isTrusted);

  function stop(event: Event): void {
    event.preventDefault();
    event.stopImmediatePropagation();
  }

  function noteInput(event: Event): void {
    inputTrusted = event.isTrusted;
    win.setTimeout(() => (inputTrusted = null), 0);
  }

  function onClick(event: MouseEvent): void {
    watchShadowRoots(event);
    noteInput(event);
    if (replaying) return;
    const control = findControl(event.composedPath());
    if (!control || (control as HTMLButtonElement).disabled) return;
    const form = isSubmitButton(control) ? control.form : null;
    const classified = form ? classifyForm(form, control) : classifyClick(control);
    if (!classified) return;
    const signals = signalsFor(event);
    if (!signals.length) return;
    stop(event);
    hold({ ...classified, trigger: 'click', signals, form, near: control, replay: () => activate(control) });
  }

  function onSubmit(event: Event): void {
    if (replaying) return;
    const form = event.composedPath()[0];
    if (!(form instanceof win.HTMLFormElement)) return;
    const submitter = (event as SubmitEvent).submitter;
    const classified = classifyForm(form, submitter);
    if (!classified) return;
    const signals = signalsFor(event);
    if (!signals.length) return;
    stop(event);
    const replay = () => (submitter ? form.requestSubmit(submitter) : form.requestSubmit());
    hold({ ...classified, trigger: 'submit', signals, form, near: submitter ?? form, replay });
  }

  // form.submit() fires no submit event; the MAIN-world hook reports it here instead.
  // With no input event behind it (an auto-posting sign-in form), it counts as trusted:
  // only the tab's own signals (webdriver, debugger, armed) can hold it.
  function onHookedSubmit(event: Event): void {
    const form = event.composedPath()[0];
    if (!(form instanceof win.HTMLFormElement)) return;
    event.preventDefault(); // tells the hook this world owns the submission
    const submitNatively = () => win.HTMLFormElement.prototype.submit.call(form);
    if (replaying) return submitNatively();
    const classified = classifyForm(form, null);
    const trusted = inputTrusted ?? true;
    const signals = classified ? contentSignals(guard, win.navigator.webdriver === true, trusted) : [];
    if (!classified || !signals.length) return runReplay(submitNatively);
    hold({ ...classified, trigger: 'form-submit', signals, form, near: form, replay: submitNatively });
  }

  function onKeydown(event: KeyboardEvent): void {
    noteInput(event);
    if (replaying) return;
    const target = event.composedPath()[0];
    if (!(target instanceof win.Element)) return;
    const classified = composerSend(target, event);
    if (!classified) return;
    const signals = signalsFor(event);
    if (!signals.length) return;
    stop(event);
    const init: KeyboardEventInit = {
      key: event.key,
      code: event.code,
      ctrlKey: event.ctrlKey,
      metaKey: event.metaKey,
      bubbles: true,
      cancelable: true,
      composed: true,
    };
    const replay = () => target.dispatchEvent(new win.KeyboardEvent('keydown', init));
    hold({ ...classified, trigger: 'enter', signals, form: target.closest('form'), near: target, replay });
  }

  function activate(control: Element): void {
    if (control instanceof win.HTMLElement) control.click();
    else control.dispatchEvent(new win.MouseEvent('click', { bubbles: true, cancelable: true, composed: true }));
  }

  // Submit events do not cross shadow boundaries: listen inside each open root the user touches.
  function watchShadowRoots(event: Event): void {
    for (const node of event.composedPath()) {
      if (node instanceof win.ShadowRoot && !watchedRoots.has(node)) {
        watchedRoots.add(node);
        node.addEventListener('submit', onSubmit, true);
      }
    }
  }

  function hold(spec: HoldSpec): void {
    const id = win.crypto.randomUUID();
    held.set(id, { replay: spec.replay });
    status.show('Held for review by a person');
    transport.hold(describe(id, spec)).then(
      (reply) => {
        if (reply?.status === 'release') release(id, null);
      },
      () => status.show('Held: Countersign could not reach its reviewer; nothing was sent'),
    );
  }

  function describe(id: string, spec: HoldSpec): ProposedAction {
    const action: ProposedAction = {
      id,
      kind: spec.kind,
      trigger: spec.trigger,
      label: spec.label,
      frameUrl: win.location.href.slice(0, 8192),
      frameTitle: doc.title.slice(0, 4096),
      fields: [],
      signals: spec.signals,
      heldAt: Date.now(),
    };
    let fields: FieldSnapshot[] = [];
    if (spec.form) {
      const collected = collectFields(spec.form);
      fields = collected.fields;
      action.fields = fields;
      if (collected.truncated) action.fieldsTruncated = true;
      action.form = {
        action: spec.form.action.slice(0, 8192),
        method: (spec.form.getAttribute('method') || 'get').toLowerCase().slice(0, 20),
      };
    }
    const amount = amountOf(spec.label, spec.form ?? spec.near.parentElement);
    if (amount) action.amount = amount;
    if (spec.kind === 'send') {
      const recipients = recipientsOf(fields);
      if (recipients.length) action.recipients = recipients;
      const message = messageOf(fields) ?? composerText(spec.near);
      if (message) action.message = message.slice(0, VALUE_LIMIT);
    }
    return action;
  }

  function composerText(near: Element): string | undefined {
    let container: Element | null = near;
    for (let depth = 0; container && depth < 5; depth++, container = container.parentElement) {
      const composer = container.querySelector('textarea, [contenteditable=""], [contenteditable=true]');
      if (composer) return composer instanceof win.HTMLTextAreaElement ? composer.value : composer.textContent ?? '';
    }
    return undefined;
  }

  function runReplay(replay: () => void): void {
    replaying++;
    try {
      replay();
    } finally {
      replaying--;
    }
  }

  function release(id: string, statusText: string | null): boolean {
    const entry = held.get(id);
    if (!entry) return false;
    held.delete(id); // before replaying: a second decision for the same id finds nothing
    if (statusText) status.show(statusText);
    else if (!held.size) status.hide();
    // After the reply has gone back: a replayed submission may unload this page.
    win.setTimeout(() => runReplay(entry.replay), 0);
    return true;
  }

  win.addEventListener('click', onClick, true);
  win.addEventListener('submit', onSubmit, true);
  win.addEventListener('keydown', onKeydown, true);
  win.addEventListener(FORM_SUBMIT_EVENT, onHookedSubmit, true);
  win.addEventListener('focusin', watchShadowRoots, true);

  return {
    receive(message) {
      if (message?.type !== 'guard' && message?.type !== 'decision') return undefined;
      if (message.type === 'guard') {
        guard = message.guard;
        return undefined;
      }
      if (message.verdict === 'approve') return { delivered: release(message.id, 'Approved by reviewer') };
      if (!held.delete(message.id)) return { delivered: false };
      status.show(`Rejected by reviewer${message.note ? `: ${message.note}` : ''}`);
      return { delivered: true };
    },
    heldCount: () => held.size,
  };
}
