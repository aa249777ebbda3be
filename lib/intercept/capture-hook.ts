import { contentKind } from '@/lib/actions/content';
import { matches } from '@/lib/actions/native';
import { CAUSE_WINDOW_MS, isReadOnlyRequest, pathOf } from '@/lib/actions/requests';
import { toolKind, type ToolSchema } from '@/lib/actions/tool-call';
import type { ToolCall } from '@/lib/actions/types';
import { clip, normalizeLabel } from '@/lib/actions/wording';
import type { RequestDecision, RequestDetail, ToolCallDetail } from '@/lib/messaging/frames';
import type { Capture } from './capture';
import { requestMethod } from './request-method';
import { describeError } from './unreadable';
import type { HoldSpec, Input } from './held';
import { REQUEST_DECISION_EVENT, REQUEST_EVENT, TOOL_EVENT } from './hook-events';
import { wordingOf } from './input-wording';
import { nonceOf, readRequestDetail, readToolCall } from './read-messages';

/** Controls that switch a view or a filter rather than commit anything. */
const TOGGLES = '[role=tab], [role=switch], [role=checkbox], [role=option], [role=menuitemcheckbox], [aria-pressed], [aria-expanded], select, input[type=checkbox], input[type=radio]';
const WRITE_METHODS = ['PUT', 'PATCH', 'DELETE'];

/**
 * The MAIN-world hook's events: requests the page is about to send and WebMCP tool calls, each
 * carrying a nonce for the answer. One that cannot be read but can be answered is held as
 * unclassified; one with no nonce is not the hook's (a page can only ever ask for a hold of its
 * own requests, never answer one).
 */
export function listenToHook(capture: Capture): void {
  const { win } = capture;
  const read = (event: Event) => {
    event.stopImmediatePropagation(); // the nonce never reaches page listeners
    capture.guard.greet();
    try {
      return JSON.parse(String((event as CustomEvent).detail)) as unknown;
    } catch {
      return null;
    }
  };
  win.addEventListener(REQUEST_EVENT, (event) => requested(capture, event, read(event)), true);
  win.addEventListener(TOOL_EVENT, (event) => toolCalled(capture, event, read(event)), true);
}

/** Sends the isolated world's answer back to the hook, under the nonce it came with. */
const answerer = (win: Window & typeof globalThis, nonce: string) => (decision: Omit<RequestDecision, 'nonce'>) => () =>
  win.dispatchEvent(new win.CustomEvent(REQUEST_DECISION_EVENT, { detail: JSON.stringify({ ...decision, nonce }) }));

/**
 * The second line: a state-changing request the page makes soon after an input, whatever the
 * control's wording. Held while the decision is made; the hook sends it once on approval and
 * fails it on rejection.
 */
function requested(capture: Capture, event: Event, raw: unknown): void {
  const { win, guard, inputs, replays, holds } = capture;
  const nonce = nonceOf(raw);
  if (nonce === null) return;
  const detail = readRequestDetail(raw);
  // Code a client evaluated in the page, or a page tool no person approved, acts with no
  // control: no input, replay or wording excuses it.
  const byInput = detail?.cause === 'input';
  // Requests of an approved or released action's replay were covered by that decision.
  if (byInput && replays.covers()) return;
  const input = byInput ? inputs.last() : null;
  const read = detail ? judgeRequest(capture, detail, input) : { kind: 'unclassified' as const, label: 'Could not read this request', failure: 'its description was malformed' };
  if (!read) return;
  // An evaluated script has no input to judge as trusted or not: the tab's own signals decide.
  // A tool's request is the agent's call going on, in any tab.
  const signals = detail?.cause === 'tool' ? guard.toolSignals() : guard.signals(input?.trusted ?? true);
  if (!signals.length) return;
  event.preventDefault();
  const answer = answerer(win, nonce);
  const near = input?.control ?? win.document.documentElement;
  const spec: HoldSpec = { ...read, trigger: 'request', signals, form: null, submitter: null, near, input, replay: answer({ verdict: 'approve' }), discard: answer({ verdict: 'reject' }) };
  if (detail) holds.holdOrJoin(spec, detail);
  else holds.hold(spec);
}

