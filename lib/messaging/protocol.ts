import type { Amount, FieldChange, FieldSnapshot, ProposedAction } from '@/lib/actions/types';
import type { GuardMode, TabGuard } from '@/lib/detect/signals';
import type { ActionRecord, Settings } from '@/lib/db/schema';

/**
 * Every message, its payload and who may send it. Content scripts may only propose
 * (`hello`, `hold`); everything else must come from an extension page.
 */
export type ContentRequest = { type: 'hello' } | { type: 'hold'; action: ProposedAction };

export type HoldReply = { status: 'held' } | { status: 'release' };

export type Verdict = 'approve' | 'reject';

export type PanelRequest =
  | { type: 'queue' }
  | { type: 'history'; limit: number }
  | { type: 'decide'; id: string; verdict: Verdict; note?: string; edits?: FieldEdit[] }
  | { type: 'reveal'; id: string; index: number }
  | { type: 'settings' }
  | { type: 'set-guard-mode'; mode: GuardMode }
  | { type: 'tab-guard'; tabId: number }
  | { type: 'arm'; tabId: number; armed: boolean };

export type DecideReply = { ok: true } | { ok: false; error: string };

export interface PanelReplies {
  queue: ActionRecord[];
  history: ActionRecord[];
  decide: DecideReply;
  reveal: RevealReply;
  settings: Settings;
  'set-guard-mode': Settings;
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
  | { type: 'decision'; id: string; verdict: Verdict; note?: string; edits?: FieldEdit[] }
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
