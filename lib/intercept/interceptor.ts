import { contentKind, effectiveMethod } from '@/lib/actions/content';
import {
  amountOf,
  channelOf,
  classifyClick,
  classifyForm,
  composerSend,
  controlLabel,
  dialogOf,
  dialogText,
  effectiveSubmission,
  fieldScope,
  findComposer,
  findControl,
  formFields,
  isSubmitButton,
  messageOf,
  readValue,
  recipientsOf,
  scopeFields,
  sentFields,
  snapshotTarget,
  targetRect,
  VALUE_LIMIT,
  writeValue,
  type Classified,
  type FieldTarget,
} from '@/lib/actions/dom';
import { attr, closest, matches, requestSubmitOf, submitOf, titleOf } from '@/lib/actions/native';
import { CAUSE_WINDOW_MS, isReadOnlyRequest, requestFieldSnapshots } from '@/lib/actions/requests';
import { deliveryAddressIn, fieldsCarryAddress, lineItemsNear } from '@/lib/actions/order';
import { maskSecret } from '@/lib/actions/secrets';
import { editedArgs, toolAmount, toolArgText, toolFields, toolKind, toolMessage, type ToolSchema } from '@/lib/actions/tool-call';
import type {
  Amount,
  Destination,
  FieldChange,
  FieldSnapshot,
  GuardSignal,
  JoinedRequest,
  ProposedAction,
  Rect,
  TargetBox,
  ToolCall,
  Trigger,
} from '@/lib/actions/types';
import { classifyWording, clip, normalizeLabel, TITLE_LIMIT } from '@/lib/actions/wording';
import { contentSignals, holdSignals, toolSignals, type TabGuard } from '@/lib/detect/signals';
import type { DecisionReply, FieldEdit, HoldReply, RevealReply, TabMessage } from '@/lib/messaging/protocol';
import {
  FORM_SUBMIT_EVENT,
  REQUEST_DECISION_EVENT,
  REQUEST_EVENT,
  type RequestDecision,
  type RequestDetail,
} from './page-hook';
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

interface BoundState {
  label: string;
  action: string;
  frameUrl: string;
  amount: string;
  values: string[];
}

interface Held extends HoldSpec {
  /** Requests the same input caused while this waited: decided with it once the card shows them. */
  joined: Joined[];
  /** Settles when the background first answered the hold: a card exists to join. */
  answered: Promise<void>;
  /** The elements whose values the reviewer sees, in the order of the proposal's fields. */
  targets: FieldTarget[];
  truncated: boolean;
  /** Null when the action could not be read: there is nothing to bind the approval to. */
  baseline: BoundState | null;
}

interface Joined {
  spec: HoldSpec;
  /** The background put it on the card: only then does the card's approval cover it. */
  shown: boolean;
}

interface HoldSpec extends Classified {
  trigger: Trigger;
  /** The agent's input that caused it, whose further requests join its card. */
  input?: Input | null;
  signals: GuardSignal[];
  form: HTMLFormElement | null;
  submitter: Element | null;
  near: Element;
  request?: RequestDetail;
  tool?: ToolCall;
  /** An imperative tool call's arguments (edits land here before it runs) and their schema. */
  toolArgs?: { values: Record<string, unknown>; schema: ToolSchema | undefined };
  /** Why the action could not be read, when it could not. */
  failure?: string;
  /** `reviewed`: a person approved it, or a person's rule did (not the page's claim, nor an unguarded tab). */
  replay: (reviewed: boolean) => void;
  /** Undoes a rejected action's side of the page: a held request fails like a network error, a tool call with `why`. */
  discard?: (why: string) => void;
}

interface Input {
  at: number;
  trusted: boolean;
  control: Element | null;
  /** For a control in a confirmation dialog: the control outside it that opened the dialog. */
  opener: Element | null;
  /** The control's label and what its wording says, read once for all the requests it causes. */
  wording?: Wording;
}

