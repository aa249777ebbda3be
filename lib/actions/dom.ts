import { parseAmount } from './amount';
import { maskSecret } from './secrets';
import type { ActionKind, Amount, FieldSnapshot } from './types';
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
const SKIPPED_TYPES = new Set(['submit', 'button', 'image', 'reset', 'file']);

/** The fields of a form as the reviewer should see them: labelled, capped, secrets masked. */
export function collectFields(form: HTMLFormElement): { fields: FieldSnapshot[]; truncated: boolean } {
  const fields: FieldSnapshot[] = [];
  let truncated = false;
  for (const element of Array.from(form.elements)) {
    if (!isField(element) || SKIPPED_TYPES.has(element.type)) continue;
    if ((element.type === 'checkbox' || element.type === 'radio') && !(element as HTMLInputElement).checked) continue;
    if (fields.length >= FIELD_LIMIT) {
      truncated = true;
      break;
    }
    fields.push(snapshotField(element));
  }
  return { fields, truncated };
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
  return fields.find((field) => field.type === 'textarea')?.value;
}

/** The amount from the control's own text first, then the form's text (its total line). */
export function amountOf(label: string, container: Element | null): Amount | undefined {
  return parseAmount(label) ?? (container ? parseAmount(totalLine(container)) : undefined);
}

function totalLine(container: Element): string {
  const text = (container.textContent ?? '').slice(0, 20000);
  const total = /(order total|grand total|total|amount due|gesamt(summe|betrag)?|montant|importe)[^\d$€£¥₹]{0,40}[^\n]{0,40}/i.exec(text);
  return total ? total[0] : text;
}
