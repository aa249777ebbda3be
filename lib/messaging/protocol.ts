import type { ProposedAction } from '@/lib/actions/types';
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
  | { type: 'decide'; id: string; verdict: Verdict; note?: string }
  | { type: 'settings' }
  | { type: 'set-guard-mode'; mode: GuardMode }
  | { type: 'tab-guard'; tabId: number }
  | { type: 'arm'; tabId: number; armed: boolean };

export type DecideReply = { ok: true } | { ok: false; error: string };

export interface PanelReplies {
  queue: ActionRecord[];
  history: ActionRecord[];
  decide: DecideReply;
  settings: Settings;
  'set-guard-mode': Settings;
  'tab-guard': TabGuard;
  arm: TabGuard;
}

/** Background to a tab's frames. */
export type TabMessage =
  | { type: 'guard'; guard: TabGuard }
  | { type: 'decision'; id: string; verdict: Verdict; note?: string };

export interface DecisionReply {
  delivered: boolean;
}

/** Background to extension pages: something in the queue or history changed. */
export type PanelEvent = { type: 'changed' };