interface Wording {
  label: string;
  kind: ReturnType<typeof classifyWording>;
}

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
      if (byInput && !content && matches(input!.control!, TOGGLES)) return;
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
    if (leader) join(leader[0], leader[1], spec);
    else hold(spec);
  }

  /** One input, one card: a further request joins the pending card of the input that caused it. */
  function join(id: string, leader: Held, spec: HoldSpec): void {
    const joined: Joined = { spec, shown: false };
    leader.joined.push(joined);
    const request = spec.request!;
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

  function fieldTargets(spec: HoldSpec): { targets: FieldTarget[]; truncated: boolean } {
    if (spec.request) return { targets: [], truncated: false };
    if (spec.form) {
      const { elements, truncated } = formFields(spec.form);
      return { targets: elements, truncated };
    }
    const scope = fieldScope(spec.near);
    if (scope) {
      const { elements, truncated } = scopeFields(scope);
      if (elements.length) return { targets: elements, truncated };
    }
    const composer = spec.kind === 'send' ? findComposer(spec.near) : null;
    return { targets: composer ? [composer] : [], truncated: false };
  }

  function snapshots(entry: Held): FieldSnapshot[] {
    if (entry.request) return requestFields(entry.request);
    if (entry.toolArgs) return toolFields(entry.toolArgs.values, entry.toolArgs.schema);
    return entry.targets.map(snapshotTarget);
  }

  function currentAmount(entry: HoldSpec): Amount | undefined {
    if (entry.tool && !entry.tool.declarative) return entry.toolArgs && toolAmount(entry.toolArgs.values);
    return amountOf(entry.label, entry.form ?? entry.near.parentElement);
  }

  function destinationOf(entry: HoldSpec): Destination | undefined {
    if (entry.request) {
      const { url, method, via } = entry.request;
      const asked = requestMethod(entry.request);
      return { action: clip(url, URL_LIMIT), method: method.toLowerCase().slice(0, 20), via, ...(asked !== method ? { asMethod: asked } : {}) };
    }
    if (!entry.form) return undefined;
    const destination = effectiveSubmission(entry.form, entry.submitter);
    const asked = effectiveMethod({ method: destination.method, fields: sentFields(entry.form) });
    return { ...destination, action: clip(destination.action, URL_LIMIT), ...(asked !== destination.method.toUpperCase() ? { asMethod: asked } : {}) };
  }

  function frameTitle(): string {
    return clip(titleOf(doc), TITLE_LIMIT);
  }

  function describe(id: string, entry: Held): ProposedAction {
    const fields = snapshots(entry);
    const action: ProposedAction = {
      id,
      kind: entry.kind,
      trigger: entry.trigger,
      label: entry.label,
      frameUrl: clip(win.location.href, URL_LIMIT),
      frameTitle: frameTitle(),
      fields,
      signals: entry.signals,
      heldAt: Date.now(),
    };
    if (entry.request?.cause === 'script') action.cause = 'evaluated-script';
    if (entry.request?.cause === 'tool') action.cause = 'tool-execution';
    if (entry.tool) action.tool = entry.tool;
    const unreadable: string[] = [];
    if (entry.truncated) action.fieldsTruncated = true;
    const destination = destinationOf(entry);
    if (destination) action.form = destination;
    const body = entry.request?.body;
    if (body && (body.kind === 'binary' || body.kind === 'text')) {
      unreadable.push(body.kind === 'text' ? 'the body is plain text, shown as one field' : 'the body is binary data');
    }
    const amount = currentAmount(entry);
    if (amount) action.amount = amount;
    else if (entry.kind === 'purchase') unreadable.push('the amount');
    if (entry.kind === 'purchase' && !entry.toolArgs) describeOrder(action, entry.near, unreadable);
    if (entry.kind === 'send') {
      const recipients = recipientsOf(fields);
      const channel = recipients.length || entry.toolArgs ? undefined : channelOf(findComposer(entry.near));
      if (recipients.length || channel) action.recipients = recipients.length ? recipients : [channel!];
      else unreadable.push('the recipients');
      const message = entry.toolArgs ? toolMessage(entry.toolArgs.values) : messageOf(fields);
      if (message) action.message = message;
    }
    if (unreadable.length) action.unreadable = unreadable;
    // A tool call has no control on the page to point at.
    const target = entry.trigger === 'tool' ? undefined : targetBox(entry.near);
    if (target) action.target = target;
    const secrets = entry.targets.filter((_, index) => fields[index]?.masked && !fields[index]?.hidden);
    const redactions = secrets.map(targetRect);
    // Every secret located, or none listed: the background then keeps no picture at all.
    if (target && redactions.every(Boolean)) action.redactions = redactions as Rect[];
    return action;
  }

  /** What a purchase buys and where it goes, from the page's order summary, or that they could not be read. */
  function describeOrder(action: ProposedAction, near: Element, unreadable: string[]): void {
    const items = lineItemsNear(near);
    if (items.length) action.items = items;
    else unreadable.push('the items bought');
    if (fieldsCarryAddress(action.fields)) return;
    const deliverTo = deliveryAddressIn(doc);
    if (deliverTo) action.deliverTo = deliverTo;
    else if (items.length) unreadable.push('the delivery address');
  }

  /** What is known of an action that could not be read: where it happened and why it failed. */
  function unreadable(id: string, entry: Held): ProposedAction {
    let title = '';
    try {
      title = frameTitle();
    } catch {
      // the title is page data too; leave it out
    }
    return {
      id,
      kind: 'unclassified',
      trigger: entry.trigger,
      label: entry.label,
      frameUrl: clip(win.location.href, URL_LIMIT),
      frameTitle: title,
      fields: [],
      signals: entry.signals,
      heldAt: Date.now(),
      unreadable: [`could not read this action: ${entry.failure ?? 'unknown error'}`],
    };
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
    const destination = destinationOf(spec);
    return {
      label: spec.label,
      action: destination ? `${destination.method} ${destination.action}` : '',
      frameUrl: win.location.href,
      amount: currentAmount(spec)?.text ?? '',
      values: targets.map(readValue),
    };
  }

  function changesSince(entry: Held): FieldChange[] {
    const before = entry.baseline;
    if (!before) return []; // nothing could be read, and the card said so
    const now = boundState(entry, entry.targets);
    const fields = snapshots(entry);
    const changes: FieldChange[] = [];
    if (now.action !== before.action) changes.push({ label: 'Sends to', before: before.action, after: now.action });
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
      autocomplete: attr(target, 'autocomplete') ?? '',
    };
    return maskSecret(identity, raw).value;
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

/**
 * What an input says it does. A control in a confirmation dialog ("OK") speaks with the control
 * that opened the dialog ("Drop") and the dialog's question; so does a native `confirm()` the
 * input led to. The first of them that names a consequential kind gives it.
 */
function wordingOf(input: Input, confirmed?: string): Wording {
  const own = input.control ? controlLabel(input.control) : '';
  const dialog = input.control ? dialogOf(input.control) : null;
  const question = confirmed ?? (dialog ? dialogText(dialog) : '');
  const opener = input.opener ? controlLabel(input.opener) : '';
  const words = [opener, own].filter(Boolean).join(' → ');
  const label = normalizeLabel(question ? `${words} (“${question}”)` : words);
  const kinds = [opener, question, own].map((text) => (text ? classifyWording(text) : null));
  const kind = kinds.find((found) => found && found !== 'benign') ?? (kinds.includes('benign') ? 'benign' : null);
  return { label, kind };
}

/** A control in a dialog was opened by the last control outside it (or by what opened that). */
function openerOf(control: Element | null, previous: Input | null): Element | null {
  const dialog = control ? dialogOf(control) : null;
  if (!dialog || !previous?.control) return null;
  return dialog.contains(previous.control) ? previous.opener : previous.control;
}

/** A classified submission, named and kinded by the input that led to it where that says more. */
function withWording(classified: Classified | null, wording: Wording | null): Classified | null {
  if (!classified || !wording?.label) return classified;
  const kind = classified.kind === 'submit' && wording.kind && wording.kind !== 'benign' ? wording.kind : classified.kind;
  return { kind, label: wording.label };
}

/** The method a request asks the server for: its own, or the override it carries. */
function requestMethod(request: RequestDetail): string {
  return effectiveMethod({ method: request.method, fields: request.body.fields, override: request.override });
}

function describeError(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return normalizeLabel(text);
}

function pathOf(url: string): string {
  try {
    return new URL(url).pathname;
  } catch {
    return url.slice(0, 200);
  }
}

/** A request body's fields as the card shows them, secrets masked by their names. */
function requestFields(request: RequestDetail): FieldSnapshot[] {
  const fields = requestFieldSnapshots(request.body.fields, request.body.kind);
  if (request.body.text !== undefined) {
    fields.push({ name: 'body', label: 'Body', type: 'text', value: request.body.text.slice(0, VALUE_LIMIT) });
  }
  return fields.slice(0, 200);
}
