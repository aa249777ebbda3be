import * as v from 'valibot';
import type { PublicKeyCredentialCreationOptionsJSON, PublicKeyCredentialRequestOptionsJSON } from '@simplewebauthn/server';
import { GUARD_MODES, type TabGuard } from '@/lib/detect/signals';
import { PASSKEY_SCOPES, type PasskeyScope, type Settings } from '@/lib/db/schema';
import { KINDS, type Rule, type RuleSpec } from '@/lib/policy/rules';
import type { RulesFile } from '@/lib/policy/rules-file';
import { webhookSettings, type WebhookStatus } from '@/lib/policy/webhook';
import type { ExportAudit } from '@/lib/db/chain';
import { answer, assertion, fieldEdits, isJsonData, LIMITS, nonEmpty, registration, text, verdict, whole } from './schemas';
import { joinedRequest, proposedAction } from './validate';
import type { AgentState, DecideReply, HoldReply, QueueState, RevealReply, RuleChangeReply, Suggestion, TeamQueueState, TeamStatus } from './protocol';

/**
 * Every message the background accepts: who may send it (the table it is in), its schema,
 * and its reply type. `satisfies` ties each table to its reply map, and the router's handler
 * table to both, so a message without a schema, reply type or handler does not compile.
 * Schemas rebuild objects with only their own keys: nothing a sender adds reaches storage.
 */
const message = <T extends string, E extends v.ObjectEntries>(type: T, entries: E) =>
  v.object({ type: v.literal(type), ...entries });

const actionId = nonEmpty(100);
const tabId = whole(0, Number.MAX_SAFE_INTEGER);
/** A paused tab's id, or the agent's own questions (-1). */
const pausedId = whole(-1, Number.MAX_SAFE_INTEGER);

const settingsChange = v.strictObject({
  guardMode: v.exactOptional(v.picklist(GUARD_MODES)),
  notifications: v.exactOptional(v.boolean()),
  timeoutSeconds: v.exactOptional(whole(1, 86_400)),
  suggestAfter: v.exactOptional(whole(1, 100)),
  historyMaxEntries: v.exactOptional(whole(1, 1_000_000)),
  historyMaxDays: v.exactOptional(whole(1, 3650)),
  screenshotMaxCount: v.exactOptional(whole(0, 100_000)),
  dwellMs: v.exactOptional(whole(0, 10_000)),
  floodLimit: v.exactOptional(whole(1, 10_000)),
  fatigueCount: v.exactOptional(whole(2, 10_000)),
  fatigueDwellMs: v.exactOptional(whole(0, 60_000)),
  confidenceThreshold: v.exactOptional(v.pipe(v.number(), v.finite(), v.minValue(0), v.maxValue(1))),
  webhook: v.exactOptional(v.nullable(webhookSettings)),
  fatiguePauseSeconds: v.exactOptional(whole(1, 600)),
  defaultThreshold: v.exactOptional(
    v.object({
      amount: v.pipe(v.number(), v.finite(), v.minValue(0)),
      currency: v.pipe(v.string(), v.regex(/^[A-Z]{3}$/)),
    }),
  ),
});
/** What `set-settings` may change: every setting the panel shows, nothing it keeps itself. */
export type SettingsChange = v.InferOutput<typeof settingsChange>;


const isJsonObject = (value: unknown) => typeof value === 'object' && value !== null && !Array.isArray(value) && isJsonData(value);
/** Any JSON object: the rule book checks a spec's meaning itself and says what is wrong with it. */
const ruleSpec = v.custom<RuleSpec>(isJsonObject);
/** Any JSON object: the team settings say what is wrong with a change themselves. */
const jsonObject = v.custom<Record<string, unknown>>(isJsonObject);

