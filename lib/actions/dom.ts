import { parseAmount } from './amount';
import { maskSecret } from './secrets';
import {
  attr,
  byId,
  closest,
  formActionOf,
  formControls,
  hasAttr,
  matches,
  parentOf,
  query,
  queryAll,
  submitterAction,
  textOf,
} from './native';
import { is, realmOf } from './realm';
import type { ActionKind, Amount, Destination, FieldSnapshot, Rect } from './types';
import { contentKind } from './content';
import { isReadOnlyRoute } from './requests';
import { classifyWording, normalizeLabel } from './wording';

export const FIELD_LIMIT = 200;
export const VALUE_LIMIT = 2000;

export interface Classified {
  kind: ActionKind;
  label: string;
}

const CONTROL_SELECTOR =
  'button, input[type=submit], input[type=button], input[type=image], [role=button], [role=link], [role=menuitem], a';

/** The control an event was aimed at, looking through open shadow roots via the composed path. */
export function findControl(path: EventTarget[]): Element | null {
  for (const node of path.slice(0, 12)) {
    if (is(node, 'Element') && matches(node, CONTROL_SELECTOR)) return node;
  }
  return null;
}

export function controlLabel(control: Element): string {
  const aria = attr(control, 'aria-label');
  if (aria) return normalizeLabel(aria);
  if (is(control, 'HTMLInputElement')) return normalizeLabel(control.value || control.alt || control.title);
  const text = normalizeLabel(textOf(control));
  return text || normalizeLabel(attr(control, 'title') ?? '');
}

export function isSubmitButton(control: Element): control is HTMLButtonElement | HTMLInputElement {
  if (is(control, 'HTMLButtonElement')) return control.type === 'submit';
  return is(control, 'HTMLInputElement') && (control.type === 'submit' || control.type === 'image');
}

/** A click on a control outside form submission: purchase, send and delete wording counts. */
export function classifyClick(control: Element): Classified | null {
  if (is(control, 'HTMLAnchorElement') && navigatesElsewhere(control)) return null;
  const label = controlLabel(control);
  const kind = classifyWording(label);
  if (kind === 'purchase' || kind === 'send' || kind === 'delete') return { kind, label };
  return null;
}

/** Plain navigation links pass; links that only run script (no href, "#", javascript:) act like buttons. */
function navigatesElsewhere(link: HTMLAnchorElement): boolean {
  const href = attr(link, 'href');
  if (!href || href.startsWith('#') || /^\s*javascript:/i.test(href)) return false;
  return attr(link, 'role') !== 'button';
}

const METHODS = ['get', 'post', 'dialog'];
const ENCTYPES = ['application/x-www-form-urlencoded', 'multipart/form-data', 'text/plain'];

/** An enumerated attribute as the browser reads it: unknown or missing values fall back. */
function enumerated(value: string | null, allowed: string[], fallback: string): string {
  const lower = (value ?? '').trim().toLowerCase();
  return allowed.includes(lower) ? lower : fallback;
}

/**
 * Where a submission really goes: the submitter's own `formaction`, `formmethod`,
 * `formenctype` and `formtarget` override the form's (HTML's form submission algorithm).
 */
export function effectiveSubmission(form: HTMLFormElement, submitter: Element | null): Destination {
  const own = (name: string) => (submitter && hasAttr(submitter, name) ? attr(submitter, name) : null);
  const method = enumerated(own('formmethod') ?? attr(form, 'method'), METHODS, 'get');
  const enctype = enumerated(own('formenctype') ?? attr(form, 'enctype'), ENCTYPES, ENCTYPES[0]!);
  const target = own('formtarget') ?? attr(form, 'target') ?? '';
  const destination: Destination = {
    action: (submitter && submitterAction(submitter)) || formActionOf(form),
    method,
  };
  if (method === 'post') destination.enctype = enctype;
  if (target && target !== '_self') destination.target = target.slice(0, 200);
  return destination;
}

/** A form submission: GET and search forms pass; wording decides the kind; any other POST is a submit. */
/**
 * `opener`: the control whose activation led to a submission with no submitter (a script's
 * `form.submit()` after a click), which names it. What the form carries (`_method=delete`, SQL
 * that drops a table) decides over its wording; a POST to a search route is a search.
 */