/** What a request is, judged by what it carries and the input behind it; null when it passes. */
function judgeRequest({ win, clock }: Capture, detail: RequestDetail, input: Input | null): Pick<HoldSpec, 'kind' | 'label' | 'request' | 'failure'> | null {
  try {
    const byInput = detail.cause === 'input';
    // A native confirm() the agent accepted is the input's moment, however long the dialog was open.
    const confirmed = detail.confirmed;
    // What the request carries decides over the control's wording (an "OK" that sends DROP TABLE).
    const content = contentKind({ method: detail.method, fields: detail.body.fields, override: detail.override, text: detail.body.text });
    // Only a control's activation (or Enter) causes: ticking a box or picking a tab is browsing.
    if (byInput && (!input?.control || (clock.now() - input.at > CAUSE_WINDOW_MS && confirmed === undefined))) return null;
    if (byInput && !content && input?.control && matches(input.control, TOGGLES)) return null;
    const wording = input?.control ? (confirmed === undefined ? (input.wording ??= wordingOf(input)) : wordingOf(input, confirmed)) : null;
    // A search, lint or preview route reads what it is sent (SQL to lint is not run); a method
    // override to PUT, PATCH or DELETE is not a read wherever it goes.
    const method = requestMethod(detail);
    const readOnly = !WRITE_METHODS.includes(method) && isReadOnlyRequest({ ...detail, fields: detail.body.fields }, win.location.href);
    if (readOnly || (!content && wording?.kind === 'benign')) return null;
    const worded = wording?.kind && wording.kind !== 'benign' ? wording.kind : null;
    const kind = content === 'delete' ? 'delete' : (worded ?? content ?? 'submit');
    return { kind, label: wording?.label || `${method} ${pathOf(detail.url)}`, request: detail };
  } catch (error) {
    return { kind: 'unclassified', label: 'Could not read this request', failure: describeError(error) };
  }
}

/**
 * An agent called one of the page's WebMCP tools: held before any of the tool's code runs, in
 * any tab (the call is itself the sign of an agent), unless the guard is off.
 */
function toolCalled(capture: Capture, event: Event, raw: unknown): void {
  const { win, guard, holds } = capture;
  const nonce = nonceOf(raw);
  if (nonce === null) return;
  const signals = guard.toolSignals();
  if (!signals.length) return;
  event.preventDefault();
  const answer = answerer(win, nonce);
  const detail = readToolCall(raw);
  const tool = toolOf(detail);
  const input = detail?.input;
  const toolArgs = input && typeof input === 'object' && !Array.isArray(input)
    ? { values: input as Record<string, unknown>, schema: detail?.inputSchema as ToolSchema | undefined }
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
    near: win.document.documentElement,
    replay: (reviewed) => answer({ verdict: 'approve', reviewed, ...(toolArgs ? { input: toolArgs.values } : {}) })(),
    discard: (why) => answer({ verdict: 'reject', message: why })(),
  };
  // The page's read-only claim runs it at once, as a run no person approved (what it sends is
  // judged at the request); the background only logs it.
  if (!tool.readOnly || tool.consequential || read.failure) return holds.hold(spec);
  win.queueMicrotask(() => spec.replay(false)); // once the hook is waiting for the answer
  holds.logRun(spec);
}

function toolOf(detail: ToolCallDetail | null): ToolCall {
  const tool: ToolCall = { name: normalizeLabel(detail?.name ?? 'unreadable tool call'), description: clip(String(detail?.description ?? ''), 2000) };
  if (detail?.readOnly === true) tool.readOnly = true;
  if (detail?.consequential === true) tool.consequential = true;
  return tool;
}
