import {
  ACTION_KINDS,
  REQUEST_VIAS,
  TRIGGERS,
  type Amount,
  type Destination,
  type FieldChange,
  type FieldSnapshot,
  type GuardSignal,
  type ProposedAction,
  type Rect,
  type TargetBox,
} from '@/lib/actions/types';
import { GUARD_MODES, type GuardMode } from '@/lib/detect/signals';
import { KINDS } from '@/lib/policy/rules';
import { PASSKEY_SCOPES, type PasskeyScope, type Settings } from '@/lib/db/schema';
import type { AuthenticationResponseJSON, AuthenticatorTransport, RegistrationResponseJSON } from '@simplewebauthn/server';
import type { ContentRequest, DecisionReply, FieldEdit, PanelRequest, RevealReply } from './protocol';

// Runtime validators for everything the background accepts. They build fresh objects with
// only the known keys, so nothing a page smuggles into a message reaches storage.

const SIGNALS: readonly GuardSignal[] = ['webdriver', 'untrusted-event', 'debugger', 'armed', 'always', 'unconfirmed'];

const MAX_FIELDS = 200;
const MAX_VALUE = 2000;
const MAX_TEXT = 4096;
const MAX_URL = 8192;
const MAX_MESSAGE = 20000;
const MAX_EDIT = 100_000;
const MAX_RULES_FILE = 5_000_000;
const DAY_MS = 24 * 60 * 60 * 1000;

type Obj = Record<string, unknown>;
const isObj = (value: unknown): value is Obj => typeof value === 'object' && value !== null && !Array.isArray(value);
const str = (value: unknown, max: number): string | undefined =>
  typeof value === 'string' && value.length <= max ? value : undefined;
const oneOf = <T extends string>(value: unknown, allowed: readonly T[]): T | undefined =>
  allowed.includes(value as T) ? (value as T) : undefined;
const tabId = (value: unknown): number | undefined =>
  Number.isSafeInteger(value) && (value as number) >= 0 ? (value as number) : undefined;

export function parseContentRequest(message: unknown): ContentRequest | null {
  if (!isObj(message)) return null;
  if (message.type === 'hello') return { type: 'hello' };
  if (message.type === 'input') {
    const label = str(message.label, MAX_TEXT);
    const at = message.at;
    if (label === undefined || typeof message.benign !== 'boolean' || typeof at !== 'number' || !Number.isFinite(at)) return null;
    return { type: 'input', label, benign: message.benign, at };
  }
  if (message.type === 'hold') {
    const action = parseProposedAction(message.action);
    return action ? { type: 'hold', action } : null;
  }
  return null;
}

