import { parseAmount } from './amount';
import { maskSecret } from './secrets';
import type { ActionKind, Amount, FieldSnapshot, Rect } from './types';
import { classifyWording, normalizeLabel } from './wording';

export const FIELD_LIMIT = 200;
export const VALUE_LIMIT = 2000;

export interface Classified {
  kind: ActionKind;
  label: string;
}

const CONTROL_SELECTOR =
  'button, input[type=submit], input[type=button], input[type=image], [role=button], [role=link], a';

/** The control an event was aimed at, looking through open shadow roots via the composed path. */
export function findControl(path: EventTarget[]): Element | null {
  for (const node of path.slice(0, 12)) {
    if (node instanceof Element && node.matches(CONTROL_SELECTOR)) return node;
  }
  return null;
}

export function controlLabel(control: Element): string {
  const aria = control.getAttribute('aria-label');
  if (aria) return normalizeLabel(aria);
  if (control instanceof HTMLInputElement) return normalizeLabel(control.value || control.alt || control.title);
  const text = normalizeLabel(control.textContent ?? '');
  return text || normalizeLabel(control.getAttribute('title') ?? '');
}

export function isSubmitButton(control: Element): control is HTMLButtonElement | HTMLInputElement {
  if (control instanceof HTMLButtonElement) return control.type === 'submit';
  return control instanceof HTMLInputElement && (control.type === 'submit' || control.type === 'image');
}

/** A click on a control outside form submission: only purchase and send wording counts. */
export function classifyClick(control: Element): Classified | null {
  if (control instanceof HTMLAnchorElement && navigatesElsewhere(control)) return null;
  const label = controlLabel(control);
  const kind = classifyWording(label);
  if (kind === 'purchase' || kind === 'send') return { kind, label };
  return null;
}

/** Plain navigation links pass; links that only run script (no href, "#", javascript:) act like buttons. */
function navigatesElsewhere(link: HTMLAnchorElement): boolean {
  const href = link.getAttribute('href');
  if (!href || href.startsWith('#') || /^\s*javascript:/i.test(href)) return false;
  return link.getAttribute('role') !== 'button';
}

/** A form submission: GET and search forms pass; wording decides purchase/send; any other POST is a submit. */
export function classifyForm(form: HTMLFormElement, submitter: Element | null): Classified | null {
  const method = (submitter?.getAttribute('formmethod') || form.getAttribute('method') || 'get').toLowerCase();
  if (method !== 'post') return null;
  if (form.closest('[role=search]') || form.querySelector('input[type=search]')) return null;
  const label = submitter ? controlLabel(submitter) : formName(form);
  const kind = classifyWording(label);
  if (kind === 'benign') return null;
  if (kind) return { kind, label };
  if (form.querySelector('[autocomplete^=cc-], [autocomplete*=" cc-"]')) return { kind: 'purchase', label };
  return { kind: 'submit', label };
}

export function formMethod(form: HTMLFormElement): string {
  return (form.getAttribute('method') || 'get').toLowerCase().slice(0, 20);
}

function formName(form: HTMLFormElement): string {
  return normalizeLabel(form.getAttribute('aria-label') || form.getAttribute('name') || form.id || 'form');
}

const COMPOSER_HINT = /message|chat|reply|comment|write|compose|nachricht|antwort|mensaje|respuesta|répon|écri/i;

/**
 * A message composer sends on Enter, or on Ctrl/Cmd+Enter. Plain Enter only counts in
 * single-line-looking composers (chat boxes); in a tall textarea it inserts a new line.
 */
export function composerSend(target: Element, event: KeyboardEvent): Classified | null {
  if (event.key !== 'Enter' || event.shiftKey || event.altKey || event.isComposing) return null;
  const editable = target instanceof HTMLTextAreaElement || (target instanceof HTMLElement && target.isContentEditable);
  if (!editable) return null;
  const modified = event.ctrlKey || event.metaKey;
  const name = target.getAttribute('aria-label') || target.getAttribute('placeholder') || target.getAttribute('name') || '';
  const hint = `${name} ${target.getAttribute('placeholder') ?? ''} ${target.getAttribute('name') ?? ''}`;
  const key = modified ? `${event.metaKey ? 'Cmd' : 'Ctrl'}+Enter` : 'Enter';
  const label = normalizeLabel(name ? `${key} in ${name}` : key);
  const sendControl = nearbySendControl(target);
  if (modified && (sendControl || COMPOSER_HINT.test(hint))) return { kind: 'send', label };
  const singleLine = target instanceof HTMLTextAreaElement ? target.rows <= 2 : true;
  if (!modified && singleLine && COMPOSER_HINT.test(hint)) return { kind: 'send', label };
  return null;
}

