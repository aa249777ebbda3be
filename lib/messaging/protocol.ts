import type { Amount, FieldChange, FieldSnapshot, ProposedAction } from '@/lib/actions/types';
import type { TabGuard } from '@/lib/detect/signals';
import type { ActionRecord, PasskeyScope, Settings } from '@/lib/db/schema';
import type {
  AuthenticationResponseJSON,
  PublicKeyCredentialCreationOptionsJSON,
  PublicKeyCredentialRequestOptionsJSON,
  RegistrationResponseJSON,
} from '@simplewebauthn/server';
import type { Rule, RuleKind, RuleSpec } from '@/lib/policy/rules';
import type { RulesFile } from '@/lib/policy/rules-file';

/**
 * Every message, its payload and who may send it. Content scripts may only propose
 * (`hello`, `hold`); everything else must come from an extension page.
 */
export type ContentRequest =
  | { type: 'hello' }
  | { type: 'hold'; action: ProposedAction }
  | { type: 'input'; label: string; benign: boolean; at: number };

export type HoldReply = { status: 'held' } | { status: 'release' } | { status: 'blocked'; reason: string };

export type Verdict = 'approve' | 'reject';

export type PanelRequest =
  | { type: 'queue' }
  | { type: 'clear-history' }
  | {
      type: 'decide';
      id: string;
      verdict: Verdict;
      note?: string;
      edits?: FieldEdit[];
      confirmation?: string;
      dwellMs?: number;
      passkey?: AuthenticationResponseJSON;
    }
  | { type: 'resume-tab'; tabId: number }
  | { type: 'reject-paused'; tabId: number }
  | { type: 'reveal'; id: string; index: number }
  | { type: 'settings' }
  | { type: 'set-settings'; settings: Partial<Omit<Settings, 'silencedSuggestions'>> }
  | { type: 'always'; id: string; level: 'trust' | 'block'; passkey?: AuthenticationResponseJSON }
  | { type: 'allow-endpoint'; id: string; passkey?: AuthenticationResponseJSON }
  | { type: 'grant'; id: string; durationMs: number; passkey?: AuthenticationResponseJSON }
  | { type: 'passkey-status' }
  | { type: 'passkey-register-options' }
  | { type: 'passkey-register'; response: RegistrationResponseJSON; current?: AuthenticationResponseJSON }
  | { type: 'passkey-remove'; current?: AuthenticationResponseJSON }
  | { type: 'passkey-challenge'; id?: string }
  | { type: 'passkey-scopes'; scopes: PasskeyScope[]; current?: AuthenticationResponseJSON }
  | { type: 'suggestions' }
  | { type: 'answer-suggestion'; site: string; kind: RuleKind; accept: boolean; passkey?: AuthenticationResponseJSON }
  | { type: 'rules' }
  | { type: 'save-rule'; id?: string; spec: RuleSpec; passkey?: AuthenticationResponseJSON }
  | { type: 'delete-rule'; id: string }
  | { type: 'import-rules'; text: string; passkey?: AuthenticationResponseJSON }
  | { type: 'export-rules' }
  | { type: 'tab-guard'; tabId: number }
  | { type: 'arm'; tabId: number; armed: boolean };

export type DecideReply = { ok: true } | { ok: false; error: string };

export type RuleChangeReply = { ok: true } | { ok: false; errors: string[] };

/** A rule the panel offers after a run of unedited approvals; never created by itself. */
export interface Suggestion {
  site: string;
  kind: RuleKind;
  approvals: number;
}

/** A pending action as the queue shows it: with the identical actions grouped under it. */
export interface QueuedAction extends ActionRecord {
  groupSize: number;
  /** Approving it, or making a rule from it, takes the reviewer's passkey. */
  needsPasskey: boolean;
}

/** A tab paused for raising too many actions: one card for all of them. */
export interface PausedTab {
  tabId: number;
  site: string;
  count: number;
  seconds: number;
}

export interface QueueState {
  actions: QueuedAction[];
  paused: PausedTab[];
  /** A reviewer's passkey is registered: rules made from cards take it. */
  passkeyRegistered: boolean;
  /** Set while approvals are paused because they came too fast. */
  fatigue?: { until: number; message: string };
}

export interface PanelReplies {
  queue: QueueState;
  'resume-tab': { ok: true };
  'reject-paused': { ok: true };
  'clear-history': { removed: number };
  decide: DecideReply;
  reveal: RevealReply;
  settings: Settings;
  'set-settings': Settings;
  always: DecideReply;
  'allow-endpoint': DecideReply;
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
}

/** A reviewer's new value for field `index` of the action's `fields`. */
export interface FieldEdit {
  index: number;
  value: string;
}

/** Background to a tab's frames. */
export type TabMessage =
  | { type: 'guard'; guard: TabGuard }
  | { type: 'decision'; id: string; verdict: Verdict; note?: string; edits?: FieldEdit[]; by?: 'timeout' }
  | { type: 'reveal'; id: string; index: number };

/**
 * The frame's answer to a decision. `changed` means the page altered the action since it
 * was held: nothing was sent, and `fields`/`amount` describe it as it is now.
 */
export interface DecisionReply {
  delivered: boolean;
  changed?: FieldChange[];
  fields?: FieldSnapshot[];
  amount?: Amount | null;
}

export type RevealReply = { value: string } | { error: string };

/** Background to extension pages: something in the queue or history changed. */
export type PanelEvent = { type: 'changed' };
