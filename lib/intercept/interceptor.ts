import { contentKind } from '@/lib/actions/content';
import {
  classifyClick,
  classifyForm,
  composerSend,
  findControl,
  isSubmitButton,
  readValue,
  writeValue,
} from '@/lib/actions/dom';
import { attr, closest, matches, requestSubmitOf, submitOf } from '@/lib/actions/native';
import { CAUSE_WINDOW_MS, isReadOnlyRequest, pathOf } from '@/lib/actions/requests';
import { editedArgs, toolArgText, toolKind, type ToolSchema } from '@/lib/actions/tool-call';
import type { JoinedRequest, ProposedAction, ToolCall, Trigger } from '@/lib/actions/types';
import { clip, normalizeLabel } from '@/lib/actions/wording';
import { contentSignals, holdSignals, toolSignals, type TabGuard } from '@/lib/detect/signals';
import type { DecisionReply, FieldEdit, HoldReply, RevealReply, TabMessage } from '@/lib/messaging/protocol';
import type { Held, HoldSpec, Input, Joined } from './held';
import { openerOf, withWording, wordingOf } from './input-wording';
import {
  FORM_SUBMIT_EVENT,
  REQUEST_DECISION_EVENT,
  REQUEST_EVENT,
  type RequestDecision,
  type RequestDetail,
} from './page-hook';
import { createProposals, describeError, requestFields, requestMethod } from './proposal';
import { createStatus } from './status';
import { TOOL_EVENT, type ToolCallDetail } from './tool-hook';

export interface Transport {
  hello(): Promise<TabGuard>;
  hold(action: ProposedAction): Promise<HoldReply>;
  /** An agent's input in a guarded tab, so the background can tie requests nothing held to it. */
  input(label: string, benign: boolean, at: number): void;
  /** A further request the input behind a pending card caused, to be shown on it and decided with it. */
  join(id: string, request: JoinedRequest): Promise<{ joined: boolean }>;
  /** A read-only tool the page ran at once, for the log. */
  ran(action: ProposedAction): void;
  /** False once the extension was reloaded or updated: this script can no longer be reached. */
  alive(): boolean;
}

const ORPHAN_CHECK_MS = 1000;
const HOLD_ATTEMPTS = 20;
const HOLD_RETRY_MS = 250;
/** An attempt with no answer by then is asked again (an answer that comes later still counts). */
const HOLD_SILENCE_MS = 3000;
/** However the attempts went, by then the page says Countersign cannot be reached. */
const HOLD_GIVE_UP_MS = 8000;
/** Well within the background's grace for notes (NOTE_GRACE_MS in lib/broker/broker.ts). */
const NOTE_INTERVAL_MS = 100;
/** Controls that switch a view or a filter rather than commit anything. */
const TOGGLES = '[role=tab], [role=switch], [role=checkbox], [role=option], [role=menuitemcheckbox], [aria-pressed], [aria-expanded], select, input[type=checkbox], input[type=radio]';
const URL_LIMIT = 8192;
const WRITE_METHODS = ['PUT', 'PATCH', 'DELETE'];

export interface Interceptor {
  /** Handles a message from the background; returns the reply for decisions. */
  receive(message: TabMessage): DecisionReply | RevealReply | undefined;
  heldCount(): number;
}

/**
 * Capture-phase listeners on the window, registered before any page script, see every
 * click, submit and Enter first. A consequential action is stopped there and kept here until
 * the background delivers a decision (a release, when the tab turns out not to be guarded).
 * Nothing else releases it, and an exception while reading it holds it as unclassified.
 */
