import { effectiveMethod } from '@/lib/actions/content';
import {
  amountOf,
  channelOf,
  effectiveSubmission,
  fieldScope,
  findComposer,
  formFields,
  messageOf,
  readValue,
  recipientsOf,
  scopeFields,
  sentFields,
  snapshotTarget,
  targetRect,
  VALUE_LIMIT,
  type FieldTarget,
} from '@/lib/actions/dom';
import { attr, titleOf } from '@/lib/actions/native';
import { deliveryAddressIn, fieldsCarryAddress, lineItemsNear } from '@/lib/actions/order';
import { requestFieldSnapshots } from '@/lib/actions/requests';
import { maskSecret } from '@/lib/actions/secrets';
import { toolAmount, toolFields, toolMessage } from '@/lib/actions/tool-call';
import type { Amount, Destination, FieldChange, FieldSnapshot, ProposedAction, Rect, TargetBox } from '@/lib/actions/types';
import { clip, normalizeLabel, TITLE_LIMIT } from '@/lib/actions/wording';
import type { BoundState, Held, HoldSpec } from './held';
import type { RequestDetail } from './page-hook';

const URL_LIMIT = 8192;

/**
 * Describes held actions for the card (what is sent, where, to whom, what could not be read)
 * and binds approvals to what the card showed, reading the page of `win`.
 */
export function createProposals(win: Window & typeof globalThis) {
  const doc = win.document;

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
      if (recipients.length) action.recipients = recipients;
      else if (channel) action.recipients = [channel];
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
      const [field, target] = [fields[index], entry.targets[index]];
      if (!field || !target) return; // fields and targets are read together: one per control
      const shown = (raw: string) => (field.masked ? maskedLike(target, raw) : clip(raw, VALUE_LIMIT));
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

  return { fieldTargets, snapshots, currentAmount, describe, unreadable, boundState, changesSince };
}

/** The method a request asks the server for: its own, or the override it carries. */
export function requestMethod(request: RequestDetail): string {
  return effectiveMethod({ method: request.method, fields: request.body.fields, override: request.override });
}

export function describeError(error: unknown): string {
  const text = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  return normalizeLabel(text);
}

/** A request body's fields as the card shows them, secrets masked by their names. */
export function requestFields(request: RequestDetail): FieldSnapshot[] {
  const fields = requestFieldSnapshots(request.body.fields, request.body.kind);
  if (request.body.text !== undefined) {
    fields.push({ name: 'body', label: 'Body', type: 'text', value: request.body.text.slice(0, VALUE_LIMIT) });
  }
  return fields.slice(0, 200);
}