/** From extension pages (the side panel, also opened as a tab). */
export const PANEL_MESSAGES = {
  queue: message('queue', {}),
  'clear-history': message('clear-history', {}),
  'export-audit': message('export-audit', {}),
  'log-key': message('log-key', {}),
  'webhook-status': message('webhook-status', {}),
  'silence-endpoint': message('silence-endpoint', { id: actionId }),
  'unsilence-endpoint': message('unsilence-endpoint', { key: text(1000) }),
  decide: message('decide', {
    id: actionId,
    verdict,
    note: v.exactOptional(text(LIMITS.text)),
    edits: v.exactOptional(fieldEdits),
    confirmation: v.exactOptional(text(LIMITS.text)),
    dwellMs: v.exactOptional(whole(0, 86_400_000)),
    passkey: v.exactOptional(answer),
  }),
  answer: message('answer', { id: actionId, answer: nonEmpty(LIMITS.text), dwellMs: v.exactOptional(whole(0, 86_400_000)) }),
  'agent-state': message('agent-state', {}),
  'resume-tab': message('resume-tab', { tabId: pausedId }),
  'reject-paused': message('reject-paused', { tabId: pausedId }),
  reveal: message('reveal', { id: actionId, index: whole(0, LIMITS.fields - 1) }),
  settings: message('settings', {}),
  'set-settings': message('set-settings', { settings: settingsChange }),
  always: message('always', { id: actionId, level: v.picklist(['trust', 'block']), passkey: v.exactOptional(answer) }),
  'allow-endpoint': message('allow-endpoint', { id: actionId, passkey: v.exactOptional(answer) }),
  'allow-tool': message('allow-tool', { id: actionId, passkey: v.exactOptional(answer) }),
  grant: message('grant', { id: actionId, durationMs: whole(1000, 24 * 60 * 60 * 1000), passkey: v.exactOptional(answer) }),
  'passkey-status': message('passkey-status', {}),
  'passkey-register-options': message('passkey-register-options', {}),
  'passkey-register': message('passkey-register', { response: registration, current: v.exactOptional(assertion) }),
  'passkey-remove': message('passkey-remove', { current: v.exactOptional(assertion) }),
  'passkey-challenge': message('passkey-challenge', {
    id: v.exactOptional(actionId),
    /** A team card's agent browser: the challenge is for that browser's action `id`. */
    browser: v.exactOptional(nonEmpty(64)),
  }),
  'passkey-scopes': message('passkey-scopes', {
    scopes: v.pipe(v.array(v.picklist(PASSKEY_SCOPES)), v.maxLength(PASSKEY_SCOPES.length)),
    current: v.exactOptional(assertion),
  }),
  suggestions: message('suggestions', {}),
  'answer-suggestion': message('answer-suggestion', {
    site: nonEmpty(LIMITS.url),
    kind: v.picklist(KINDS),
    accept: v.boolean(),
    passkey: v.exactOptional(assertion),
  }),
  rules: message('rules', {}),
  'save-rule': message('save-rule', { id: v.exactOptional(actionId), spec: ruleSpec, passkey: v.exactOptional(assertion) }),
  'delete-rule': message('delete-rule', { id: actionId }),
  'import-rules': message('import-rules', { text: text(LIMITS.rulesFile), passkey: v.exactOptional(assertion) }),
  'export-rules': message('export-rules', {}),
  'tab-guard': message('tab-guard', { tabId }),
  arm: message('arm', { tabId, armed: v.boolean() }),
  'team-status': message('team-status', {}),
  'set-team': message('set-team', { change: jsonObject, passkey: v.exactOptional(assertion) }),
  'team-queue': message('team-queue', {}),
  'team-decide': message('team-decide', {
    browser: nonEmpty(64),
    id: actionId,
    verdict,
    fingerprint: nonEmpty(200),
    note: v.exactOptional(text(LIMITS.text)),
    edits: v.exactOptional(fieldEdits),
    confirmation: v.exactOptional(text(LIMITS.text)),
    dwellMs: v.exactOptional(whole(0, 86_400_000)),
    passkey: v.exactOptional(answer),
    /** The answer to an agent's question, with `approve`. */
    answer: v.exactOptional(nonEmpty(LIMITS.text)),
  }),
  'team-screenshot': message('team-screenshot', { browser: nonEmpty(64), id: actionId }),
} satisfies Table<PanelReplies>;

