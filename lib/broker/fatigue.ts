import type { ActionRecord, FatigueState, Settings } from '@/lib/db/schema';
import type { ActionStore } from '@/lib/db/store';
import type { QueueState } from '@/lib/messaging/protocol';
import { refused, type DecideReply } from '@/lib/messaging/refusals';

/** While approvals are paused: the refusal, by name where the state kept its values. */
export function pauseRefusal(fatigue: FatigueState | null, now: number): Extract<DecideReply, { ok: false }> | undefined {
  if (!fatigue || now >= fatigue.until) return undefined;
  return fatigue.values ? refused('fatiguePaused', fatigue.values) : { ok: false, error: fatigue.message };
}

/** The pause as the Queue and Team views' banner shows it. */
export function pauseNotice(fatigue: FatigueState | null, now: number): QueueState['fatigue'] {
  const pause = pauseRefusal(fatigue, now);
  if (!fatigue || !pause) return undefined;
  return { until: fatigue.until, message: pause.error, ...(pause.refusal ? { refusal: pause.refusal } : {}) };
}

const FATIGUE_WINDOW_MS = 60_000;

export interface FatigueSettings {
  fatigueCount: number;
  fatigueDwellMs: number;
  fatiguePauseSeconds: number;
}

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
  const first = quick[0];
  if (!first || quick.length < settings.fatigueCount) return { state: { ...kept, approvals } };
  const values = { count: quick.length, within: Math.round((approval.at - first.at) / 1000), dwell: settings.fatigueDwellMs / 1000, pause: settings.fatiguePauseSeconds };
  const warning = refused('fatiguePaused', values).error;
  return { state: { until: approval.at + settings.fatiguePauseSeconds * 1000, message: warning, values, approvals: [] }, warning };
}

/**
 * Approval fatigue: many approvals, each soon after its card appeared, set off a warning and a
 * pause. The window and the pause are stored, so a worker restart lifts neither.
 */
export class FatigueMonitor {
  /** Loaded from the store on first use. */
  private state: FatigueState | null | undefined;

  constructor(
    private readonly store: ActionStore,
    private readonly now: () => number,
  ) {}

  async current(): Promise<FatigueState | null> {
    this.state ??= await this.store.fatigue();
    return this.state;
  }

  /** While approvals are paused: the refusal of an approval. */
  async refusal(): Promise<DecideReply | undefined> {
    return pauseRefusal(await this.current(), this.now());
  }

  /** The pause while approvals are paused, for the views' banner. */
  async paused(): Promise<QueueState['fatigue']> {
    return pauseNotice(await this.current(), this.now());
  }

  /**
   * Counts one approval. The card's time on screen is the panel's count when it gives one,
   * never more than the broker's since the evaluation. Returns the warning when it sets off a pause.
   */
  async noteApproval(record: ActionRecord, panelDwellMs: number | undefined, settings: Settings): Promise<string | undefined> {
    const now = this.now();
    const upFor = now - (record.evaluatedAt ?? now);
    const { state, warning } = afterApproval(await this.current(), { at: now, dwellMs: Math.min(upFor, panelDwellMs ?? Infinity) }, settings);
    this.state = state;
    await this.store.saveFatigue(state);
    return warning;
  }

  /** New thresholds judge new approvals: a fresh window, no pause. */
  async reset(): Promise<void> {
    this.state = null;
    await this.store.saveFatigue(null);
  }
}
