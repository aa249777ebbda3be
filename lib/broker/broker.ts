import { AGENT_TAB } from '@/lib/actions/types';
import type { ExportAudit } from '@/lib/db/chain';
import type { Settings } from '@/lib/db/schema';
import type { ActionStore } from '@/lib/db/store';
import type { SettingsChange } from '@/lib/messaging/messages';
import type { RevealReply } from '@/lib/messaging/protocol';
import { refused, type RefusalName } from '@/lib/messaging/refusals';
import { parseRevealReply } from '@/lib/messaging/validate';
import { AgentContext } from './agent-context';
import { Decisions } from './decisions';
import { FatigueMonitor } from './fatigue';
import { GuardState } from './guard-state';
import { HoldPipeline } from './hold-pipeline';
import { Lifecycle, TIMEOUT_TIMER } from './lifecycle';
import { LogKey } from './log-key';
import { PageTraffic } from './page-traffic';
import type { BrokerPlatform, Origin } from './platform';
import { Questions } from './questions';
import { QueueView } from './queue-view';
import { RequestLog } from './request-log';
import { ReviewerKey } from './reviewer-key';
import { RuleBook } from './rulebook';
import { GRANT_TIMER, RuleShortcuts } from './rule-shortcuts';
import { TeamBridge } from './team';
import { NOTICE_TIMER, WaitingNotices } from './waiting-notices';
export type { BrokerPlatform, Origin } from './platform';
export type { ObservedRequest } from './request-log';

/**
 * The background, composed: each service owns one part (holds, decisions, rules made by the
 * person, the guard, the queue views, the agent's context, page traffic, team review) and the
 * router's handlers call them. An action goes pending -> approved | rejected | abandoned, or
 * released when the tab turns out not to be guarded; every transition is written before it is
 * acted on, and every change reaches the panels, the badge and the team queue through `changed`,
 * which the store calls after each write (a service calls it only for what memory alone holds).
 */
export class Broker {
  /** Holds written before this worker started may lack an evaluation (see `reconcile`). */
  private readonly startedAt: number;
  private readonly fatigue: FatigueMonitor;
  private readonly lifecycle: Lifecycle;
  private readonly requests: RequestLog;
  readonly guard: GuardState;
  readonly agent: AgentContext;
  readonly holds: HoldPipeline;
  readonly shortcuts: RuleShortcuts;
  readonly view: QueueView;
  readonly traffic: PageTraffic;
  readonly rules: RuleBook;
  readonly reviewerKey: ReviewerKey;
  readonly team: TeamBridge;
  readonly questions: Questions;
  readonly decisions: Decisions;
  readonly logKey: LogKey;
  readonly notices: WaitingNotices;

  constructor(
    private readonly store: ActionStore,
    private readonly platform: BrokerPlatform,
  ) {
    this.rules = new RuleBook(store, { now: () => platform.now(), newId: () => platform.newId() });
    this.startedAt = platform.now();
    this.requests = new RequestLog(store, platform, {
      guarded: async (tabId) => {
        const guard = await this.guard.guardFor(tabId);
        return guard.mode !== 'off' && (guard.mode === 'always' || guard.armed || guard.debugger);
      },
      silenced: async () => (await store.settings()).silencedEndpoints,
    });
    this.fatigue = new FatigueMonitor(store, () => platform.now());
    this.logKey = new LogKey(store, () => platform.now());
    this.notices = new WaitingNotices(store, platform);
    this.lifecycle = new Lifecycle(store, platform, this.logKey);
    this.guard = new GuardState(store, platform, () => this.requests.hasInputs());
    this.agent = new AgentContext(store, platform, () => this.changed());
    this.traffic = new PageTraffic(store, platform, this.requests);
    this.reviewerKey = new ReviewerKey(store, platform);
    this.decisions = new Decisions({
      store,
      platform,
      fatigue: this.fatigue,
      reviewerKey: this.reviewerKey,
      claim: (id, verdict) => this.team.claim(id, verdict),
      noteCovered: (tabId, at) => this.requests.noteCovered(tabId, at),
    });
    this.questions = this.askingPerson(store, platform);
    this.team = this.teamBridge(store, platform);
    this.shortcuts = new RuleShortcuts({
      store,
      platform,
      rules: this.rules,
      decisions: this.decisions,
      claim: (id, verdict) => this.team.claim(id, verdict),
      fatiguePaused: () => this.fatigue.refusal(),
      trustProof: (passkey) => this.reviewerKey.trustProof(passkey),
    });
    this.holds = new HoldPipeline({
      store,
      platform,
      guard: this.guard,
      agent: this.agent,
      rules: this.rules,
      decisions: this.decisions,
      lifecycle: this.lifecycle,
      notices: this.notices,
      requests: this.requests,
      syncManaged: () => this.shortcuts.syncManaged(),
      prune: () => this.prune(),
      changed: () => this.changed(),
    });
    this.view = new QueueView(store, this.reviewerKey, this.fatigue, this.team);
    // The store announces every write it makes; `changed` is called by hand only for what memory alone holds.
    store.notices.onChange(() => this.changed());
  }

