import type { ActionRecord, FatigueState } from '@/lib/db/schema';

export interface GateCheck {
  record: ActionRecord | undefined;
  now: number;
  /** How long a card must have been up (settings.dwellMs), counted from its evaluation. */
  dwellMs: number;
  fatigue: FatigueState | null;
  /**
   * `approve`: the card's Approve, which must carry the typed confirmation of a high-risk
   * action. `shortcut`: a rule or grant made from the card; it approves only an action that
   * needs no confirmation and leaves the others for Approve.
   */
  path: 'approve' | 'shortcut';
  confirmation?: string;
}

export type GateVerdict = { ok: true } | { ok: false; error: string };

/**
 * The one check every approving path passes: the action is pending and fully evaluated, its
 * card has been up for the dwell, approvals are not paused, and a high-risk approval carries
 * its typed confirmation.
 */
export function approvalGate(check: GateCheck): GateVerdict {
  const { record, now } = check;
  if (record?.status !== 'pending') return refuse('This action was already decided or no longer exists.');
  if (record.evaluatedAt === undefined) return refuse('Countersign is still checking this action; approve it once its card is complete.');
  const paused = pausedMessage(check.fatigue, now);
  if (paused) return refuse(paused);
  const upFor = now - record.evaluatedAt;
  if (upFor < check.dwellMs) {
    return refuse(`Read the card first: it can be approved ${Math.ceil((check.dwellMs - upFor) / 1000)} s after it appeared.`);
  }
  if (check.path === 'approve' && record.confirm && check.confirmation !== record.confirm.value) {
    return refuse(`Type ${record.confirm.value} to confirm this approval.`);
  }
  return { ok: true };
}

export function pausedMessage(fatigue: FatigueState | null, now: number): string | undefined {
  return fatigue && now < fatigue.until ? fatigue.message : undefined;
}

export interface FatigueSettings {
  fatigueCount: number;
  fatigueDwellMs: number;
  fatiguePauseSeconds: number;
}

const FATIGUE_WINDOW_MS = 60_000;

/** Counts one approval; past `fatigueCount` quick ones within a minute, approvals pause. */
export function afterApproval(
  fatigue: FatigueState | null,
  approval: { at: number; dwellMs: number },
  settings: FatigueSettings,
): { state: FatigueState; warning?: string } {
  const recent = (fatigue?.approvals ?? []).filter((past) => approval.at - past.at < FATIGUE_WINDOW_MS);
  const approvals = [...recent, approval];
  const quick = approvals.filter((past) => past.dwellMs < settings.fatigueDwellMs);
  const kept = { until: fatigue?.until ?? 0, message: fatigue?.message ?? '' };
  if (quick.length < settings.fatigueCount) return { state: { ...kept, approvals } };
  const seconds = Math.round((approval.at - quick[0]!.at) / 1000);
  const warning = `${quick.length} approvals in ${seconds} s, each within ${settings.fatigueDwellMs / 1000} s of the card appearing. Approvals are paused for ${settings.fatiguePauseSeconds} s: take a breath and read the next card.`;
  return { state: { until: approval.at + settings.fatiguePauseSeconds * 1000, message: warning, approvals: [] }, warning };
}

function refuse(error: string): GateVerdict {
  return { ok: false, error };
}