export function classifyForm(form: HTMLFormElement, submitter: Element | null, opener: Element | null = null): Classified | null {
  const destination = effectiveSubmission(form, submitter);
  if (destination.method !== 'post') return null;
  const label = submitter ? controlLabel(submitter) : opener ? controlLabel(opener) : formName(form);
  const content = contentKind({ method: 'post', fields: sentFields(form) });
  if (content === 'delete') return { kind: 'delete', label };
  if (!content && (closest(form, '[role=search]') || query(form, 'input[type=search]') || isReadOnlyRoute(destination.action))) return null;
  const kind = classifyWording(label);
  if (kind === 'benign' && !content) return null;
  if (kind && kind !== 'benign') return { kind, label };
  if (query(form, '[autocomplete^=cc-], [autocomplete*=" cc-"]')) return { kind: 'purchase', label };
  return { kind: 'submit', label };
}

/** The name and value of each field a form would send, for judging what it carries. */
export function sentFields(form: HTMLFormElement): [string, string][] {
  return formFields(form)
    .elements.filter(isField)
    .map((field) => [attr(field, 'name') ?? '', field.value]);
}

/** Dialogs a page opens to confirm: its own modal, `role=dialog`/`alertdialog`, `<dialog>`. */
const DIALOG = 'dialog, [role=dialog], [role=alertdialog], [aria-modal=true]';
const DIALOG_TEXT_LIMIT = 300;

export function dialogOf(control: Element): Element | null {
  return closest(control, DIALOG);
}

/** A confirmation dialog's question: its text without the buttons' own words. */
export function dialogText(dialog: Element): string {
  let text = textOf(dialog);
  for (const button of queryAll(dialog, CONTROL_SELECTOR).slice(0, 20)) text = text.replace(textOf(button), ' ');
  return normalizeLabel(text).slice(0, DIALOG_TEXT_LIMIT);
}

function formName(form: HTMLFormElement): string {
  return normalizeLabel(attr(form, 'aria-label') || attr(form, 'name') || attr(form, 'id') || 'form');
}

const COMPOSER_HINT = /message|chat|reply|comment|write|compose|nachricht|antwort|mensaje|respuesta|répon|écri/i;

/**
 * A message composer sends on Enter, or on Ctrl/Cmd+Enter. Plain Enter only counts in
 * single-line-looking composers (chat boxes); in a tall textarea it inserts a new line.
 */
export function composerSend(target: Element, event: KeyboardEvent): Classified | null {
  if (event.key !== 'Enter' || event.shiftKey || event.altKey || event.isComposing) return null;
  const editable = is(target, 'HTMLTextAreaElement') || (is(target, 'HTMLElement') && target.isContentEditable);
  if (!editable) return null;
  const modified = event.ctrlKey || event.metaKey;
  const name = attr(target, 'aria-label') || attr(target, 'placeholder') || attr(target, 'name') || '';
  const hint = `${name} ${attr(target, 'placeholder') ?? ''} ${attr(target, 'name') ?? ''}`;
  const key = modified ? `${event.metaKey ? 'Cmd' : 'Ctrl'}+Enter` : 'Enter';
  const label = normalizeLabel(name ? `${key} in ${name}` : key);
  const sendControl = nearbySendControl(target);
  if (modified && (sendControl || COMPOSER_HINT.test(hint))) return { kind: 'send', label };
  const singleLine = is(target, 'HTMLTextAreaElement') ? target.rows <= 2 : true;
  if (!modified && singleLine && COMPOSER_HINT.test(hint)) return { kind: 'send', label };
  return null;
}

function nearbySendControl(target: Element): string | null {
  let container: Element | null = parentOf(target);
  for (let depth = 0; container && depth < 4; depth++, container = parentOf(container)) {
    for (const control of queryAll(container, CONTROL_SELECTOR).slice(0, 20)) {
      const label = controlLabel(control);
      if (classifyWording(label) === 'send') return label;
    }
  }
  return null;
}

