import * as v from 'valibot';
import {
  PAGE_KINDS,
  GUARD_SIGNALS,
  REQUEST_VIAS,
  PAGE_TRIGGERS,
  ACTION_CAUSES,
  type Destination,
  type FieldSnapshot,
  type GuardSignal,
  type ProposedAction,
  type LineItem,
  type ToolCall,
} from '@/lib/actions/types';
import { finite, LIMITS, parseOrNull, text } from './schemas';
import type { DecisionReply, RevealReply } from './protocol';

// What frames send the background: proposals and their answers to decisions. A proposal is
// read leniently (what cannot be read is named on the card); an answer is all or nothing.

const field = v.pipe(
  v.object({
    name: text(200),
    label: text(200),
    type: text(40),
    value: text(LIMITS.value),
    masked: v.optional(v.unknown()),
    hidden: v.optional(v.unknown()),
    truncated: v.optional(v.unknown()),
  }),
  v.transform(({ masked, hidden, truncated, ...rest }): FieldSnapshot => ({
    ...rest,
    ...(masked === true ? { masked: true } : {}),
    ...(hidden === true ? { hidden: true } : {}),
    ...(truncated === true ? { truncated: true } : {}),
  })),
);

const amount = v.object({ value: finite, currency: v.pipe(v.string(), v.minLength(1), v.maxLength(8)), text: text(100) });

const change = v.object({ label: text(LIMITS.text), before: text(LIMITS.url), after: text(LIMITS.url) });

const rect = v.object({ x: finite, y: finite, width: finite, height: finite });

const target = v.object({
  ...rect.entries,
  viewportWidth: v.pipe(v.number(), v.finite(), v.gtValue(0)),
  viewportHeight: v.pipe(v.number(), v.finite(), v.gtValue(0)),
});

/** Optional parts of a destination that do not parse are left out; action and method may not. */
const destination = v.pipe(
  v.object({
    action: text(LIMITS.url),
    method: text(20),
    enctype: v.optional(v.unknown()),
    target: v.optional(v.unknown()),
    via: v.optional(v.unknown()),
    asMethod: v.optional(v.unknown()),
  }),
  v.transform(({ action, method, enctype, target, via, asMethod }): Destination => {
    const out: Destination = { action, method };
    const enc = parseOrNull(text(100), enctype);
    if (enc) out.enctype = enc;
    const into = parseOrNull(text(200), target);
    if (into) out.target = into;
    const how = parseOrNull(v.picklist(REQUEST_VIAS), via);
    if (how) out.via = how;
    const asked = parseOrNull(v.picklist(['PUT', 'PATCH', 'DELETE']), asMethod);
    if (asked) out.asMethod = asked;
    return out;
  }),
);

const lineItem = v.pipe(
  v.object({ name: text(200), quantity: v.optional(v.unknown()), price: v.optional(v.unknown()) }),
  v.transform(({ name, quantity, price }): LineItem => {
    const item: LineItem = { name };
    const count = parseOrNull(v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(1_000_000)), quantity);
    if (count !== null) item.quantity = count;
    const written = parseOrNull(text(100), price);
    if (written !== null) item.price = written;
    return item;
  }),
);

const flag = v.optional(v.unknown());
const toolCall = v.pipe(
  v.object({ name: text(LIMITS.text), description: text(LIMITS.message), readOnly: flag, consequential: flag, declarative: flag }),
  v.transform(({ name, description, readOnly, consequential, declarative }): ToolCall => ({
    name,
    description,
    ...(readOnly === true ? { readOnly: true } : {}),
    ...(consequential === true ? { consequential: true } : {}),
    ...(declarative === true ? { declarative: true } : {}),
  })),
);

const decisionReply = v.object({
  delivered: v.boolean(),
  changed: v.exactOptional(v.pipe(v.array(change), v.maxLength(LIMITS.fields + 3))),
  fields: v.exactOptional(v.pipe(v.array(field), v.maxLength(LIMITS.fields))),
  amount: v.exactOptional(v.nullable(amount)),
});

/** A request that joins a pending card: all or nothing, like an answer. */
export const joinedRequest = v.object({
  method: text(20),
  url: text(LIMITS.url),
  fields: v.pipe(v.array(field), v.maxLength(LIMITS.fields)),
});

/** What a frame answers to a decision; anything else counts as no answer. */
export function parseDecisionReply(value: unknown): DecisionReply | null {
  return parseOrNull(decisionReply, value);
}

const revealReply = v.union([v.object({ value: text(10 * LIMITS.edit) }), v.object({ error: text(LIMITS.text) })]);

