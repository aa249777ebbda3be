import type { Checkpoint } from '@/lib/db/chain';
import type { ActionRecord, Settings } from '@/lib/db/schema';
import type { ActionStore } from '@/lib/db/store';
import type { BrokerPlatform } from './platform';
import { FreshRead } from './fresh';
import type { LogKey } from './log-key';

/** A cut signed just before loses to a write in between at most this often before giving up. */
const CUT_TRIES = 5;

export const TIMEOUT_TIMER = 'timeout:';
const PRUNE_INTERVAL_MS = 60_000;
const DAY_MS = 24 * 60 * 60 * 1000;

/** How pending actions end without a person (timeout, a closed tab, a reload) and how the log is kept in size. */
export class Lifecycle {
  private lastPrune = -Infinity;
  private readonly pendingReads = new Map<number, FreshRead<ActionRecord[]>>();

  constructor(
    private readonly store: ActionStore,
    private readonly platform: Pick<BrokerPlatform, 'now' | 'setTimer' | 'sendToFrame'>,
    private readonly logKey: LogKey,
  ) {}

  /** A durable timer, so a sleeping worker still rejects on time. */
  armTimeout(record: ActionRecord, settings: Settings): void {
    this.platform.setTimer(`${TIMEOUT_TIMER}${record.id}`, record.createdAt + settings.timeoutSeconds * 1000);
  }

  /** Timeout means reject, logged as `timeout`, never as a person's decision. */
  async expire(id: string): Promise<void> {
    const record = await this.store.get(id);
    if (record?.status !== 'pending') return;
    const settings = await this.store.settings();
    if (record.createdAt + settings.timeoutSeconds * 1000 > this.platform.now()) {
      this.armTimeout(record, settings);
      return;
    }
    const note = `no decision within ${formatDuration(settings.timeoutSeconds)}`;
    const expired = await this.store.settle(id, {
      status: 'rejected',
      decidedAt: this.platform.now(),
      decidedBy: 'timeout',
      note,
    });
    if (!expired) return;
    await this.platform.sendToFrame(expired, { type: 'decision', id, verdict: 'reject', note, by: 'timeout' }).catch(() => undefined);
  }

  async abandonTab(tabId: number, reason: string, frameId?: number): Promise<void> {
    const pending = await this.pendingFor(tabId);
    const affected = pending.filter((record) => frameId === undefined || frameId === 0 || record.frameId === frameId);
    for (const record of affected) {
      await this.store.settle(record.id, {
        status: 'abandoned',
        decidedAt: this.platform.now(),
        decidedBy: 'system',
        reason,
      });
    }
  }

  /** A tab's pending actions, read afresh; the frames of one page committing at once share reads. */
  private pendingFor(tabId: number): Promise<ActionRecord[]> {
    let read = this.pendingReads.get(tabId);
    if (!read) {
      read = new FreshRead(() => this.store.pendingForTab(tabId));
      this.pendingReads.set(tabId, read);
    }
    const pending = read.get();
    const forget = () => {
      if (this.pendingReads.get(tabId)?.idle) this.pendingReads.delete(tabId);
    };
    pending.then(forget, forget);
    return pending;
  }

  /** After an extension reload or update no old content script can be reached: abandon everything pending. */
  async abandonAll(reason: string): Promise<void> {
    for (const record of await this.store.pending()) await this.abandonTab(record.tabId, reason);
  }

  /** Applies the retention settings; cheap enough to run after holds, at most once a minute. */
  async prune(force = false): Promise<number> {
    const now = this.platform.now();
    if (!force && now - this.lastPrune < PRUNE_INTERVAL_MS) return 0;
    this.lastPrune = now;
    const settings = await this.store.settings();
    const removed = await this.atCut('retention', (cut) =>
      this.store.prune({
        keepScreenshots: settings.screenshotMaxCount,
        maxEntries: settings.historyMaxEntries,
        before: now - settings.historyMaxDays * DAY_MS,
        cut,
      }),
    );
    return removed;
  }

  async clearHistory(): Promise<{ removed: number }> {
    const removed = await this.atCut('cleared', (cut) => this.store.clearDecided(cut));
    return { removed };
  }

  /** Records leave the history only at a checkpoint signed over the head they leave from. */
  private async atCut(reason: 'retention' | 'cleared', remove: (cut: Checkpoint) => Promise<{ removed: number; stale: boolean }>): Promise<number> {
    for (let tries = 0; tries < CUT_TRIES; tries++) {
      const { removed, stale } = await remove(await this.logKey.checkpoint(reason));
      if (!stale) return removed;
    }
    return 0; // writes kept coming: the next prune tries again
  }
}

function formatDuration(seconds: number): string {
  if (seconds % 60 === 0) return `${seconds / 60} minute${seconds === 60 ? '' : 's'}`;
  return `${seconds} second${seconds === 1 ? '' : 's'}`;
}
