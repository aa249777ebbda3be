import { parseAmount } from './amount';
import { FIELD_CAP } from './requests';
import { maskSecret } from './secrets';
import type { ActionKind, Amount, FieldSnapshot, ToolCall } from './types';
import { classifyWording } from './wording';

/** The part of a tool's JSON Schema the card reads: each argument's type, format and title. */
export interface ToolSchema {
  properties?: Record<string, { type?: unknown; format?: unknown; title?: unknown } | undefined>;
}

const VALUE_CAP = 2000;
const AMOUNT_ARG = /amount|total|^(price|sum)$/i;
const CURRENCY_ARG = /^(currency|currency_?code|ccy)$/i;
const MESSAGE_ARG = /^(message|body|text|content|comment|note)$/i;
/** ISO 4217's code for "no currency": an amount whose currency the tool's arguments do not name. */
export const NO_CURRENCY = 'XXX';

/** A tool's name read as words: `transfer_money` and `transferMoney` say "transfer money". */
export function toolWords(name: string): string {
  return name
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/[_\-.]+/g, ' ')
    .toLowerCase()
    .trim();
}

/** With the wording tables of controls: the name first, then the description; else a submission. */
export function toolKind(tool: Pick<ToolCall, 'name' | 'description'>): ActionKind {
  for (const words of [toolWords(tool.name), tool.description.slice(0, 300)]) {
    const kind = classifyWording(words);
    if (kind && kind !== 'benign') return kind;
  }
  return 'submit';
}

/** The top-level arguments as the card shows them: labelled from the schema, secrets masked. */
export function toolFields(args: Record<string, unknown>, schema: ToolSchema | undefined): FieldSnapshot[] {
  return Object.keys(args)
    .slice(0, FIELD_CAP)
    .map((name) => {
      const property = schema?.properties?.[name];
      const title = typeof property?.title === 'string' ? property.title : '';
      const secretType = property?.format === 'password' ? 'password' : 'text';
      const raw = argText(args[name]);
      const { value, masked } = maskSecret({ type: secretType, name: `${name} ${title}`, autocomplete: '' }, raw);
      const field: FieldSnapshot = { name: name.slice(0, 200), label: (title || name).slice(0, 200), type: 'text', value: value.slice(0, VALUE_CAP) };
      if (masked) field.masked = true;
      if (value.length > VALUE_CAP) field.truncated = true;
      return field;
    });
}

/** One argument's whole value, by its place among the card's fields (for "Reveal"). */
export function toolArgText(args: Record<string, unknown>, index: number): string | undefined {
  const name = Object.keys(args).slice(0, FIELD_CAP)[index];
  return name === undefined ? undefined : argText(args[name]);
}

function argText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value && typeof value === 'object') return JSON.stringify(value);
  return String(value);
}

/** The amount an argument names (`amount`, `total`…), in the currency another names; else none. */
export function toolAmount(args: Record<string, unknown>): Amount | undefined {
  const name = Object.keys(args).find((key) => AMOUNT_ARG.test(key));
  if (name === undefined) return undefined;
  const value = args[name];
  const currencyArg = Object.keys(args).find((key) => CURRENCY_ARG.test(key));
  const currency = currencyArg && typeof args[currencyArg] === 'string' ? (args[currencyArg] as string).toUpperCase().slice(0, 8) : '';
  if (typeof value === 'string') {
    const parsed = parseAmount(value);
    if (parsed) return parsed;
  }
  const number = typeof value === 'number' ? value : typeof value === 'string' && value.trim() ? Number(value) : NaN;
  if (!Number.isFinite(number)) return undefined;
  return currency
    ? { value: number, currency, text: `${number} ${currency}` }
    : { value: number, currency: NO_CURRENCY, text: `${number} (no currency given)` };
}

export function toolMessage(args: Record<string, unknown>): string | undefined {
  const name = Object.keys(args).find((key) => MESSAGE_ARG.test(key));
  return name === undefined ? undefined : argText(args[name]);
}

/**
 * The arguments with the reviewer's edits, each read back as the type the tool declared (a
 * number stays a number); text that does not read as that type is passed as text, for the
 * tool's own validation to refuse.
 */
export function editedArgs(
  args: Record<string, unknown>,
  schema: ToolSchema | undefined,
  edits: readonly { index: number; value: string }[],
): Record<string, unknown> {
  const names = Object.keys(args).slice(0, FIELD_CAP);
  const out = { ...args };
  for (const { index, value } of edits) {
    const name = names[index];
    if (name === undefined) continue;
    out[name] = asDeclared(value, schema?.properties?.[name]?.type, args[name]);
  }
  return out;
}

function asDeclared(text: string, type: unknown, before: unknown): unknown {
  const kind = typeof type === 'string' ? type : typeof before;
  if (kind === 'number' || kind === 'integer') {
    const number = Number(text);
    return text.trim() && Number.isFinite(number) ? number : text;
  }
  if (kind === 'boolean') return text === 'true' ? true : text === 'false' ? false : text;
  if (kind === 'object' || kind === 'array') {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      return text;
    }
  }
  return text;
}
