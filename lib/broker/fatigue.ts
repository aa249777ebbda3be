import type { ActionRecord, FatigueState, Settings } from '@/lib/db/schema';
import type { ActionStore } from '@/lib/db/store';

export function pausedMessage(fatigue: FatigueState | null, now: number): string | undefined {
  return fatigue && now < fatigue.until ? fatigue.message : undefined;
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
  const seconds = Math.round((approval.at - first.at) / 1000);
  const warning = `${quick.length} approvals in ${seconds} s, each within ${settings.fatigueDwellMs / 1000} s of the card appearing. Approvals are paused for ${settings.fatiguePauseSeconds} s: take a breath and read the next card.`;
  return { state: { until: approval.at + settings.fatiguePauseSeconds * 1000, message: warning, approvals: [] }, warning };
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

  /** The pause message while approvals are paused. */
  async paused(): Promise<string | undefined> {
    return pausedMessage(await this.current(), this.now());
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
