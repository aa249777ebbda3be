import {
  amountOf,
  channelOf,
  classifyClick,
  classifyForm,
  composerSend,
  findComposer,
  findControl,
  formFields,
  formMethod,
  isSubmitButton,
  messageOf,
  readValue,
  recipientsOf,
  snapshotTarget,
  targetRect,
  VALUE_LIMIT,
  writeValue,
  type Classified,
  type FieldTarget,
} from '@/lib/actions/dom';
import { maskSecret } from '@/lib/actions/secrets';
import type {
  Amount,
  FieldChange,
  FieldSnapshot,
  GuardSignal,
  ProposedAction,
  Rect,
  TargetBox,
  Trigger,
} from '@/lib/actions/types';
import { clip, TITLE_LIMIT } from '@/lib/actions/wording';
import { contentSignals, type TabGuard } from '@/lib/detect/signals';
import type { DecisionReply, FieldEdit, HoldReply, RevealReply, TabMessage } from '@/lib/messaging/protocol';
import { FORM_SUBMIT_EVENT } from './page-hook';
import { createStatus } from './status';

export interface Transport {
  hello(): Promise<TabGuard>;
  hold(action: ProposedAction): Promise<HoldReply>;
  /** False once the extension was reloaded or updated: this script can no longer be reached. */
  alive(): boolean;
}

const ORPHAN_CHECK_MS = 1000;

interface BoundState {
  label: string;
  action: string;
  frameUrl: string;
  amount: string;
  values: string[];
}

interface Held extends HoldSpec {
  /** The elements whose values the reviewer sees, in the order of the proposal's fields. */
  targets: FieldTarget[];
  truncated: boolean;
  baseline: BoundState;
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
  receive(message: TabMessage): DecisionReply | RevealReply | undefined;
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

  // A reloaded extension cannot deliver decisions to this script: keep holding, and say so.
  let orphanCheck: number | undefined;
  function watchForOrphaning(): void {
    if (orphanCheck !== undefined) return;
    orphanCheck = win.setInterval(() => {
      if (!held.size) {
        win.clearInterval(orphanCheck);
        orphanCheck = undefined;
      } else if (!transport.alive()) {
        win.clearInterval(orphanCheck);
        status.show('Held: Countersign was reloaded, so these actions were not sent. Reload the page to try again.');
      }
    }, ORPHAN_CHECK_MS);
  }

  function hold(spec: HoldSpec): void {
    watchForOrphaning();
    const id = win.crypto.randomUUID();
    const { targets, truncated } = fieldTargets(spec);
    const entry: Held = { ...spec, targets, truncated, baseline: boundState(spec, targets) };
    held.set(id, entry);
    status.show('Held for review by a person');
    transport.hold(describe(id, entry)).then(
      (reply) => {
        if (reply?.status === 'release') release(id, null, []);
        if (reply?.status === 'blocked' && held.delete(id)) status.show(`Blocked by a Countersign rule: ${reply.reason}`);
      },
      () => status.show('Held: Countersign could not reach its reviewer; nothing was sent'),
    );
  }

  function fieldTargets(spec: HoldSpec): { targets: FieldTarget[]; truncated: boolean } {
    if (spec.form) {
      const { elements, truncated } = formFields(spec.form);
      return { targets: elements, truncated };
    }
    const composer = spec.kind === 'send' ? findComposer(spec.near) : null;
    return { targets: composer ? [composer] : [], truncated: false };
  }

  function snapshots(entry: Held): FieldSnapshot[] {
    return entry.targets.map(snapshotTarget);
  }

  function currentAmount(entry: Held): Amount | undefined {
    return amountOf(entry.label, entry.form ?? entry.near.parentElement);
  }

  function describe(id: string, entry: Held): ProposedAction {
    const fields = snapshots(entry);
    const action: ProposedAction = {
      id,
      kind: entry.kind,
      trigger: entry.trigger,
      label: entry.label,
      frameUrl: clip(win.location.href, 8192),
      frameTitle: clip(doc.title, TITLE_LIMIT),
      fields,
      signals: entry.signals,
      heldAt: Date.now(),
    };
    if (entry.truncated) action.fieldsTruncated = true;
    if (entry.form) action.form = { action: clip(entry.form.action, 8192), method: formMethod(entry.form) };
    const amount = currentAmount(entry);
    if (amount) action.amount = amount;
    if (entry.kind === 'send') {
      const recipients = recipientsOf(fields);
      const composer = entry.form ? null : entry.targets[0] ?? null;
      const channel = recipients.length ? undefined : channelOf(composer as HTMLElement | null, doc.title);
      if (recipients.length || channel) action.recipients = recipients.length ? recipients : [channel!];
      const message = messageOf(fields);
      if (message) action.message = message;
    }
    const target = targetBox(entry.near);
    if (target) action.target = target;
    const secrets = entry.targets.filter((_, index) => fields[index]?.masked && !fields[index]?.hidden);
    const redactions = secrets.map(targetRect);
    // Every secret located, or none listed: the background then keeps no picture at all.
    if (target && redactions.every(Boolean)) action.redactions = redactions as Rect[];
    return action;
  }

