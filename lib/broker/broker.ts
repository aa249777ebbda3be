import type { ProposedAction } from '@/lib/actions/types';
import type { ActionRecord, Settings } from '@/lib/db/schema';
import type { ActionStore } from '@/lib/db/store';
import { confirmedSignals, type GuardMode, type TabGuard } from '@/lib/detect/signals';
import type { DecideReply, DecisionReply, HoldReply, TabMessage, Verdict } from '@/lib/messaging/protocol';

/** Where a proposal came from, as the browser (not the page) reports it. */
export interface Origin {
  tabId: number;
  frameId: number;
  documentId?: string;
  tabUrl: string;
  tabTitle: string;
}

/** The browser as the broker needs it; background.ts supplies the real one, tests a fake. */
export interface BrokerPlatform {
  debuggerTabs(): Promise<Set<number>>;
  armedTabs(): Promise<Set<number>>;
  setArmedTabs(tabs: Set<number>): Promise<void>;
  openTabs(): Promise<Set<number>>;
  sendToFrame(origin: Pick<Origin, 'tabId' | 'frameId' | 'documentId'>, message: TabMessage): Promise<unknown>;
  sendToTab(tabId: number, message: TabMessage): Promise<void>;
  setBadge(pending: number): Promise<void>;
  notifyPanels(): void;
  now(): number;
}

/**
 * The background's state machine: pending -> approved | rejected | abandoned, or released
 * when the tab turns out not to be guarded. Every transition is written before it is acted on.
 */
export class Broker {
  private debuggerTabs = new Set<number>();

  constructor(
    private readonly store: ActionStore,
    private readonly platform: BrokerPlatform,
  ) {}

  async guardFor(tabId: number): Promise<TabGuard> {
    const [settings, armed] = await Promise.all([this.store.settings(), this.platform.armedTabs()]);
    return { mode: settings.guardMode, armed: armed.has(tabId), debugger: this.debuggerTabs.has(tabId) };
  }

  /** Called when a frame starts: refresh what we know of debuggers, then answer. */
  async hello(tabId: number): Promise<TabGuard> {
    await this.refreshDebuggers();
    return this.guardFor(tabId);
  }

  async hold(proposal: ProposedAction, origin: Origin): Promise<HoldReply> {
    const record: ActionRecord = {
      ...proposal,
      ...origin,
      site: siteOf(origin.tabUrl),
      status: 'pending',
      createdAt: this.platform.now(),
    };
    await this.store.add(record);
    await this.refreshDebuggers();
    const signals = confirmedSignals(proposal.signals, await this.guardFor(origin.tabId));
    if (signals.length === 0) {
      await this.store.settle(record.id, {
        status: 'released',
        decidedAt: this.platform.now(),
        decidedBy: 'system',
        reason: 'tab not guarded',
      });
      this.changed();
      return { status: 'release' };
    }
    if (signals.join() !== proposal.signals.join()) await this.store.update(record.id, { signals });
    this.changed();
    return { status: 'held' };
  }

  /** Only extension pages reach this (background.ts checks the sender). */
  async decide(id: string, verdict: Verdict, note?: string): Promise<DecideReply> {
    const status = verdict === 'approve' ? 'approved' : 'rejected';
    const decided = await this.store.settle(id, {
      status,
      decidedAt: this.platform.now(),
      decidedBy: 'person',
      ...(note ? { note } : {}),
    });
    if (!decided) return { ok: false, error: 'This action was already decided or no longer exists.' };
    this.changed();
    const message: TabMessage = note ? { type: 'decision', id, verdict, note } : { type: 'decision', id, verdict };
    let reply: DecisionReply | undefined;
    try {
      reply = (await this.platform.sendToFrame(decided, message)) as DecisionReply | undefined;
    } catch {
      reply = undefined;
    }
    if (verdict === 'approve') {
      if (reply?.delivered) {
        await this.store.update(id, { deliveredAt: this.platform.now() });
      } else {
        await this.store.update(id, { status: 'abandoned', reason: 'approved, but the page no longer held it' });
        this.changed();
        return { ok: false, error: 'The page that held this action is gone; nothing was sent.' };
      }
    }
    this.changed();
    return { ok: true };
  }

  async abandonTab(tabId: number, reason: string, frameId?: number): Promise<void> {
    const pending = await this.store.pendingForTab(tabId);
    const affected = pending.filter((record) => frameId === undefined || frameId === 0 || record.frameId === frameId);
    for (const record of affected) {
      await this.store.settle(record.id, {
        status: 'abandoned',
        decidedAt: this.platform.now(),
        decidedBy: 'system',
        reason,
      });
    }
    if (affected.length) this.changed();
  }

  /** After a service worker start: pending actions of tabs that no longer exist are abandoned. */
  async reconcile(): Promise<void> {
    const open = await this.platform.openTabs();
    for (const record of await this.store.pending()) {
      if (!open.has(record.tabId)) await this.abandonTab(record.tabId, 'tab closed');
    }
    await this.updateBadge();
  }

  queue(): Promise<ActionRecord[]> {
    return this.store.pending();
  }

  history(limit: number): Promise<ActionRecord[]> {
    return this.store.recent(limit);
  }

  settings(): Promise<Settings> {
    return this.store.settings();
  }

  async setGuardMode(mode: GuardMode): Promise<Settings> {
    const settings = { ...(await this.store.settings()), guardMode: mode };
    await this.store.saveSettings(settings);
    await this.pushGuardToAllTabs();
    return settings;
  }

  async arm(tabId: number, armed: boolean): Promise<TabGuard> {
    const tabs = await this.platform.armedTabs();
    if (armed) tabs.add(tabId);
    else tabs.delete(tabId);
    await this.platform.setArmedTabs(tabs);
    const guard = await this.guardFor(tabId);
    await this.platform.sendToTab(tabId, { type: 'guard', guard });
    return guard;
  }

  async forgetTab(tabId: number): Promise<void> {
    const armed = await this.platform.armedTabs();
    if (armed.delete(tabId)) await this.platform.setArmedTabs(armed);
    this.debuggerTabs.delete(tabId);
  }

  /** Polls which tabs a DevTools-protocol client drives, and tells tabs whose state changed. */
  async refreshDebuggers(): Promise<void> {
    const now = await this.platform.debuggerTabs();
    const changed = [...now, ...this.debuggerTabs].filter((tab) => now.has(tab) !== this.debuggerTabs.has(tab));
    this.debuggerTabs = now;
    for (const tabId of new Set(changed)) {
      await this.platform.sendToTab(tabId, { type: 'guard', guard: await this.guardFor(tabId) });
    }
  }

  private async pushGuardToAllTabs(): Promise<void> {
    for (const tabId of await this.platform.openTabs()) {
      await this.platform.sendToTab(tabId, { type: 'guard', guard: await this.guardFor(tabId) });
    }
  }

  private changed(): void {
    void this.updateBadge();
    this.platform.notifyPanels();
  }

  private async updateBadge(): Promise<void> {
    await this.platform.setBadge(await this.store.pendingCount());
  }
}

function siteOf(url: string): string {
  try {
    return new URL(url).origin;
  } catch {
    return url.slice(0, 200);
  }
}