export function parsePanelRequest(message: unknown): PanelRequest | null {
  if (!isObj(message)) return null;
  switch (message.type) {
    case 'queue':
    case 'settings':
      return { type: message.type };
    case 'clear-history':
      return { type: 'clear-history' };
    case 'decide': {
      const id = str(message.id, 100);
      const verdict = oneOf(message.verdict, ['approve', 'reject'] as const);
      const note = message.note === undefined ? undefined : str(message.note, MAX_TEXT);
      const edits = message.edits === undefined ? [] : parseEdits(message.edits);
      const confirmation = message.confirmation === undefined ? undefined : str(message.confirmation, MAX_TEXT);
      const dwell = message.dwellMs;
      if (!id || !verdict || (message.note !== undefined && note === undefined) || !edits) return null;
      if (message.confirmation !== undefined && confirmation === undefined) return null;
      if (dwell !== undefined && !inRange(dwell, 0, 86_400_000)) return null;
      const request: PanelRequest = { type: 'decide', id, verdict };
      if (note !== undefined) request.note = note;
      if (edits.length) request.edits = edits;
      if (confirmation !== undefined) request.confirmation = confirmation;
      if (dwell !== undefined) request.dwellMs = dwell as number;
      if (message.passkey !== undefined) request.passkey = answerOrUnreadable(message.passkey);
      return request;
    }
    case 'resume-tab':
    case 'reject-paused': {
      const id = tabId(message.tabId);
      return id === undefined ? null : { type: message.type, tabId: id };
    }
    case 'reveal': {
      const id = str(message.id, 100);
      const index = message.index;
      if (!id || !Number.isSafeInteger(index) || (index as number) < 0 || (index as number) >= MAX_FIELDS) return null;
      return { type: 'reveal', id, index: index as number };
    }
    case 'set-settings':
      return parseSettingsChange(message.settings);
    case 'always': {
      const id = str(message.id, 100);
      const level = oneOf(message.level, ['trust', 'block'] as const);
      const passkey = message.passkey === undefined ? undefined : answerOrUnreadable(message.passkey);
      return id && level ? { type: 'always', id, level, ...(passkey ? { passkey } : {}) } : null;
    }
    case 'allow-endpoint': {
      const id = str(message.id, 100);
      const passkey = message.passkey === undefined ? undefined : answerOrUnreadable(message.passkey);
      return id ? { type: 'allow-endpoint', id, ...(passkey ? { passkey } : {}) } : null;
    }
    case 'grant': {
      const id = str(message.id, 100);
      const duration = message.durationMs;
      const valid = Number.isSafeInteger(duration) && (duration as number) >= 1000 && (duration as number) <= DAY_MS;
      const passkey = message.passkey === undefined ? undefined : answerOrUnreadable(message.passkey);
      return id && valid ? { type: 'grant', id, durationMs: duration as number, ...(passkey ? { passkey } : {}) } : null;
    }
    case 'passkey-status':
    case 'passkey-register-options':
      return { type: message.type };
    case 'passkey-register': {
      const response = parseRegistration(message.response);
      const current = optionalAssertion(message.current);
      return response && current !== null ? { type: 'passkey-register', response, ...(current ? { current } : {}) } : null;
    }
    case 'passkey-remove': {
      const current = optionalAssertion(message.current);
      return current === null ? null : { type: 'passkey-remove', ...(current ? { current } : {}) };
    }
    case 'passkey-challenge': {
      const id = message.id === undefined ? undefined : str(message.id, 100);
      if (message.id !== undefined && !id) return null;
      return { type: 'passkey-challenge', ...(id ? { id } : {}) };
    }
    case 'passkey-scopes': {
      const scopes = Array.isArray(message.scopes) ? message.scopes.map((scope) => oneOf(scope, PASSKEY_SCOPES)) : null;
      const current = optionalAssertion(message.current);
      if (!scopes || scopes.length > PASSKEY_SCOPES.length || scopes.some((scope) => !scope) || current === null) return null;
      return { type: 'passkey-scopes', scopes: scopes as PasskeyScope[], ...(current ? { current } : {}) };
    }
    case 'suggestions':
    case 'rules':
    case 'export-rules':
      return { type: message.type };
    case 'answer-suggestion': {
      const site = str(message.site, MAX_URL);
      const kind = oneOf(message.kind, KINDS);
      const passkey = optionalAssertion(message.passkey);
      return site && kind && typeof message.accept === 'boolean' && passkey !== null
        ? { type: 'answer-suggestion', site, kind, accept: message.accept, ...(passkey ? { passkey } : {}) }
        : null;
    }
    case 'save-rule': {
      const id = message.id === undefined ? undefined : str(message.id, 100);
      if (message.id !== undefined && !id) return null;
      // The spec itself is validated by the rule book, which reports what is wrong.
      const passkey = optionalAssertion(message.passkey);
      if (!isObj(message.spec) || passkey === null) return null;
      return { type: 'save-rule', ...(id ? { id } : {}), spec: message.spec as never, ...(passkey ? { passkey } : {}) };
    }
    case 'delete-rule': {
      const id = str(message.id, 100);
      return id ? { type: 'delete-rule', id } : null;
    }
    case 'import-rules': {
      const text = str(message.text, MAX_RULES_FILE);
      const passkey = optionalAssertion(message.passkey);
      return text === undefined || passkey === null ? null : { type: 'import-rules', text, ...(passkey ? { passkey } : {}) };
    }
    case 'tab-guard': {
      const id = tabId(message.tabId);
      return id === undefined ? null : { type: 'tab-guard', tabId: id };
    }
    case 'arm': {
      const id = tabId(message.tabId);
      return id === undefined || typeof message.armed !== 'boolean'
        ? null
        : { type: 'arm', tabId: id, armed: message.armed };
    }
    default:
      return null;
  }
}

const inRange = (value: unknown, min: number, max: number) =>
  Number.isSafeInteger(value) && (value as number) >= min && (value as number) <= max;

const B64URL = /^[A-Za-z0-9_-]*$/;
const b64 = (value: unknown, max: number): string | undefined =>
  typeof value === 'string' && value.length <= max && B64URL.test(value) ? value : undefined;

