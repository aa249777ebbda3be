import type { FieldChange, ProposedAction, Rect } from '@/lib/actions/types';
import { clip, TITLE_LIMIT } from '@/lib/actions/wording';
import type { ActionRecord, ScreenshotState, Settings } from '@/lib/db/schema';
import type { ActionStore } from '@/lib/db/store';
import { confirmedSignals, type GuardMode, type TabGuard } from '@/lib/detect/signals';
import type { DecideReply, FieldEdit, HoldReply, RevealReply, TabMessage, Verdict } from '@/lib/messaging/protocol';
import { parseDecisionReply, parseRevealReply } from '@/lib/messaging/validate';
import { isCrossOriginFrame, originOf, riskReasons } from '@/lib/policy/risk';

const MASK = '••••••';

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
  /**
   * A picture of the tab if it is the visible tab of its window (never another tab's pixels),
   * with the given rectangles of its viewport painted over.
   */
  captureTab(tabId: number, redact: { rects: Rect[]; viewportWidth: number }): Promise<Blob | 'background'>;
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
      tabUrl: clip(origin.tabUrl, 8192),
      tabTitle: clip(origin.tabTitle, TITLE_LIMIT),
      site: originOf(origin.tabUrl) ?? clip(origin.tabUrl, 200),
      status: 'pending',
      createdAt: this.platform.now(),
      risks: riskReasons(proposal, origin.tabUrl),
    };
    if (isCrossOriginFrame(proposal.frameUrl, origin.tabUrl)) record.frameCrossOrigin = true;
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
    const screenshot = await this.capture(record);
    await this.store.update(record.id, { signals, screenshot });
    this.changed();
    return { status: 'held' };
  }

  private async capture({ id, tabId, fields, redactions, target }: ActionRecord): Promise<ScreenshotState> {
    const secrets = fields.some((field) => field.masked && !field.hidden);
    if (secrets && !(redactions && target)) return 'withheld';
    try {
      const picture = await this.platform.captureTab(tabId, {
        rects: redactions ?? [],
        viewportWidth: target?.viewportWidth ?? 1,
      });
      if (picture === 'background') return 'background';
      await this.store.putScreenshot(id, { blob: picture, capturedAt: this.platform.now() });
      return 'captured';
    } catch {
      return 'unavailable'; // capture is rate-limited and fails on browser pages; the hold stands
    }
  }

  /** Only extension pages reach this (background.ts checks the sender). */
  async decide(id: string, verdict: Verdict, note?: string, edits: FieldEdit[] = []): Promise<DecideReply> {
    const current = await this.store.get(id);
    const applied = verdict === 'approve' ? describeEdits(current?.fields ?? [], edits) : [];
    const decided = await this.store.settle(id, {
      status: verdict === 'approve' ? 'approved' : 'rejected',
      decidedAt: this.platform.now(),
      decidedBy: 'person',
      ...(note ? { note } : {}),
      ...(applied.length ? { edits: applied } : {}),
    });
    if (!decided) return { ok: false, error: 'This action was already decided or no longer exists.' };
    this.changed();
    const message: TabMessage = { type: 'decision', id, verdict };
    if (note) message.note = note;
    if (verdict === 'approve' && edits.length) message.edits = edits;
    let raw: unknown;
    try {
      raw = await this.platform.sendToFrame(decided, message);
    } catch {
      raw = undefined;
    }
    if (verdict === 'reject') return { ok: true };
    const reply = parseDecisionReply(raw);
    if (reply?.delivered) {
      await this.store.update(id, { deliveredAt: this.platform.now() });
      this.changed();
      return { ok: true };
    }
    if (reply?.changed?.length) {
      // Bound approval: the page altered what the reviewer saw, so it goes back to the queue.
      await this.store.update(id, {
        status: 'pending',
        decidedAt: undefined,
        decidedBy: undefined,
        note: undefined,
        edits: undefined,
        changedSinceHeld: reply.changed,
        ...(reply.fields ? { fields: reply.fields } : {}),
        amount: reply.amount ?? undefined,
      });
      this.changed();
      return { ok: false, error: 'The page changed this action after it was held; nothing was sent. Review it again.' };
    }
    await this.store.update(id, { status: 'abandoned', reason: 'approved, but the page no longer held it' });
    this.changed();
    return { ok: false, error: 'The page that held this action is gone; nothing was sent.' };
  }

  /** The real value of a masked field, fetched from the page for the reviewer; never stored. */
  async reveal(id: string, index: number): Promise<RevealReply> {
    const record = await this.store.get(id);
    if (record?.status !== 'pending') return { error: 'Only a pending action can be revealed.' };
    try {
      return parseRevealReply(await this.platform.sendToFrame(record, { type: 'reveal', id, index })) ?? {
        error: 'The page did not answer.',
      };
    } catch {
      return { error: 'The page that held this action is gone.' };
    }
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

/** Before and after for each edit; a masked field stays masked in the history. */
function describeEdits(fields: ActionRecord['fields'], edits: FieldEdit[]): FieldChange[] {
  return edits.flatMap(({ index, value }) => {
    const field = fields[index];
    if (!field || field.value === value) return [];
    return [{ label: field.label || field.name, before: field.value, after: field.masked ? MASK : clip(value, 2000) }];
  });
}
