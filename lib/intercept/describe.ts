import { effectiveMethod } from '@/lib/actions/content';
import {
  amountOf,
  channelOf,
  effectiveSubmission,
  fieldScope,
  findComposer,
  formFields,
  messageOf,
  recipientsOf,
  scopeFields,
  sentFields,
  snapshotTarget,
  targetRect,
  VALUE_LIMIT,
  type FieldTarget,
} from '@/lib/actions/dom';
import { deliveryAddressIn, fieldsCarryAddress, lineItemsNear } from '@/lib/actions/order';
import { requestFieldSnapshots } from '@/lib/actions/requests';
import { toolAmount, toolFields, toolMessage } from '@/lib/actions/tool-call';
import type { Amount, Destination, FieldSnapshot, ProposedAction, Rect, TargetBox } from '@/lib/actions/types';
import { clip } from '@/lib/actions/wording';
import type { RequestDetail } from '@/lib/messaging/frames';
import type { Held, HoldSpec } from './held';
import { requestMethod } from './request-method';
import { frameOf, URL_LIMIT } from './unreadable';

// Describing a held action for the card: what is sent, where, to whom, and what could not be
// read. Reads the page; changes nothing.

/** The elements whose values the reviewer sees, in the order of the proposal's fields. */
export function fieldTargets(spec: HoldSpec): { targets: FieldTarget[]; truncated: boolean } {
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

export function snapshots(entry: Held): FieldSnapshot[] {
  if (entry.request) return requestFields(entry.request);
  if (entry.toolArgs) return toolFields(entry.toolArgs.values, entry.toolArgs.schema);
  return entry.targets.map(snapshotTarget);
}

export function currentAmount(entry: HoldSpec): Amount | undefined {
  if (entry.tool && !entry.tool.declarative) return entry.toolArgs && toolAmount(entry.toolArgs.values);
  return amountOf(entry.label, entry.form ?? entry.near.parentElement);
}

export function destinationOf(entry: HoldSpec): Destination | undefined {
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

export function describeAction(win: Window, id: string, entry: Held): ProposedAction {
  const fields = snapshots(entry);
  const action: ProposedAction = { ...frameOf(win, entry, id), kind: entry.kind, fields };
  if (entry.request?.cause === 'script') action.cause = 'evaluated-script';
  if (entry.request?.cause === 'tool') action.cause = 'tool-execution';
  if (entry.tool) action.tool = entry.tool;
  const unreadable: string[] = entry.failure ? [`could not read this action: ${entry.failure}`] : [];
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
  if (entry.kind === 'purchase' && !entry.toolArgs) describeOrder(win.document, action, entry.near, unreadable);
  if (entry.kind === 'send') describeMessage(action, entry, unreadable);
  if (unreadable.length) action.unreadable = unreadable;
  // A tool call has no control on the page to point at.
  const target = entry.trigger === 'tool' ? undefined : targetBox(win, entry.near);
  if (target) action.target = target;
  const secrets = entry.targets.filter((_, index) => fields[index]?.masked && !fields[index]?.hidden);
  const redactions = secrets.map(targetRect);
  // Every secret located, or none listed: the background then keeps no picture at all.
  if (target && redactions.every(Boolean)) action.redactions = redactions as Rect[];
  return action;
}

/** Who a message goes to and what it says, or that the recipients could not be read. */
function describeMessage(action: ProposedAction, entry: Held, unreadable: string[]): void {
  const recipients = recipientsOf(action.fields);
  const channel = recipients.length || entry.toolArgs ? undefined : channelOf(findComposer(entry.near));
  if (recipients.length) action.recipients = recipients;
  else if (channel) action.recipients = [channel];
  else unreadable.push('the recipients');
  const message = entry.toolArgs ? toolMessage(entry.toolArgs.values) : messageOf(action.fields);
  if (message) action.message = message;
}

/** What a purchase buys and where it goes, from the page's order summary, or that they could not be read. */
function describeOrder(doc: Document, action: ProposedAction, near: Element, unreadable: string[]): void {
  const items = lineItemsNear(near);
  if (items.length) action.items = items;
  else unreadable.push('the items bought');
  if (fieldsCarryAddress(action.fields)) return;
  const deliverTo = deliveryAddressIn(doc);
  if (deliverTo) action.deliverTo = deliverTo;
  else if (items.length) unreadable.push('the delivery address');
}

function targetBox(win: Window, control: Element): TargetBox | undefined {
  const rect = targetRect(control);
  if (!rect) return undefined;
  try {
    const top = win.top ?? win;
    return { ...rect, viewportWidth: top.innerWidth, viewportHeight: top.innerHeight };
  } catch {
    return undefined;
  }
}

/** A request body's fields as the card shows them, secrets masked by their names. */
export function requestFields(request: RequestDetail): FieldSnapshot[] {
  const fields = requestFieldSnapshots(request.body.fields, request.body.kind);
  if (request.body.text !== undefined) {
    fields.push({ name: 'body', label: 'Body', type: 'text', value: request.body.text.slice(0, VALUE_LIMIT) });
  }
  return fields.slice(0, 200);
}