export interface PanelReplies {
  queue: QueueState;
  'clear-history': { removed: number };
  'export-audit': ExportAudit;
  'log-key': { publicKey: string };
  'webhook-status': { managed: boolean; problem: string | null; last: WebhookStatus | null };
  'silence-endpoint': DecideReply;
  'unsilence-endpoint': DecideReply;
  decide: DecideReply;
  answer: DecideReply;
  'agent-state': AgentState;
  'resume-tab': { ok: true };
  'reject-paused': { ok: true };
  reveal: RevealReply;
  settings: Settings;
  'set-settings': Settings;
  always: DecideReply;
  'allow-endpoint': DecideReply;
  'allow-tool': DecideReply;
  grant: DecideReply;
  'passkey-status': { registered: boolean; scopes: PasskeyScope[]; forced: PasskeyScope[] };
  'passkey-register-options': PublicKeyCredentialCreationOptionsJSON;
  'passkey-register': DecideReply;
  'passkey-remove': DecideReply;
  'passkey-challenge': PublicKeyCredentialRequestOptionsJSON | { error: string };
  'passkey-scopes': DecideReply;
  suggestions: Suggestion[];
  'answer-suggestion': DecideReply;
  rules: Rule[];
  'save-rule': RuleChangeReply;
  'delete-rule': RuleChangeReply;
  'import-rules': RuleChangeReply;
  'export-rules': RulesFile;
  'tab-guard': TabGuard;
  arm: TabGuard;
  'team-status': TeamStatus;
  'set-team': DecideReply;
  'team-queue': TeamQueueState;
  'team-decide': DecideReply;
  'team-screenshot': { url: string } | { error: string };
}

/** From content scripts, in any frame of any tab: they may only propose. */
export const CONTENT_MESSAGES = {
  hello: message('hello', {}),
  hold: message('hold', { action: proposedAction }),
  input: message('input', { label: text(LIMITS.text), benign: v.boolean(), at: v.pipe(v.number(), v.finite()) }),
  join: message('join', { id: actionId, request: joinedRequest }),
  ran: message('ran', { action: proposedAction }),
  describer: message('describer', {}),
} satisfies Table<ContentReplies>;

export interface ContentReplies {
  hello: TabGuard;
  hold: HoldReply;
  input: undefined;
  join: { joined: boolean };
  ran: undefined;
  /** The describing half of the content script, injected into the asking frame. */
  describer: { ok: boolean };
}

type Table<Replies> = { [K in keyof Replies]: v.GenericSchema<unknown, { type: K }> };

export type PanelType = keyof PanelReplies;
export type PanelRequestOf<K extends PanelType> = v.InferOutput<(typeof PANEL_MESSAGES)[K]>;
export type PanelRequest = { [K in PanelType]: PanelRequestOf<K> }[PanelType];

export type ContentType = keyof ContentReplies;
export type ContentRequestOf<K extends ContentType> = v.InferOutput<(typeof CONTENT_MESSAGES)[K]>;
export type ContentRequest = { [K in ContentType]: ContentRequestOf<K> }[ContentType];

/** The typed answer to a message the background will not act on. */
export interface Refusal {
  ok: false;
  refused: true;
  error: string;
}

export type Parsed<T> = { ok: true; request: T } | Refusal;

export function readPanelRequest(value: unknown): Parsed<PanelRequest> {
  return read(PANEL_MESSAGES, value) as Parsed<PanelRequest>;
}

export function readContentRequest(value: unknown): Parsed<ContentRequest> {
  return read(CONTENT_MESSAGES, value) as Parsed<ContentRequest>;
}

export function isRefusal(value: unknown): value is Refusal {
  return typeof value === 'object' && value !== null && (value as Refusal).refused === true && (value as Refusal).ok === false;
}

function read(table: Record<string, v.GenericSchema>, value: unknown): Parsed<unknown> {
  const type = typeof value === 'object' && value !== null ? (value as { type?: unknown }).type : undefined;
  const schema = typeof type === 'string' && Object.hasOwn(table, type) ? table[type] : undefined;
  if (!schema) return refuse(`unknown message type ${JSON.stringify(String(type)).slice(0, 80)}`);
  const result = v.safeParse(schema, value);
  return result.success ? { ok: true, request: result.output } : refuse(`${type}: ${v.summarize(result.issues).slice(0, 500)}`);
}

export function refuse(error: string): Refusal {
  return { ok: false, refused: true, error };
}