  /** The agent's questions to the person, with the hold pipeline's context, flood pause and gate. */
  private askingPerson(store: ActionStore, platform: BrokerPlatform): Questions {
    return new Questions({
      store,
      platform,
      recentTabs: () => [...this.requests.recentInputTabs(), ...this.guard.drivenTabs()],
      withAgentContext: (record) => this.agent.withAgentContext(record),
      isFlooding: (record, limit) => this.holds.isFlooding(record, limit),
      armTimeout: (record, settings) => this.lifecycle.armTimeout(record, settings),
      armNotice: (record) => void this.notices.arm(record).catch(() => undefined),
      gate: (record, approving) => this.decisions.gate(record, 'answer', undefined, approving),
      claim: (id) => this.team.claim(id, 'approve'),
      noteApproval: (record, dwellMs) => this.decisions.noteApproval(record, dwellMs),
    });
  }

  /** Team review's side of the broker: the reviewer's decisions come in through `Decisions`. */
  private teamBridge(store: ActionStore, platform: BrokerPlatform): TeamBridge {
    return new TeamBridge(store, {
      answer: (id, answer, reviewer, proof) => this.questions.settle(id, answer, reviewer, proof),
      fromReviewer: (id, verdict, note, edits, by) => this.decisions.fromReviewer(id, verdict, note, edits, by),
      gate: (record, path, confirmation, approving) => this.decisions.gate(record, path, confirmation, approving),
      noteApproval: (record, dwellMs) => this.decisions.noteApproval(record, dwellMs),
      trustProof: (passkey) => this.reviewerKey.trustProof(passkey),
      reviewerKey: this.reviewerKey,
      managedTeam: () => platform.managedTeam(),
      changed: () => this.changed(),
      now: () => platform.now(),
    });
  }

  /** A timer fired: a pending action timed out, or a grant ran out. */
  async onTimer(name: string): Promise<void> {
    if (name.startsWith(TIMEOUT_TIMER)) await this.lifecycle.expire(name.slice(TIMEOUT_TIMER.length));
    if (name.startsWith(NOTICE_TIMER)) await this.notices.onTimer(name);
    if (name.startsWith(GRANT_TIMER)) await this.rules.expireGrant(name.slice(GRANT_TIMER.length));
  }

  /** A frame holds something for the first time: it gets the half of the content script that describes it. */
  async injectDescriber(origin: Origin): Promise<{ ok: boolean }> {
    return this.platform.injectDescriber(origin).then(
      () => ({ ok: true }),
      () => ({ ok: false }),
    );
  }