type FieldElement = HTMLInputElement | HTMLTextAreaElement | HTMLSelectElement;
/** A form field, or a composer (contenteditable) standing in for one. */
export type FieldTarget = FieldElement | HTMLElement;
const SKIPPED_TYPES = new Set(['submit', 'button', 'image', 'reset', 'file']);
const FIELD_SELECTOR = 'input, textarea, select, [contenteditable=""], [contenteditable=true], [role=textbox][contenteditable]';
/** Containers that group fields the way a form does, without being one. */
const FORM_LIKE = 'form, [role=form], [role=dialog], [role=alertdialog], dialog, [aria-modal=true]';
const SCOPE_DEPTH = 6;

function included(element: Element): element is FieldTarget {
  if (!isField(element)) return is(element, 'HTMLElement') && element.isContentEditable && !hasAttr(element, 'aria-hidden');
  if (SKIPPED_TYPES.has(element.type) || element.disabled) return false;
  return !((element.type === 'checkbox' || element.type === 'radio') && !(element as HTMLInputElement).checked);
}

function capped(candidates: Element[]): { elements: FieldTarget[]; truncated: boolean } {
  const elements: FieldTarget[] = [];
  for (const element of candidates) {
    if (!included(element)) continue;
    if (elements.length >= FIELD_LIMIT) return { elements, truncated: true };
    elements.push(element);
  }
  return { elements, truncated: false };
}

/** The fields a form would submit, in order, capped at FIELD_LIMIT. */
export function formFields(form: HTMLFormElement): { elements: FieldTarget[]; truncated: boolean } {
  return capped(formControls(form));
}

/**
 * The fields that go with a control outside any form: the nearest form-like container
 * (`role=form`, a dialog), else the nearest ancestor that holds fields. Nested editors
 * (a contenteditable inside another) count once.
 */
export function fieldScope(control: Element): Element | null {
  const grouped = closest(control, FORM_LIKE);
  if (grouped && !is(grouped, 'HTMLFormElement')) return grouped;
  let container = parentOf(control);
  for (let depth = 0; container && depth < SCOPE_DEPTH; depth++, container = parentOf(container)) {
    if (query(container, FIELD_SELECTOR)) return container;
    if (container === control.ownerDocument.body) break;
  }
  return null;
}

export function scopeFields(scope: Element): { elements: FieldTarget[]; truncated: boolean } {
  const all = queryAll(scope, FIELD_SELECTOR);
  const outermost = all.filter((element) => !all.some((other) => other !== element && other.contains(element)));
  return capped(outermost);
}

export function readValue(target: FieldTarget): string {
  return isField(target) ? target.value : (target.innerText ?? textOf(target));
}

/** Writes a reviewer's edit the way typing would, so page frameworks see the change. */
export function writeValue(target: FieldTarget, value: string): void {
  if (isField(target)) target.value = value;
  else target.textContent = value;
  const realm = realmOf(target);
  target.dispatchEvent(new realm.InputEvent('input', { bubbles: true, composed: true, inputType: 'insertReplacementText' }));
  target.dispatchEvent(new realm.Event('change', { bubbles: true }));
}

/** The composer next to a send control or Enter key, when it is not a form field. */
export function findComposer(near: Element): HTMLElement | null {
  if (is(near, 'HTMLTextAreaElement') || (is(near, 'HTMLElement') && near.isContentEditable)) return near;
  let container: Element | null = parentOf(near);
  for (let depth = 0; container && depth < 5; depth++, container = parentOf(container)) {
    const composer = query(container, 'textarea, [contenteditable=""], [contenteditable=true]');
    if (is(composer, 'HTMLElement')) return composer;
  }
  return null;
}

/** A field, or a composer with its accessible name as the label and its text as the value. */
export function snapshotTarget(target: FieldTarget): FieldSnapshot {
  if (isField(target)) return snapshotField(target);
  const composer = target;
  const text = readValue(composer);
  const snapshot: FieldSnapshot = {
    name: 'message',
    label: normalizeLabel(attr(composer, 'aria-label') || attr(composer, 'placeholder') || 'Message'),
    type: 'contenteditable',
    value: text.slice(0, VALUE_LIMIT),
  };
  if (text.length > VALUE_LIMIT) snapshot.truncated = true;
  return snapshot;
}

