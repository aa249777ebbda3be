import type { RequestDecision, RequestDetail, TabMessage, ToolCallDetail } from '@/lib/messaging/frames';

// The frames' messages read by hand (no library runs in every frame). Each check accepts exactly
// what its schema in lib/messaging/frames.ts accepts; test/unit/read-messages.test.ts holds them to it.

type Data = Record<string, unknown>;

const isData = (value: unknown): value is Data => typeof value === 'object' && value !== null;
const isString = (value: unknown): value is string => typeof value === 'string';
const isIndex = (value: unknown, below = Infinity) => Number.isSafeInteger(value) && (value as number) >= 0 && (value as number) < below;
/** Absent, or present with the type: an optional key as its schema reads it. */
const optional = (data: Data, key: string, type: string) => !(key in data) || typeof data[key] === type;
const oneOf = (value: unknown, list: readonly string[]) => list.includes(value as string);

const FIELD_LIMIT = 200;
const EDIT_LIMIT = 100_000;

const isEdit = (edit: unknown) => isData(edit) && isIndex(edit.index, FIELD_LIMIT) && isString(edit.value) && edit.value.length <= EDIT_LIMIT;

function isTabMessage(m: Data): boolean {
  if (m.type === 'guard') {
    const guard = m.guard;
    return isData(guard) && oneOf(guard.mode, ['automation', 'always', 'off']) && typeof guard.armed === 'boolean' && typeof guard.debugger === 'boolean';
  }
  if (m.type === 'reveal') return isString(m.id) && isIndex(m.index);
  if (m.type !== 'decision' || !isString(m.id) || !oneOf(m.verdict, ['approve', 'reject'])) return false;
  if (!optional(m, 'note', 'string') || ('by' in m && m.by !== 'timeout')) return false;
  return !('edits' in m) || (Array.isArray(m.edits) && m.edits.length <= FIELD_LIMIT && m.edits.every(isEdit));
}

/** A message from the background, or null for anything else. */
export const readTabMessage = (value: unknown): TabMessage | null => (isData(value) && isTabMessage(value) ? (value as TabMessage) : null);

const isPair = (pair: unknown) => Array.isArray(pair) && isString(pair[0]) && isString(pair[1]);

function isBody(body: unknown): boolean {
  if (!isData(body) || !oneOf(body.kind, ['none', 'json', 'form', 'multipart', 'text', 'binary'])) return false;
  const sized = !('size' in body) || (typeof body.size === 'number' && !Number.isNaN(body.size));
  return sized && optional(body, 'text', 'string') && Array.isArray(body.fields) && body.fields.every(isPair);
}

/** The hook's requests and tool calls carry a nonce: without one a detail cannot be answered, so it is not read. */
export const nonceOf = (value: unknown): string | null => (isData(value) && isString(value.nonce) ? value.nonce : null);

export function readRequestDetail(value: unknown): RequestDetail | null {
  if (!isData(value) || !isString(value.nonce) || !isString(value.method) || !isString(value.url)) return null;
  if (!oneOf(value.via, ['fetch', 'xhr', 'beacon']) || typeof value.keepalive !== 'boolean' || !oneOf(value.cause, ['input', 'script', 'tool'])) return null;
  const ok = isBody(value.body) && optional(value, 'override', 'string') && optional(value, 'confirmed', 'string');
  return ok ? (value as RequestDetail) : null;
}

export function readToolCall(value: unknown): ToolCallDetail | null {
  if (!isData(value) || !isString(value.nonce) || !isString(value.name) || !isString(value.description)) return null;
  return typeof value.readOnly === 'boolean' && typeof value.consequential === 'boolean' ? (value as ToolCallDetail) : null;
}

export function readDecision(value: unknown): RequestDecision | null {
  if (!isData(value) || !isString(value.nonce) || !oneOf(value.verdict, ['approve', 'reject'])) return null;
  return optional(value, 'message', 'string') && optional(value, 'reviewed', 'boolean') ? (value as RequestDecision) : null;
}