/** What every WebAuthn credential the panel sends has: its type, ids and client data. */
function credentialBase(value: unknown) {
  if (!isObj(value) || value.type !== 'public-key' || !isObj(value.response)) return null;
  const id = b64(value.id, 1024);
  const rawId = b64(value.rawId, 1024);
  const clientDataJSON = b64(value.response.clientDataJSON, 10_000);
  return id && rawId && clientDataJSON ? { id, rawId, clientDataJSON, response: value.response } : null;
}

/** A WebAuthn assertion as the panel sends it, rebuilt with known keys; the broker verifies it. */
export function parseAssertion(value: unknown): AuthenticationResponseJSON | null {
  const base = credentialBase(value);
  if (!base) return null;
  const { id, rawId, clientDataJSON, response } = base;
  const authenticatorData = b64(response.authenticatorData, 10_000);
  const signature = b64(response.signature, 10_000); // RSA keys sign long
  const userHandle = response.userHandle === undefined || response.userHandle === null ? undefined : b64(response.userHandle, 1024);
  if (!authenticatorData || !signature) return null;
  if (response.userHandle !== undefined && response.userHandle !== null && userHandle === undefined) return null;
  return {
    id,
    rawId,
    type: 'public-key',
    response: { clientDataJSON, authenticatorData, signature, ...(userHandle ? { userHandle } : {}) },
    clientExtensionResults: {},
  };
}

/**
 * A malformed answer about one action still reaches the broker, as one that cannot be read:
 * the card then says why, and the attempt stays on the action's record.
 */
const UNREADABLE_ANSWER: AuthenticationResponseJSON = {
  id: '',
  rawId: '',
  type: 'public-key',
  response: { clientDataJSON: '', authenticatorData: '', signature: '' },
  clientExtensionResults: {},
};

function answerOrUnreadable(value: unknown): AuthenticationResponseJSON {
  return parseAssertion(value) ?? UNREADABLE_ANSWER;
}

/** Absent is fine (undefined); present and malformed is refused (null). */
function optionalAssertion(value: unknown): AuthenticationResponseJSON | undefined | null {
  return value === undefined ? undefined : parseAssertion(value);
}

export function parseRegistration(value: unknown): RegistrationResponseJSON | null {
  const base = credentialBase(value);
  if (!base) return null;
  const { id, rawId, clientDataJSON, response } = base;
  const attestationObject = b64(response.attestationObject, 20_000);
  if (!attestationObject) return null;
  const transports = Array.isArray(response.transports)
    ? response.transports.filter((t): t is AuthenticatorTransport => typeof t === 'string' && TRANSPORTS.includes(t as never))
    : [];
  return { id, rawId, type: 'public-key', response: { clientDataJSON, attestationObject, transports }, clientExtensionResults: {} };
}

const TRANSPORTS = ['ble', 'hybrid', 'internal', 'nfc', 'usb'] as const;

function parseSettingsChange(value: unknown): PanelRequest | null {
  if (!isObj(value)) return null;
  const settings: Partial<Omit<Settings, 'silencedSuggestions'>> = {};
  for (const [key, entry] of Object.entries(value)) {
    if (key === 'guardMode') {
      const mode = oneOf<GuardMode>(entry, GUARD_MODES);
      if (!mode) return null;
      settings.guardMode = mode;
    } else if (key === 'timeoutSeconds' && Number.isSafeInteger(entry) && (entry as number) >= 1 && (entry as number) <= 86_400) {
      settings.timeoutSeconds = entry as number;
    } else if (key === 'suggestAfter' && Number.isSafeInteger(entry) && (entry as number) >= 1 && (entry as number) <= 100) {
      settings.suggestAfter = entry as number;
    } else if (key === 'historyMaxEntries' && inRange(entry, 1, 1_000_000)) {
      settings.historyMaxEntries = entry as number;
    } else if (key === 'historyMaxDays' && inRange(entry, 1, 3650)) {
      settings.historyMaxDays = entry as number;
    } else if (key === 'screenshotMaxCount' && inRange(entry, 0, 100_000)) {
      settings.screenshotMaxCount = entry as number;
    } else if (key === 'dwellMs' && inRange(entry, 0, 10_000)) {
      settings.dwellMs = entry as number;
    } else if (key === 'floodLimit' && inRange(entry, 1, 10_000)) {
      settings.floodLimit = entry as number;
    } else if (key === 'fatigueCount' && inRange(entry, 2, 10_000)) {
      settings.fatigueCount = entry as number;
    } else if (key === 'fatigueDwellMs' && inRange(entry, 0, 60_000)) {
      settings.fatigueDwellMs = entry as number;
    } else if (key === 'fatiguePauseSeconds' && inRange(entry, 1, 600)) {
      settings.fatiguePauseSeconds = entry as number;
    } else if (
      key === 'defaultThreshold' &&
      isObj(entry) &&
      typeof entry.amount === 'number' &&
      Number.isFinite(entry.amount) &&
      entry.amount >= 0 &&
      typeof entry.currency === 'string' &&
      /^[A-Z]{3}$/.test(entry.currency)
    ) {
      settings.defaultThreshold = { amount: entry.amount, currency: entry.currency };
    } else return null;
  }
  return { type: 'set-settings', settings };
}