/** "#general" or "@ada" when the composer's own name says where it posts; never a guess. */
export function channelOf(composer: HTMLElement | null): string | undefined {
  if (!composer) return undefined;
  const name = `${attr(composer, 'aria-label') ?? ''} ${attr(composer, 'placeholder') ?? ''}`;
  return /[#@][\p{L}\p{N}_.-]+/u.exec(name)?.[0];
}

function isField(element: Element): element is FieldElement {
  return (
    is(element, 'HTMLInputElement') || is(element, 'HTMLTextAreaElement') || is(element, 'HTMLSelectElement')
  );
}

function snapshotField(element: FieldElement): FieldSnapshot {
  const raw = element.value;
  const { value, masked } = maskSecret(
    { type: element.type, name: `${element.name} ${element.id}`, autocomplete: attr(element, 'autocomplete') ?? '' },
    raw,
  );
  const snapshot: FieldSnapshot = {
    name: element.name.slice(0, 200),
    label: fieldLabel(element),
    type: element.type,
    value: value.slice(0, VALUE_LIMIT),
  };
  if (masked) snapshot.masked = true;
  if (element.type === 'hidden') snapshot.hidden = true;
  if (value.length > VALUE_LIMIT) snapshot.truncated = true;
  return snapshot;
}

function fieldLabel(element: FieldElement): string {
  const byFor = element.labels?.[0]?.textContent;
  const labelledBy = attr(element, 'aria-labelledby');
  const labelElement = labelledBy ? byId(element.ownerDocument, labelledBy.split(' ')[0] ?? '') : null;
  const byLabelledBy = labelElement ? textOf(labelElement) : undefined;
  return normalizeLabel(attr(element, 'aria-label') || byFor || byLabelledBy || attr(element, 'placeholder') || element.name || '');
}

const RECIPIENT_NAME = /^(to|cc|bcc|recipients?|an|para|à|destinataires?|empfänger|channel|thread)$/i;
const RECIPIENT_LABEL = /^(to|cc|bcc|an|para|à)\b|recipients?|empfänger|destinataires?|destinatarios?/i;

export function recipientsOf(fields: FieldSnapshot[]): string[] {
  return fields
    .filter((field) => !field.hidden && (RECIPIENT_NAME.test(field.name) || RECIPIENT_LABEL.test(field.label)))
    .flatMap((field) => field.value.split(/[,;]/))
    .map((recipient) => recipient.trim())
    .filter(Boolean)
    .slice(0, 50);
}

export function messageOf(fields: FieldSnapshot[]): string | undefined {
  return fields.find((field) => !field.hidden && (field.type === 'textarea' || field.type === 'contenteditable'))?.value;
}

/**
 * The amount from the control's own text first, then the nearest total line ("Order
 * total", "Amount due"…) in the form or around the control, then the page's.
 */
export function amountOf(label: string, container: Element | null): Amount | undefined {
  const own = parseAmount(label);
  if (own) return own;
  for (let scope = container; scope; scope = parentOf(scope)) {
    const total = totalLine(scope);
    if (total) return total;
  }
  return container ? parseAmount(textOf(container).slice(0, 20000)) : undefined;
}

// Not a subtotal: shops list it before the total.
const TOTAL_LABEL =
  /(?<!sub[\s-]?)(?<!zwischen)(order total|grand total|total due|amount due|amount to pay|total|gesamtsumme|gesamtbetrag|gesamt|summe|montant total|total à payer|montant|importe total|total a pagar|importe)[^\d$€£¥₹]{0,30}/i;

function totalLine(scope: Element): Amount | undefined {
  const text = textOf(scope).slice(0, 20000);
  const match = TOTAL_LABEL.exec(text);
  return match ? parseAmount(text.slice(match.index, match.index + match[0].length + 40)) : undefined;
}

/** The control's rectangle in the top window's viewport, when every frame on the way is same-origin. */
export function targetRect(control: Element): Rect | undefined {
  const rect = control.getBoundingClientRect();
  let x = rect.x;
  let y = rect.y;
  try {
    for (let view: Window | null = control.ownerDocument.defaultView; view && view !== view.top; view = view.parent) {
      const frame = view.frameElement;
      if (!frame) return undefined;
      const outer = frame.getBoundingClientRect();
      x += outer.x + frame.clientLeft;
      y += outer.y + frame.clientTop;
    }
  } catch {
    return undefined; // a cross-origin ancestor: its layout is not ours to read
  }
  return { x: Math.round(x), y: Math.round(y), width: Math.round(rect.width), height: Math.round(rect.height) };
}