function nearbySendControl(target: Element): string | null {
  let container: Element | null = target.parentElement;
  for (let depth = 0; container && depth < 4; depth++, container = container.parentElement) {
    for (const control of Array.from(container.querySelectorAll(CONTROL_SELECTOR)).slice(0, 20)) {
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

/** The fields a form would submit, in order, capped at FIELD_LIMIT. */
export function formFields(form: HTMLFormElement): { elements: FieldElement[]; truncated: boolean } {
  const elements: FieldElement[] = [];
  for (const element of Array.from(form.elements)) {
    if (!isField(element) || SKIPPED_TYPES.has(element.type) || element.disabled) continue;
    if ((element.type === 'checkbox' || element.type === 'radio') && !(element as HTMLInputElement).checked) continue;
    if (elements.length >= FIELD_LIMIT) return { elements, truncated: true };
    elements.push(element);
  }
  return { elements, truncated: false };
}

export function readValue(target: FieldTarget): string {
  return isField(target) ? target.value : (target.innerText ?? target.textContent ?? '');
}

/** Writes a reviewer's edit the way typing would, so page frameworks see the change. */
export function writeValue(target: FieldTarget, value: string): void {
  if (isField(target)) target.value = value;
  else target.textContent = value;
  target.dispatchEvent(new InputEvent('input', { bubbles: true, composed: true, inputType: 'insertReplacementText' }));
  target.dispatchEvent(new Event('change', { bubbles: true }));
}

/** The composer next to a send control or Enter key, when it is not a form field. */
export function findComposer(near: Element): HTMLElement | null {
  if (near instanceof HTMLTextAreaElement || (near instanceof HTMLElement && near.isContentEditable)) return near;
  let container: Element | null = near.parentElement;
  for (let depth = 0; container && depth < 5; depth++, container = container.parentElement) {
    const composer = container.querySelector<HTMLElement>('textarea, [contenteditable=""], [contenteditable=true]');
    if (composer) return composer;
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
    label: normalizeLabel(composer.getAttribute('aria-label') || composer.getAttribute('placeholder') || 'Message'),
    type: 'contenteditable',
    value: text.slice(0, VALUE_LIMIT),
  };
  if (text.length > VALUE_LIMIT) snapshot.truncated = true;
  return snapshot;
}

/** "#general" or "@ada" from a composer named "Message #general", else the thread's name. */
export function channelOf(composer: HTMLElement | null, title: string): string | undefined {
  const name = composer ? `${composer.getAttribute('aria-label') ?? ''} ${composer.getAttribute('placeholder') ?? ''}` : '';
  const tagged = /[#@][\p{L}\p{N}_.-]+/u.exec(name);
  if (tagged) return tagged[0];
  const thread = normalizeLabel(title.split(/[–|-]/)[0] ?? '');
  return thread || undefined;
}

function isField(element: Element): element is FieldElement {
  return (
    element instanceof HTMLInputElement || element instanceof HTMLTextAreaElement || element instanceof HTMLSelectElement
  );
}

function snapshotField(element: FieldElement): FieldSnapshot {
  const raw = element.value;
  const { value, masked } = maskSecret(
    { type: element.type, name: `${element.name} ${element.id}`, autocomplete: element.getAttribute('autocomplete') ?? '' },
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
  const labelledBy = element.getAttribute('aria-labelledby');
  const byId = labelledBy ? element.ownerDocument.getElementById(labelledBy.split(' ')[0] ?? '')?.textContent : undefined;
  return normalizeLabel(
    element.getAttribute('aria-label') || byFor || byId || element.getAttribute('placeholder') || element.name || '',
  );
}

const RECIPIENT_NAME = /^(to|cc|bcc|recipients?|an|para|à|destinataires?|empfänger|channel|thread)$/i;

export function recipientsOf(fields: FieldSnapshot[]): string[] {
  return fields
    .filter((field) => RECIPIENT_NAME.test(field.name) || RECIPIENT_NAME.test(field.label))
    .flatMap((field) => field.value.split(/[,;]/))
    .map((recipient) => recipient.trim())
    .filter(Boolean)
    .slice(0, 50);
}

export function messageOf(fields: FieldSnapshot[]): string | undefined {
  return fields.find((field) => field.type === 'textarea' || field.type === 'contenteditable')?.value;
}

/**
 * The amount from the control's own text first, then the nearest total line ("Order
 * total", "Amount due"…) in the form or around the control, then the page's.
 */
export function amountOf(label: string, container: Element | null): Amount | undefined {
  const own = parseAmount(label);
  if (own) return own;
  for (let scope = container; scope; scope = scope.parentElement) {
    const total = totalLine(scope);
    if (total) return total;
  }
  return container ? parseAmount((container.textContent ?? '').slice(0, 20000)) : undefined;
}

const TOTAL_LABEL =
  /(order total|grand total|total due|amount due|amount to pay|total|gesamtsumme|gesamtbetrag|gesamt|summe|montant total|total à payer|montant|importe total|total a pagar|importe)[^\d$€£¥₹]{0,30}/i;

function totalLine(scope: Element): Amount | undefined {
  const text = (scope.textContent ?? '').slice(0, 20000);
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