function parseEdits(value: unknown): FieldEdit[] | null {
  if (!Array.isArray(value) || value.length > MAX_FIELDS) return null;
  const edits: FieldEdit[] = [];
  for (const edit of value) {
    if (!isObj(edit) || !Number.isSafeInteger(edit.index) || (edit.index as number) < 0) return null;
    const text = str(edit.value, MAX_EDIT);
    if (text === undefined || (edit.index as number) >= MAX_FIELDS) return null;
    edits.push({ index: edit.index as number, value: text });
  }
  return edits;
}

/** What a frame answers to a decision; anything else counts as no answer. */
export function parseDecisionReply(value: unknown): DecisionReply | null {
  if (!isObj(value) || typeof value.delivered !== 'boolean') return null;
  const reply: DecisionReply = { delivered: value.delivered };
  if (value.changed !== undefined) {
    if (!Array.isArray(value.changed) || value.changed.length > MAX_FIELDS + 3) return null;
    const changed = value.changed.map(parseChange);
    if (changed.some((change) => change === null)) return null;
    reply.changed = changed as FieldChange[];
  }
  if (value.fields !== undefined) {
    if (!Array.isArray(value.fields) || value.fields.length > MAX_FIELDS) return null;
    const fields = value.fields.map(parseField);
    if (fields.some((field) => field === null)) return null;
    reply.fields = fields as FieldSnapshot[];
  }
  if (value.amount !== undefined) {
    const amount = value.amount === null ? null : parseAmountValue(value.amount);
    if (amount === null && value.amount !== null) return null;
    reply.amount = amount;
  }
  return reply;
}

export function parseRevealReply(value: unknown): RevealReply | null {
  if (!isObj(value)) return null;
  const text = str(value.value, 10 * MAX_EDIT);
  if (text !== undefined) return { value: text };
  const error = str(value.error, MAX_TEXT);
  return error === undefined ? null : { error };
}

function parseChange(value: unknown): FieldChange | null {
  if (!isObj(value)) return null;
  const label = str(value.label, MAX_TEXT);
  const before = str(value.before, MAX_URL);
  const after = str(value.after, MAX_URL);
  return label === undefined || before === undefined || after === undefined ? null : { label, before, after };
}

function numbers<K extends string>(value: unknown, keys: readonly K[]): Record<K, number> | null {
  if (!isObj(value)) return null;
  if (!keys.every((key) => typeof value[key] === 'number' && Number.isFinite(value[key]))) return null;
  return Object.fromEntries(keys.map((key) => [key, value[key]])) as Record<K, number>;
}

const RECT_KEYS = ['x', 'y', 'width', 'height'] as const;

function parseRect(value: unknown): Rect | null {
  return numbers(value, RECT_KEYS);
}

function parseTarget(value: unknown): TargetBox | null {
  const box = numbers(value, [...RECT_KEYS, 'viewportWidth', 'viewportHeight'] as const);
  return box && box.viewportWidth > 0 && box.viewportHeight > 0 ? box : null;
}

/**
 * A proposal from a page. Only its id is required (the decision must find its way back);
 * anything else that fails validation is left out and named in `unreadable`, so the card
 * says what could not be read instead of the action being held with no card at all.
 */
