import type { ActionStore } from '@/lib/db/store';
import type { PausedTab, QueueState, TeamQueueState } from '@/lib/messaging/protocol';
import type { FatigueMonitor } from './fatigue';
import type { ReviewerKey } from './reviewer-key';
import type { TeamBridge } from './team';

/** The Queue and Team views as the panel loads them: cards, groups, paused tabs, the fatigue pause. */
export class QueueView {
  constructor(
    private readonly store: ActionStore,
    private readonly reviewerKey: ReviewerKey,
    private readonly fatigue: FatigueMonitor,
    private readonly team: TeamBridge,
  ) {}

  async queue(): Promise<QueueState> {
    const pending = await this.store.pending();
    const members = new Map<string, number>();
    for (const record of pending) if (record.groupOf) members.set(record.groupOf, (members.get(record.groupOf) ?? 0) + 1);
    const paused = new Map<number, PausedTab & { first: number; last: number }>();
    for (const record of pending.filter((r) => r.paused)) {
      const tab = paused.get(record.tabId) ?? { tabId: record.tabId, site: record.site, count: 0, seconds: 0, first: record.createdAt, last: record.createdAt };
      tab.count++;
      tab.last = record.createdAt;
      paused.set(record.tabId, tab);
    }
    const key = await this.reviewerKey.requirement();
    const state: QueueState = {
      actions: pending
        .filter((r) => !r.groupOf && !r.paused)
        .map((r) => ({ ...r, groupSize: 1 + (members.get(r.id) ?? 0), needsPasskey: key.needs(r) })),
      paused: [...paused.values()].map(({ first, last, ...tab }) => ({ ...tab, seconds: Math.max(1, Math.round((last - first) / 1000)) })),
      passkeyRegistered: key.registered,
    };
    const pause = await this.pauseNotice();
    if (pause) state.fatigue = pause;
    return state;
  }

  /** While approvals are paused for fatigue: until when, and why (for the panel's banner). */
  pauseNotice(): Promise<QueueState['fatigue']> {
    return this.fatigue.paused();
  }

  async teamQueue(): Promise<TeamQueueState> {
    return this.team.queue(await this.pauseNotice());
  }
}
