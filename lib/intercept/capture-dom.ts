import { classifyClick, classifyForm, composerSend, findControl, isSubmitButton } from '@/lib/actions/dom';
import { attr, closest, requestSubmitOf, submitOf } from '@/lib/actions/native';
import { CAUSE_WINDOW_MS } from '@/lib/actions/requests';
import { failClosed, stop, type Capture } from './capture';
import { FORM_SUBMIT_EVENT } from './hook-events';
import { withWording, wordingOf } from './input-wording';

/**
 * Capture-phase listeners on the window, registered before any page script, see every click,
 * submit and Enter first; a consequential one is stopped there and held.
 */
export function listenForInput(capture: Capture): void {
  const { win, guard } = capture;
  const watchedRoots = new WeakSet<ShadowRoot>();
  const onSubmit = (event: Event) => submitted(capture, event);
  // Submit events do not cross shadow boundaries: listen inside each open root the user touches.
  const watchShadowRoots = (event: Event) => {
    for (const node of event.composedPath()) {
      if (node instanceof win.ShadowRoot && !watchedRoots.has(node)) {
        watchedRoots.add(node);
        node.addEventListener('submit', onSubmit, true);
      }
    }
  };
  win.addEventListener('click', (event) => (watchShadowRoots(event), clicked(capture, event)), true);
  win.addEventListener('submit', onSubmit, true);
  win.addEventListener('keydown', (event) => pressed(capture, event), true);
  win.addEventListener(FORM_SUBMIT_EVENT, (event) => submittedByScript(capture, event), true);
  win.addEventListener('focusin', watchShadowRoots, true);
  // The press before a click, or focus before typing: the answer is usually back by the action.
  win.addEventListener('pointerdown', guard.greet, true);
  win.addEventListener('focusin', guard.greet, true);
}

function clicked(capture: Capture, event: Event): void {
  const { win, guard, inputs, replays, holds } = capture;
  guard.greet();
  let control: Element | null = null;
  try {
    control = findControl(event.composedPath());
    inputs.note(event, control);
    if (replays.active() || !control || (control as HTMLButtonElement).disabled) return;
    const form = isSubmitButton(control) ? control.form : null;
    const classified = form ? classifyForm(form, control) : classifyClick(control);
    if (!classified) return;
    const signals = guard.signals(event.isTrusted);
    if (!signals.length) return;
    stop(event);
    const target = control;
    holds.hold({ ...classified, trigger: 'click', signals, form, submitter: control, near: control, replay: () => activate(win, target) });
  } catch (error) {
    if (replays.active()) return;
    const target = control ?? event.composedPath()[0];
    failClosed(capture, event, 'click', error, () => target instanceof win.Element && activate(win, target));
  }
}

function activate(win: Window & typeof globalThis, control: Element): void {
  if (control instanceof win.HTMLElement) control.click();
  else control.dispatchEvent(new win.MouseEvent('click', { bubbles: true, cancelable: true, composed: true }));
}

function submitted(capture: Capture, event: Event): void {
  const { win, guard, replays, holds } = capture;
  guard.greet();
  if (replays.active()) return;
  const form = event.composedPath()[0];
  if (!(form instanceof win.HTMLFormElement)) return;
  const submitter = (event as SubmitEvent).submitter;
  const replay = () => requestSubmitOf(form, submitter);
  try {
    const classified = classifyForm(form, submitter);
    if (!classified) return;
    // WebMCP: the browser submitted a `<form toolname>` for an agent that called it.
    const agent = (event as SubmitEvent & { agentInvoked?: boolean }).agentInvoked === true;
    const signals = agent ? guard.toolSignals() : guard.signals(event.isTrusted);
    if (!signals.length) return;
    stop(event);
    const spec = { ...classified, trigger: 'submit' as const, signals, form, submitter, near: submitter ?? form, replay };
    holds.hold(agent ? asToolCall(spec, event) : spec);
  } catch (error) {
    failClosed(capture, event, 'submit', error, replay);
  }
}

/** The agent's tool call waits on this answer: the submission's outcome, or the reviewer's refusal. */
function asToolCall<S extends { form: HTMLFormElement; replay(): void }>(spec: S, event: Event) {
  let answer: { resolve(): void; reject(why: string): void } | undefined;
  (event as SubmitEvent & { respondWith(result: Promise<unknown>): void }).respondWith(
    new Promise<void>((resolve, reject) => (answer = { resolve, reject: (why) => reject(new Error(why)) })),
  );
  const { form } = spec;
  return {
    ...spec,
    tool: { name: attr(form, 'toolname') ?? '', description: attr(form, 'tooldescription') ?? '', declarative: true },
    replay: () => {
      answer?.resolve();
      spec.replay();
    },
    discard: (why: string) => answer?.reject(why),
  };
}

/**
 * form.submit() fires no submit event; the MAIN-world hook reports it here instead. With no
 * input event behind it (an auto-posting sign-in form), it counts as trusted: only the tab's
 * own signals (webdriver, debugger, armed) can hold it.
 */
function submittedByScript(capture: Capture, event: Event): void {
  const { win, clock, guard, inputs, replays, holds } = capture;
  guard.greet();
  const form = event.composedPath()[0];
  if (!(form instanceof win.HTMLFormElement)) return;
  event.preventDefault(); // tells the hook this world owns the submission
  const submitNatively = () => submitOf(form);
  if (replays.active()) return submitNatively();
  const trusted = inputs.trustedNow() ?? true;
  // The click before it (a Rails `data-method` link, say) names it, with the confirm() it passed.
  const confirmed = typeof (event as CustomEvent).detail === 'string' ? ((event as CustomEvent).detail as string) : undefined;
  const last = inputs.last();
  const input = last && (confirmed !== undefined || clock.now() - last.at < CAUSE_WINDOW_MS) ? last : null;
  try {
    const classified = withWording(classifyForm(form, null, input?.opener ?? input?.control ?? null), input && wordingOf(input, confirmed));
    const signals = classified ? guard.signals(trusted) : [];
    if (!classified || !signals.length) return replays.run(submitNatively);
    holds.hold({ ...classified, trigger: 'form-submit', signals, form, submitter: null, near: form, replay: submitNatively });
  } catch (error) {
    failClosed(capture, event, 'form-submit', error, submitNatively, trusted);
    if (!guard.signals(trusted).length) replays.run(submitNatively);
  }
}

function pressed(capture: Capture, event: KeyboardEvent): void {
  const { win, guard, inputs, replays, holds } = capture;
  guard.greet();
  if (event.key !== 'Enter') return; // typing is not an action; Enter may submit or send
  const target = event.composedPath()[0];
  const { key, code, ctrlKey, metaKey } = event;
  const init: KeyboardEventInit = { key, code, ctrlKey, metaKey, bubbles: true, cancelable: true, composed: true };
  const replay = () => target instanceof win.Element && target.dispatchEvent(new win.KeyboardEvent('keydown', init));
  try {
    inputs.note(event, target instanceof win.Element ? target : null);
    if (replays.active() || !(target instanceof win.Element)) return;
    const classified = composerSend(target, event);
    if (!classified) return;
    const signals = guard.signals(event.isTrusted);
    if (!signals.length) return;
    stop(event);
    const form = closest(target, 'form') as HTMLFormElement | null;
    holds.hold({ ...classified, trigger: 'enter', signals, form, submitter: null, near: target, replay });
  } catch (error) {
    if (!replays.active()) failClosed(capture, event, 'enter', error, replay);
  }
}