export function installInterceptor(win: Window & typeof globalThis, transport: Transport): Interceptor {
  const doc = win.document;
  const { fieldTargets, snapshots, currentAmount, describe, unreadable, boundState, changesSince } = createProposals(win);
  const held = new Map<string, Held>();
  const status = createStatus(doc);
  const watchedRoots = new WeakSet<ShadowRoot>();
  const now = () => win.performance.now();
  let guard: TabGuard | null = null;
  let replaying = 0;
  let replayedAt = -Infinity;
  let lastInput: Input | null = null;
  // Trust of the input event being dispatched right now, for form.submit() called from its handler.
  let inputTrusted: boolean | null = null;

  // A frame asks about its tab at its first input, not when it loads: the frames nobody
  // touches (most of them, on most pages) never cost the browser a message. Until the answer
  // comes, a consequential action is held as `unconfirmed` and the background decides.
  let greeted = false;
  function greet(): void {
    if (greeted) return;
    greeted = true;
    transport.hello().then(
      // Anything but a guard (a refusal) leaves actions held as unconfirmed: the background decides.
      (answer) => (guard = typeof answer?.mode === 'string' ? answer : null),
      () => undefined,
    );
  }

  const webdriver = () => win.navigator.webdriver === true;
  const signalsFor = (trusted: boolean) => holdSignals(guard, webdriver(), trusted);
  /** Known to be driven by an agent, as far as this frame can tell. */
  const knownGuarded = (trusted: boolean) =>
    contentSignals(guard, webdriver(), trusted).some((signal) => signal !== 'unconfirmed');

  function stop(event: Event): void {
    event.preventDefault();
    event.stopImmediatePropagation();
  }

  function noteInput(event: Event, control: Element | null): void {
    inputTrusted = event.isTrusted;
    win.setTimeout(() => (inputTrusted = null), 0);
    if (replaying) return;
    lastInput = { at: now(), trusted: event.isTrusted, control, opener: openerOf(control, lastInput) };
    if (control && knownGuarded(event.isTrusted)) noteLater(lastInput);
  }

  // The background's unreviewed log needs the last agent input, not every one: at most one
  // note per NOTE_INTERVAL_MS, the latest input of a burst sent at its end with its own time.
  let pendingNote: { input: Input; at: number } | null = null;
  let noteTimer: number | undefined;
  let lastNoteAt = -Infinity;
  function noteLater(input: Input): void {
    pendingNote = { input, at: Date.now() };
    if (noteTimer !== undefined) return;
    const wait = lastNoteAt + NOTE_INTERVAL_MS - now();
    if (wait <= 0) sendNote();
    else noteTimer = win.setTimeout(sendNote, wait);
  }
  function sendNote(): void {
    noteTimer = undefined;
    const note = pendingNote;
    if (!note) return;
    pendingNote = null;
    lastNoteAt = now();
    const { label, kind } = (note.input.wording ??= wordingOf(note.input));
    transport.input(label, kind === 'benign', note.at);
  }

  /** Reading the action threw: hold it as unclassified with what is known, never let it through. */
  function failClosed(event: Event, trigger: Trigger, error: unknown, replay: () => void, trusted = event.isTrusted): void {
    const signals = signalsFor(trusted);
    if (!signals.length) return;
    stop(event);
    const near = event.composedPath()[0];
    hold({
      kind: 'unclassified',
      label: 'Could not read this action',
      trigger,
      signals,
      form: null,
      submitter: null,
      near: near instanceof win.Element ? near : doc.documentElement,
      failure: describeError(error),
      replay,
    });
  }

  function onClick(event: MouseEvent): void {
    greet();
    watchShadowRoots(event);
    let control: Element | null = null;
    try {
      control = findControl(event.composedPath());
      noteInput(event, control);
      if (replaying || !control || (control as HTMLButtonElement).disabled) return;
      const form = isSubmitButton(control) ? control.form : null;
      const classified = form ? classifyForm(form, control) : classifyClick(control);
      if (!classified) return;
      const signals = signalsFor(event.isTrusted);
      if (!signals.length) return;
      stop(event);
      const target = control;
      hold({ ...classified, trigger: 'click', signals, form, submitter: control, near: control, replay: () => activate(target) });
    } catch (error) {
      if (replaying) return;
      const target = control ?? event.composedPath()[0];
      failClosed(event, 'click', error, () => target instanceof win.Element && activate(target));
    }
  }

  function onSubmit(event: Event): void {
    greet();
    if (replaying) return;
    const form = event.composedPath()[0];
    if (!(form instanceof win.HTMLFormElement)) return;
    const submitter = (event as SubmitEvent).submitter;
    const replay = () => requestSubmitOf(form, submitter);
    try {
      const classified = classifyForm(form, submitter);
      if (!classified) return;
      // WebMCP: the browser submitted a `<form toolname>` for an agent that called it.
      const agent = (event as SubmitEvent & { agentInvoked?: boolean }).agentInvoked === true;
      const signals = agent ? toolSignals(guard, webdriver()) : signalsFor(event.isTrusted);
      if (!signals.length) return;
      stop(event);
      if (!agent) return hold({ ...classified, trigger: 'submit', signals, form, submitter, near: submitter ?? form, replay });
      // The agent's tool call waits on this answer: the submission's outcome, or the reviewer's refusal.
      let answer: { resolve(): void; reject(why: string): void } | undefined;
      (event as SubmitEvent & { respondWith(result: Promise<unknown>): void }).respondWith(
        new Promise<void>((resolve, reject) => (answer = { resolve, reject: (why) => reject(new Error(why)) })),
      );
      const tool = { name: attr(form, 'toolname') ?? '', description: attr(form, 'tooldescription') ?? '', declarative: true };
      hold({
        ...classified,
        trigger: 'submit',
        signals,
        form,
        submitter,
        near: submitter ?? form,
        tool,
        replay: () => {
          answer?.resolve();
          replay();
        },
        discard: (why) => answer?.reject(why),
      });
    } catch (error) {
      failClosed(event, 'submit', error, replay);
    }
  }

  // form.submit() fires no submit event; the MAIN-world hook reports it here instead.
  // With no input event behind it (an auto-posting sign-in form), it counts as trusted:
  // only the tab's own signals (webdriver, debugger, armed) can hold it.
  function onHookedSubmit(event: Event): void {
    greet();
    const form = event.composedPath()[0];
    if (!(form instanceof win.HTMLFormElement)) return;
    event.preventDefault(); // tells the hook this world owns the submission
    const submitNatively = () => submitOf(form);
    if (replaying) return submitNatively();
    const trusted = inputTrusted ?? true;
    // The click before it (a Rails `data-method` link, say) names it, with the confirm() it passed.
    const confirmed = typeof (event as CustomEvent).detail === 'string' ? ((event as CustomEvent).detail as string) : undefined;
    const input = lastInput && (confirmed !== undefined || now() - lastInput.at < CAUSE_WINDOW_MS) ? lastInput : null;
    try {
      const classified = withWording(classifyForm(form, null, input?.opener ?? input?.control ?? null), input && wordingOf(input, confirmed));
      const signals = classified ? signalsFor(trusted) : [];
      if (!classified || !signals.length) return runReplay(submitNatively);
      hold({ ...classified, trigger: 'form-submit', signals, form, submitter: null, near: form, replay: submitNatively });
    } catch (error) {
      failClosed(event, 'form-submit', error, submitNatively, trusted);
      if (!signalsFor(trusted).length) runReplay(submitNatively);
    }
  }

  function onKeydown(event: KeyboardEvent): void {
    greet();
    if (event.key !== 'Enter') return; // typing is not an action; Enter may submit or send
    const target = event.composedPath()[0];
    const init: KeyboardEventInit = {
      key: event.key,
      code: event.code,
      ctrlKey: event.ctrlKey,
      metaKey: event.metaKey,
      bubbles: true,
      cancelable: true,
      composed: true,
    };
    const replay = () => target instanceof win.Element && target.dispatchEvent(new win.KeyboardEvent('keydown', init));
    try {
      noteInput(event, target instanceof win.Element ? target : null);
      if (replaying || !(target instanceof win.Element)) return;
      const classified = composerSend(target, event);
      if (!classified) return;
      const signals = signalsFor(event.isTrusted);
      if (!signals.length) return;
      stop(event);
      const form = closest(target, 'form') as HTMLFormElement | null;
      hold({ ...classified, trigger: 'enter', signals, form, submitter: null, near: target, replay });
    } catch (error) {
      if (!replaying) failClosed(event, 'enter', error, replay);
    }
  }

  /**
   * The second line: a state-changing request the page makes soon after an input, whatever the
   * control's wording. Held while the decision is made; the MAIN-world hook sends it once on
   * approval and fails it on rejection.
   */
  function onRequest(event: Event): void {
    event.stopImmediatePropagation(); // the nonce never reaches page listeners
    greet();
    let detail: RequestDetail;
    try {
      detail = JSON.parse(String((event as CustomEvent).detail)) as RequestDetail;
      if (typeof detail.nonce !== 'string' || typeof detail.url !== 'string') return;
    } catch {
      return; // not the hook's event: a page can only ever ask for a hold of its own requests
    }
    // Code a client evaluated in the page, or a page tool no person approved, acts with no
    // control: no input, replay or wording excuses it.
    const byInput = detail.cause === 'input';
    // Requests of an approved or released action's replay were covered by that decision.
    if (byInput && (replaying || now() - replayedAt < CAUSE_WINDOW_MS)) return;
    const input = byInput ? lastInput : null;
    // A native confirm() the agent accepted is the input's moment, however long the dialog was open.
    const confirmed = typeof detail.confirmed === 'string' ? detail.confirmed : undefined;
    let read: Pick<HoldSpec, 'kind' | 'label' | 'request' | 'failure'>;
    try {
      // What the request carries decides over the control's wording (an "OK" that sends DROP TABLE).
      const content = contentKind({ method: detail.method, fields: detail.body.fields, override: detail.override, text: detail.body.text });
      // Only a control's activation (or Enter) causes: ticking a box or picking a tab is browsing.
      if (byInput && (!input?.control || (now() - input.at > CAUSE_WINDOW_MS && confirmed === undefined))) return;
      if (byInput && !content && input?.control && matches(input.control, TOGGLES)) return;
      const wording = input?.control ? (confirmed === undefined ? (input.wording ??= wordingOf(input)) : wordingOf(input, confirmed)) : null;
      // A search, lint or preview route reads what it is sent (SQL to lint is not run); a method
      // override to PUT, PATCH or DELETE is not a read wherever it goes.
      const method = requestMethod(detail);
      const readOnly = !WRITE_METHODS.includes(method) && isReadOnlyRequest({ ...detail, fields: detail.body.fields }, win.location.href);
      if (readOnly || (!content && wording?.kind === 'benign')) return;
      const worded = wording?.kind && wording.kind !== 'benign' ? wording.kind : null;
      const kind = content === 'delete' ? 'delete' : (worded ?? content ?? 'submit');
      read = { kind, label: wording?.label || `${requestMethod(detail)} ${pathOf(detail.url)}`, request: detail };
    } catch (error) {
      read = { kind: 'unclassified', label: 'Could not read this request', failure: describeError(error) };
    }
    // An evaluated script has no input to judge as trusted or not: the tab's own signals decide.
    // A tool's request is the agent's call going on, in any tab.
    const signals = detail.cause === 'tool' ? toolSignals(guard, webdriver()) : signalsFor(input?.trusted ?? true);
    if (!signals.length) return;
    event.preventDefault();
    const answer = (verdict: RequestDecision['verdict']) => () =>
      win.dispatchEvent(new win.CustomEvent(REQUEST_DECISION_EVENT, { detail: JSON.stringify({ nonce: detail.nonce, verdict }) }));
    const near = input?.control ?? doc.documentElement;
    const spec: HoldSpec = { ...read, trigger: 'request', signals, form: null, submitter: null, near, input, replay: answer('approve'), discard: answer('reject') };
    const leader = input ? [...held].find(([, entry]) => entry.input === input && entry.trigger !== 'tool') : undefined;
    if (leader) join(leader[0], leader[1], spec, detail);
    else hold(spec);
  }

  /** One input, one card: a further request joins the pending card of the input that caused it. */
  function join(id: string, leader: Held, spec: HoldSpec, request: RequestDetail): void {
    const joined: Joined = { spec, shown: false };
    leader.joined.push(joined);
    const summary = { method: requestMethod(request), url: clip(request.url, URL_LIMIT), fields: requestFields(request) };
    const alone = () => {
      // Refused (the card was decided meanwhile): it waits on a card of its own.
      const index = leader.joined.indexOf(joined);
      if (index >= 0) leader.joined.splice(index, 1);
      hold(spec);
    };
    // Only once the background has the card; a leader decided meanwhile settled this already.
    void leader.answered.then(() => {
      if (!leader.joined.includes(joined)) return;
      transport.join(id, summary).then((reply) => (reply?.joined === true ? (joined.shown = true) : alone()), alone);
    });
  }

  /** Decides the requests that joined a card with it; one the card never showed gets its own. */
  function settleJoined(entry: Held, approved: boolean, why: string, reviewed = false): void {
    for (const joined of entry.joined.splice(0)) {
      if (!approved) joined.spec.discard?.(why);
      else if (joined.shown) runReplay(joined.spec.replay, reviewed);
      else hold(joined.spec);
    }
  }

  /**
   * An agent called one of the page's WebMCP tools: held before any of the tool's code runs,
   * in any tab (the call is itself the sign of an agent), unless the guard is off.
   */
  function onToolCall(event: Event): void {
    event.stopImmediatePropagation(); // the nonce never reaches page listeners
    greet();
    let detail: ToolCallDetail;
    try {
      detail = JSON.parse(String((event as CustomEvent).detail)) as ToolCallDetail;
      if (typeof detail.nonce !== 'string' || typeof detail.name !== 'string') return;
    } catch {
      return;
    }
    const signals = toolSignals(guard, webdriver());
    if (!signals.length) return;
    event.preventDefault();
    const answer = (decision: Omit<RequestDecision, 'nonce'>) =>
      win.dispatchEvent(new win.CustomEvent(REQUEST_DECISION_EVENT, { detail: JSON.stringify({ ...decision, nonce: detail.nonce }) }));
    const tool: ToolCall = { name: normalizeLabel(detail.name), description: clip(String(detail.description), 2000) };
    if (detail.readOnly === true) tool.readOnly = true;
    if (detail.consequential === true) tool.consequential = true;
    const input = detail.input;
    const toolArgs = input && typeof input === 'object' && !Array.isArray(input)
      ? { values: input as Record<string, unknown>, schema: detail.inputSchema as ToolSchema | undefined }
      : undefined;
    let read: Pick<HoldSpec, 'kind' | 'failure'>;
    try {
      read = toolArgs ? { kind: toolKind(tool) } : { kind: 'unclassified', failure: 'the arguments could not be read' };
    } catch (error) {
      read = { kind: 'unclassified', failure: describeError(error) };
    }
    const spec: HoldSpec = {
      ...read,
      label: tool.name,
      tool,
      ...(toolArgs ? { toolArgs } : {}),
      trigger: 'tool',
      signals,
      form: null,
      submitter: null,
      near: doc.documentElement,
      replay: (reviewed) => answer({ verdict: 'approve', reviewed, ...(toolArgs ? { input: toolArgs.values } : {}) }),
      discard: (why) => answer({ verdict: 'reject', message: why }),
    };
    // The page's read-only claim runs it at once, as a run no person approved (what it sends
    // is judged at the request); the background only logs it.
    if (tool.readOnly && !tool.consequential && !read.failure) {
      win.queueMicrotask(() => spec.replay(false)); // once the hook is waiting for the answer
      try {
        transport.ran(describe(newId(), { ...spec, joined: [], answered: Promise.resolve(), targets: [], truncated: false, baseline: null }));
      } catch {
        // the log misses it; the run itself is judged at its requests
      }
      return;
    }
    hold(spec);
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

  function newId(): string {
    return Array.from(win.crypto.getRandomValues(new Uint32Array(4)), (part) => part.toString(16).padStart(8, '0')).join('-');
  }

  function hold(spec: HoldSpec): void {
    watchForOrphaning();
    const id = newId();
    let entry: Held;
    let proposal: ProposedAction;
    let markAnswered = (): void => undefined;
    const firstAnswer = new Promise<void>((done) => (markAnswered = done));
    try {
      const { targets, truncated } = spec.failure ? { targets: [], truncated: false } : fieldTargets(spec);
      entry = { ...spec, joined: [], answered: firstAnswer, targets, truncated, baseline: spec.failure ? null : boundState(spec, targets) };
      proposal = describe(id, entry);
    } catch (error) {
      entry = { ...spec, joined: [], answered: firstAnswer, kind: 'unclassified', failure: describeError(error), targets: [], truncated: false, baseline: null };
      proposal = unreadable(id, entry);
    }
    held.set(id, entry);
    status.show('Held for review by a person');
    // A worker stopped mid-hold loses the reply, and one that never starts again (its install
    // was cut short) leaves a message with no answer at all: ask again (the broker answers a
    // repeat with what became of the first) until it answers or time is up, then say so.
    let answered = false;
    const giveUpAt = Date.now() + HOLD_GIVE_UP_MS;
    const ask = (attempt: number): void => {
      if (answered) return;
      let askedAgain = false;
      const askAgain = (silent: boolean) => {
        if (askedAgain || answered || !held.has(id)) return;
        askedAgain = true;
        // No answer because the extension was reloaded: the orphan watch says so, more exactly.
        if (silent && !transport.alive()) return;
        if (attempt < HOLD_ATTEMPTS && Date.now() < giveUpAt && transport.alive()) win.setTimeout(() => ask(attempt + 1), HOLD_RETRY_MS);
        else status.show('Held: Countersign could not reach its reviewer; nothing was sent');
      };
      const silence = win.setTimeout(() => askAgain(true), HOLD_SILENCE_MS);
      void transport.hold(proposal).then(
        (reply) => {
          // A late answer to an earlier attempt counts too: each outcome below happens once.
          answered = true;
          markAnswered();
          win.clearTimeout(silence);
          if (reply?.status === 'release') release(id, null, [], reply.approved === true);
          if (reply?.status === 'blocked' && held.delete(id)) {
            const why = `Blocked by a Countersign rule: ${reply.reason}`;
            entry.discard?.(why);
            settleJoined(entry, false, why);
            status.show(why);
          }
          if (!reply?.status) status.show('Held: Countersign refused this action\'s description; nothing was sent');
        },
        () => {
          win.clearTimeout(silence);
          askAgain(false);
        },
      );
    };
    ask(1);
  }

  function runReplay(replay: (reviewed: boolean) => void, reviewed = false): void {
    replaying++;
    replayedAt = now();
    try {
      replay(reviewed);
    } finally {
      replaying--;
    }
  }

  /** Removes the entry before replaying, so a second decision for the same id finds nothing. */
  function release(id: string, statusText: string | null, edits: FieldEdit[], reviewed = false): boolean {
    const entry = held.get(id);
    if (!entry) return false;
    held.delete(id);
    for (const edit of edits) {
      const target = entry.targets[edit.index];
      if (target) writeValue(target, edit.value);
    }
    if (entry.toolArgs && edits.length) entry.toolArgs.values = editedArgs(entry.toolArgs.values, entry.toolArgs.schema, edits);
    if (statusText) status.show(statusText);
    else if (!held.size) status.hide();
    // After the reply has gone back: a replayed submission may unload this page.
    win.setTimeout(() => {
      runReplay(entry.replay, reviewed);
      settleJoined(entry, true, '', reviewed);
    }, 0);
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
    return { delivered: release(id, 'Approved by reviewer', edits, true) };
  }

  win.addEventListener('click', onClick, true);
  win.addEventListener('submit', onSubmit, true);
  win.addEventListener('keydown', onKeydown, true);
  win.addEventListener(FORM_SUBMIT_EVENT, onHookedSubmit, true);
  win.addEventListener(REQUEST_EVENT, onRequest, true);
  win.addEventListener(TOOL_EVENT, onToolCall, true);
  win.addEventListener('focusin', watchShadowRoots, true);
  // The press before a click, or focus before typing: the answer is usually back by the action.
  win.addEventListener('pointerdown', greet, true);
  win.addEventListener('focusin', greet, true);

  return {
    receive(message) {
      if (message?.type !== 'guard' && message?.type !== 'decision' && message?.type !== 'reveal') return undefined;
      if (message.type === 'guard') {
        guard = message.guard;
        return undefined;
      }
      if (message.type === 'reveal') {
        const entry = held.get(message.id);
        const target = entry?.targets[message.index];
        const value = entry?.toolArgs ? toolArgText(entry.toolArgs.values, message.index) : target && readValue(target);
        return value === undefined ? { error: 'The page no longer holds this action.' } : { value };
      }
      if (message.verdict === 'approve') return approve(message.id, message.edits ?? []);
      const entry = held.get(message.id);
      if (!entry || !held.delete(message.id)) return { delivered: false };
      const who = message.by === 'timeout' ? 'Rejected, timed out' : 'Rejected by reviewer';
      const why = `${who}${message.note ? `: ${message.note}` : ''}`;
      entry.discard?.(why);
      settleJoined(entry, false, why);
      status.show(why);
      return { delivered: true };
    },
    heldCount: () => held.size,
  };
}