export function parseRevealReply(value: unknown): RevealReply | null {
  return parseOrNull(revealReply, value);
}

/** Starts the note naming the parts of a proposal that failed validation. */
export const UNREADABLE_DESCRIPTION = "the page's description of: ";

const strings = (count: number, length: number) => v.pipe(v.array(text(length)), v.maxLength(count));

/**
 * A proposal from a page. Only its id is required (the decision must find its way back);
 * anything else that fails validation is left out and named in `unreadable`, so the card
 * says what could not be read instead of the action being held with no card at all.
 */
export function parseProposedAction(value: unknown): ProposedAction | null {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return null;
  const raw = value as Record<string, unknown>;
  const id = parseOrNull(v.pipe(v.string(), v.maxLength(100), v.regex(/^[\w-]+$/)), raw.id);
  if (!id) return null;
  const problems: string[] = [];
  const need = <S extends v.GenericSchema>(what: string, schema: S, input: unknown, fallback: v.InferOutput<S>) => {
    const parsed = parseOrNull(schema, input);
    if (parsed !== null) return parsed;
    problems.push(what);
    return fallback;
  };
  const optional = <S extends v.GenericSchema>(what: string, schema: S, input: unknown): v.InferOutput<S> | undefined => {
    if (input === undefined) return undefined;
    const parsed = parseOrNull(schema, input);
    if (parsed === null) problems.push(what);
    return parsed ?? undefined;
  };
  const action: ProposedAction = {
    id,
    kind: need('kind', v.picklist(PAGE_KINDS), raw.kind, 'unclassified'),
    trigger: need('trigger', v.picklist(PAGE_TRIGGERS), raw.trigger, 'click'),
    label: need('control label', text(LIMITS.text), raw.label, ''),
    frameUrl: need('frame address', text(LIMITS.url), raw.frameUrl, ''),
    frameTitle: need('frame title', text(LIMITS.text), raw.frameTitle, ''),
    fields: [],
    signals: [],
    heldAt: parseOrNull(finite, raw.heldAt) ?? Date.now(),
  };
  const signals = Array.isArray(raw.signals) ? raw.signals.slice(0, GUARD_SIGNALS.length) : [];
  action.signals = signals.filter((signal): signal is GuardSignal => GUARD_SIGNALS.includes(signal));
  if (!action.signals.length) action.signals = ['unconfirmed']; // the background checks the tab itself
  if (Array.isArray(raw.fields)) {
    const fields = raw.fields.slice(0, LIMITS.fields).map((item) => parseOrNull(field, item));
    action.fields = fields.filter((item): item is FieldSnapshot => item !== null);
    const lost = fields.length - action.fields.length + Math.max(0, raw.fields.length - LIMITS.fields);
    if (lost) problems.push(`${lost} field${lost === 1 ? '' : 's'}`);
  } else problems.push('fields');
  if (raw.fieldsTruncated === true) action.fieldsTruncated = true;
  const form = optional('destination', destination, raw.form);
  if (form) action.form = form;
  const money = optional('amount', amount, raw.amount);
  if (money) action.amount = money;
  const recipients = optional('recipients', strings(50, 500), raw.recipients);
  if (recipients) action.recipients = recipients;
  const message = optional('message', text(LIMITS.message), raw.message);
  const cause = optional('cause', v.picklist(ACTION_CAUSES), raw.cause);
  if (cause) action.cause = cause;
  const tool = optional('tool', toolCall, raw.tool);
  if (tool) action.tool = tool;
  const items = optional('items bought', v.pipe(v.array(lineItem), v.maxLength(50)), raw.items);
  if (items) action.items = items;
  const deliverTo = optional('delivery address', text(1000), raw.deliverTo);
  if (deliverTo !== undefined) action.deliverTo = deliverTo;
  if (message !== undefined) action.message = message;
  const box = optional('control position', target, raw.target);
  if (box) action.target = box;
  const redactions = optional('secret positions', v.pipe(v.array(rect), v.maxLength(LIMITS.fields)), raw.redactions);
  if (redactions) action.redactions = redactions;
  const notes = optional('notes', strings(20, 500), raw.unreadable) ?? [];
  if (problems.length) notes.push(`${UNREADABLE_DESCRIPTION}${problems.join(', ')}`);
  if (notes.length) action.unreadable = notes;
  return action;
}

/** The proposal in a `hold` message: refused only when it has no usable id. */
export const proposedAction = v.pipe(
  v.unknown(),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const action = parseProposedAction(dataset.value);
    if (action) return action;
    addIssue({ message: 'an action needs an id of letters, digits, _ or -' });
    return NEVER;
  }),
);