  /** The real value of a masked field, fetched from the page for the reviewer; never stored. */
  async reveal(id: string, index: number): Promise<RevealReply> {
    const record = await this.store.get(id);
    if (record?.status !== 'pending') return refusedReveal('revealNotPending');
    try {
      const reply = parseRevealReply(await this.platform.sendToFrame(record, { type: 'reveal', id, index }));
      // The frame's only refusal: it no longer holds the action.
      return reply && 'value' in reply ? reply : refusedReveal(reply ? 'revealNotHeld' : 'revealNoAnswer');
    } catch {
      return refusedReveal('revealPageGone');
    }
  }

  abandonTab(tabId: number, reason: string, frameId?: number): Promise<void> {
    return this.lifecycle.abandonTab(tabId, reason, frameId);
  }

  /** After an extension reload or update no old content script can be reached: abandon everything pending. */
  abandonAll(reason: string): Promise<void> {
    return this.lifecycle.abandonAll(reason);
  }

  /** After a service worker start: pending actions of tabs that no longer exist are abandoned. */
  async reconcile(): Promise<void> {
    await this.store.beginChain((recordsBefore) => this.logKey.checkpoint('began', recordsBefore));
    const open = await this.platform.openTabs();
    for (const record of await this.store.pending()) {
      if (record.tabId !== AGENT_TAB && !open.has(record.tabId)) await this.abandonTab(record.tabId, 'tab closed');
      else if (record.evaluatedAt === undefined && record.createdAt < this.startedAt) await this.holds.evaluateAgain(record);
      else await this.lifecycle.expire(record.id); // expires it, or re-arms its timer
    }
    for (const rule of await this.rules.list()) {
      if (rule.expiresAt !== undefined) this.platform.setTimer(`${GRANT_TIMER}${rule.id}`, rule.expiresAt);
    }
    await this.updateBadge();
    await this.prune(true);
    // The worker starts watching page loads (so a load that woke it is seen); stop unless needed.
    await this.guard.updateRequestWatch();
  }

  async updateSettings(change: SettingsChange): Promise<Settings> {
    const settings: Settings = { ...(await this.store.settings()), ...change };
    await this.store.saveSettings(settings);
    if (change.guardMode) {
      await this.guard.pushToAllTabs();
      await this.guard.updateRequestWatch();
    }
    if (change.fatigueCount || change.fatigueDwellMs !== undefined || change.fatiguePauseSeconds) {
      // New thresholds judge new approvals: start a fresh window.
      await this.fatigue.reset();
    }
    if (change.historyMaxEntries || change.historyMaxDays || change.screenshotMaxCount !== undefined) await this.prune(true);
    return settings;
  }

  /** Applies the retention settings; cheap enough to run after holds, at most once a minute. */
  prune(force = false): Promise<number> {
    return this.lifecycle.prune(force);
  }

  /** What an export carries to be checked: the chain's head now, signed, and every checkpoint. */
  async exportAudit(): Promise<ExportAudit> {
    return { head: await this.logKey.signedHead(), checkpoints: await this.store.checkpoints() };
  }

  clearHistory(): Promise<{ removed: number }> {
    return this.lifecycle.clearHistory();
  }

  settings(): Promise<Settings> {
    return this.store.settings();
  }

  async forgetTab(tabId: number): Promise<void> {
    await this.guard.forget(tabId);
    this.requests.forget(tabId);
    await this.guard.updateRequestWatch();
  }

  /** Something changed: the panels reload, the badge and the team queue follow. */
  private changed(): void {
    this.questions.changed();
    void this.updateBadge();
    this.platform.notifyPanels();
    this.team.changed();
  }

  private async updateBadge(): Promise<void> {
    const holdsBefore = this.holds.started;
    const pending = await this.store.pendingCount();
    await this.platform.setBadge(pending);
    // A hold that began while counting may not be in the count: keep watching for it.
    this.platform.watchNavigation(pending > 0 || holdsBefore !== this.holds.started);
  }
}

function refusedReveal(name: RefusalName): RevealReply {
  const { error, refusal } = refused(name);
  return { error, refusal };
}