  function targetBox(control: Element): TargetBox | undefined {
    const rect = targetRect(control);
    if (!rect) return undefined;
    try {
      const top = win.top ?? win;
      return { ...rect, viewportWidth: top.innerWidth, viewportHeight: top.innerHeight };
    } catch {
      return undefined;
    }
  }

  /** What an approval is bound to: where the data goes, every value, the amount, the control. */
  function boundState(spec: HoldSpec, targets: FieldTarget[]): BoundState {
    return {
      label: spec.label,
      action: spec.form ? `${formMethod(spec.form)} ${spec.form.action}` : '',
      frameUrl: win.location.href,
      amount: amountOf(spec.label, spec.form ?? spec.near.parentElement)?.text ?? '',
      values: targets.map(readValue),
    };
  }

  function changesSince(entry: Held): FieldChange[] {
    const now = boundState(entry, entry.targets);
    const before = entry.baseline;
    const fields = snapshots(entry);
    const changes: FieldChange[] = [];
    if (now.action !== before.action) changes.push({ label: 'Form target', before: before.action, after: now.action });
    if (now.frameUrl !== before.frameUrl) changes.push({ label: 'Page', before: before.frameUrl, after: now.frameUrl });
    if (now.amount !== before.amount) changes.push({ label: 'Amount', before: before.amount, after: now.amount });
    now.values.forEach((value, index) => {
      if (value === before.values[index]) return;
      const field = fields[index]!;
      const shown = (raw: string) => (field.masked ? maskedLike(entry.targets[index]!, raw) : clip(raw, VALUE_LIMIT));
      changes.push({ label: field.label || field.name, before: shown(before.values[index] ?? ''), after: shown(value) });
    });
    return changes;
  }

  function maskedLike(target: FieldTarget, raw: string): string {
    const identity = {
      type: (target as HTMLInputElement).type ?? '',
      name: `${(target as HTMLInputElement).name ?? ''} ${target.id}`,
      autocomplete: target.getAttribute('autocomplete') ?? '',
    };
    return maskSecret(identity, raw).value;
  }

  function runReplay(replay: () => void): void {
    replaying++;
    try {
      replay();
    } finally {
      replaying--;
    }
  }

  /** Removes the entry before replaying, so a second decision for the same id finds nothing. */
  function release(id: string, statusText: string | null, edits: FieldEdit[]): boolean {
    const entry = held.get(id);
    if (!entry) return false;
    held.delete(id);
    for (const edit of edits) {
      const target = entry.targets[edit.index];
      if (target) writeValue(target, edit.value);
    }
    if (statusText) status.show(statusText);
    else if (!held.size) status.hide();
    // After the reply has gone back: a replayed submission may unload this page.
    win.setTimeout(() => runReplay(entry.replay), 0);
    return true;
  }

  function approve(id: string, edits: FieldEdit[]): DecisionReply {
    const entry = held.get(id);
    if (!entry) return { delivered: false };
    const changed = changesSince(entry);
    if (changed.length) {
      // Not what the reviewer saw: send nothing, and show them the action as it is now.
      entry.baseline = boundState(entry, entry.targets);
      status.show('Held for review by a person: the page changed this action, so it must be reviewed again');
      return { delivered: false, changed, fields: snapshots(entry), amount: currentAmount(entry) ?? null };
    }
    return { delivered: release(id, 'Approved by reviewer', edits) };
  }

  win.addEventListener('click', onClick, true);
  win.addEventListener('submit', onSubmit, true);
  win.addEventListener('keydown', onKeydown, true);
  win.addEventListener(FORM_SUBMIT_EVENT, onHookedSubmit, true);
  win.addEventListener('focusin', watchShadowRoots, true);

  return {
    receive(message) {
      if (message?.type !== 'guard' && message?.type !== 'decision' && message?.type !== 'reveal') return undefined;
      if (message.type === 'guard') {
        guard = message.guard;
        return undefined;
      }
      if (message.type === 'reveal') {
        const target = held.get(message.id)?.targets[message.index];
        return target ? { value: readValue(target) } : { error: 'The page no longer holds this action.' };
      }
      if (message.verdict === 'approve') return approve(message.id, message.edits ?? []);
      if (!held.delete(message.id)) return { delivered: false };
      const who = message.by === 'timeout' ? 'Rejected, timed out' : 'Rejected by reviewer';
      status.show(`${who}${message.note ? `: ${message.note}` : ''}`);
      return { delivered: true };
    },
    heldCount: () => held.size,
  };
}