export function parseProposedAction(value: unknown): ProposedAction | null {
  if (!isObj(value)) return null;
  const id = str(value.id, 100);
  if (!id || !/^[\w-]+$/.test(id)) return null;
  const problems: string[] = [];
  const need = <T>(what: string, parsed: T | undefined, fallback: T): T => {
    if (parsed !== undefined) return parsed;
    problems.push(what);
    return fallback;
  };
  const optional = <T>(what: string, raw: unknown, parse: (raw: unknown) => T | null): T | undefined => {
    if (raw === undefined) return undefined;
    const parsed = parse(raw);
    if (parsed === null) problems.push(what);
    return parsed ?? undefined;
  };
  const kind = need('kind', oneOf(value.kind, ACTION_KINDS), 'unclassified');
  const heldAt = typeof value.heldAt === 'number' && Number.isFinite(value.heldAt) ? value.heldAt : Date.now();
  const action: ProposedAction = {
    id,
    kind,
    trigger: need('trigger', oneOf(value.trigger, TRIGGERS), 'click'),
    label: need('control label', str(value.label, MAX_TEXT), ''),
    frameUrl: need('frame address', str(value.frameUrl, MAX_URL), ''),
    frameTitle: need('frame title', str(value.frameTitle, MAX_TEXT), ''),
    fields: [],
    signals: [],
    heldAt,
  };
  const signals = Array.isArray(value.signals) ? value.signals.slice(0, SIGNALS.length).map((s) => oneOf(s, SIGNALS)) : [];
  action.signals = signals.filter((signal): signal is GuardSignal => signal !== undefined);
  if (!action.signals.length) action.signals = ['unconfirmed']; // the background checks the tab itself
  if (Array.isArray(value.fields)) {
    const fields = value.fields.slice(0, MAX_FIELDS).map(parseField);
    action.fields = fields.filter((field): field is FieldSnapshot => field !== null);
    const lost = fields.length - action.fields.length + Math.max(0, value.fields.length - MAX_FIELDS);
    if (lost) problems.push(`${lost} field${lost === 1 ? '' : 's'}`);
  } else problems.push('fields');
  if (value.fieldsTruncated === true) action.fieldsTruncated = true;
  const form = optional('destination', value.form, parseDestination);
  if (form) action.form = form;
  const amount = optional('amount', value.amount, parseAmountValue);
  if (amount) action.amount = amount;
  const recipients = optional('recipients', value.recipients, (raw) => strings(raw, 50, 500));
  if (recipients) action.recipients = recipients;
  const message = optional('message', value.message, (raw) => str(raw, MAX_MESSAGE) ?? null);
  if (message !== undefined) action.message = message;
  const target = optional('control position', value.target, parseTarget);
  if (target) action.target = target;
  const redactions = optional('secret positions', value.redactions, (raw) => list(raw, MAX_FIELDS, parseRect));
  if (redactions) action.redactions = redactions;
  const notes = optional('notes', value.unreadable, (raw) => strings(raw, 20, 500)) ?? [];
  if (problems.length) notes.push(`the page's description of: ${problems.join(', ')}`);
  if (notes.length) action.unreadable = notes;
  return action;
}

function list<T>(raw: unknown, max: number, parse: (item: unknown) => T | null): T[] | null {
  if (!Array.isArray(raw) || raw.length > max) return null;
  const items = raw.map(parse);
  return items.some((item) => item === null) ? null : (items as T[]);
}

function strings(raw: unknown, max: number, length: number): string[] | null {
  return list(raw, max, (item) => str(item, length) ?? null);
}

function parseDestination(raw: unknown): Destination | null {
  if (!isObj(raw)) return null;
  const action = str(raw.action, MAX_URL);
  const method = str(raw.method, 20);
  if (action === undefined || method === undefined) return null;
  const destination: Destination = { action, method };
  const enctype = str(raw.enctype, 100);
  if (enctype) destination.enctype = enctype;
  const target = str(raw.target, 200);
  if (target) destination.target = target;
  const via = oneOf(raw.via, REQUEST_VIAS);
  if (via) destination.via = via;
  return destination;
}

function parseField(value: unknown): FieldSnapshot | null {
  if (!isObj(value)) return null;
  const name = str(value.name, 200);
  const label = str(value.label, 200);
  const type = str(value.type, 40);
  const fieldValue = str(value.value, MAX_VALUE);
  if (name === undefined || label === undefined || type === undefined || fieldValue === undefined) return null;
  const field: FieldSnapshot = { name, label, type, value: fieldValue };
  if (value.masked === true) field.masked = true;
  if (value.hidden === true) field.hidden = true;
  if (value.truncated === true) field.truncated = true;
  return field;
}

function parseAmountValue(value: unknown): Amount | null {
  if (!isObj(value)) return null;
  const currency = str(value.currency, 8);
  const text = str(value.text, 100);
  if (typeof value.value !== 'number' || !Number.isFinite(value.value) || !currency || text === undefined) return null;
  return { value: value.value, currency, text };
}
