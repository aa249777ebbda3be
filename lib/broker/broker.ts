import type { AgentDecision } from '@/lib/agent/requests';
import { outcomeOf } from '@/lib/db/outcome';
import { AGENT_TAB, type AgentConfidence, type AgentTask, type JoinedRequest, type ProposedAction } from '@/lib/actions/types';
import { clip, TITLE_LIMIT } from '@/lib/actions/wording';
import type { ActionRecord, ChannelRefusal, ScreenshotState, Settings } from '@/lib/db/schema';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { ActionStore } from '@/lib/db/store';
import { confirmedSignals, type TabGuard } from '@/lib/detect/signals';
import type {
  AgentState,
  DecideReply,
  HoldReply,
  PausedTab,
  QueueState,
  RevealReply,
  RuleChangeReply,
  TabMessage,
  TeamQueueState,
} from '@/lib/messaging/protocol';
import type { SettingsChange } from '@/lib/messaging/messages';
import type { ExportAudit } from '@/lib/db/chain';
import { parseDecisionReply, parseRevealReply } from '@/lib/messaging/validate';
import { isCrossOriginFrame, originOf, riskReasons } from '@/lib/policy/risk';
import { endpointOf, grantsTrust, parseToolName, type RuleKind } from '@/lib/policy/rules';
import { parseRuleSpec, parseRulesFile } from '@/lib/policy/rules-file';
import { Decisions } from './decisions';
import { FatigueMonitor } from './fatigue';
import { Lifecycle, TIMEOUT_TIMER } from './lifecycle';
import { ReviewerKey } from './reviewer-key';
import { DebuggerWatch } from './debuggers';
import { RequestLog, type ObservedRequest } from './request-log';
export type { ObservedRequest } from './request-log';
import { Questions } from './questions';
import { LogKey } from './log-key';
import { NOTICE_TIMER, WaitingNotices } from './waiting-notices';
import { RuleBook } from './rulebook';
import type { BrokerPlatform, Origin } from './platform';
export type { BrokerPlatform, Origin } from './platform';
import { TeamBridge } from './team';

const FLOOD_WINDOW_MS = 60_000;
/** Requests one card can carry besides its own. */
const MAX_JOINED = 20;
const MAX_SILENCED = 1000;
const AGENT_DECISIONS = 200;
const CHANNEL_REFUSALS = 50;
const GRANT_TIMER = 'grant:';

/**
 * The background's state machine: pending -> approved | rejected | abandoned, or released
 * when the tab turns out not to be guarded. Every transition is written before it is acted on.
 */
export class Broker {
  private readonly debuggers: DebuggerWatch;
  private lastManaged: string | null = null;
  private readonly resumedAt = new Map<number, number>();
  /** Holds written before this worker started may lack an evaluation (see `reconcile`). */
  private readonly startedAt: number;
  private holdsStarted = 0;
  private task: Promise<AgentTask | null> | null = null;
  private confidence: Promise<AgentConfidence | null> | null = null;
  private refusalsWritten: Promise<void> = Promise.resolve();
  private readonly fatigue: FatigueMonitor;
  private readonly lifecycle: Lifecycle;
  private readonly requestLog: RequestLog;
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
    this.requestLog = new RequestLog(store, platform, {
      guarded: async (tabId) => {
        const guard = await this.guardFor(tabId);
        return guard.mode !== 'off' && (guard.mode === 'always' || guard.armed || guard.debugger);
      },
      silenced: async () => (await store.settings()).silencedEndpoints,
      changed: () => this.changed(),
    });
    this.fatigue = new FatigueMonitor(store, () => platform.now());
    this.logKey = new LogKey(store, () => platform.now());
    this.notices = new WaitingNotices(store, platform, () => this.changed());
    this.lifecycle = new Lifecycle(store, platform, () => this.changed(), this.logKey);
    this.debuggers = new DebuggerWatch(
      () => platform.debuggerTabs(),
      async (tabId) => {
        await this.updateRequestWatch();
        await platform.sendToTab(tabId, { type: 'guard', guard: await this.guardFor(tabId) });
      },
    );
    this.reviewerKey = new ReviewerKey(store, platform, () => this.changed());
    this.decisions = new Decisions({
      store,
      platform,
      fatigue: this.fatigue,
      reviewerKey: this.reviewerKey,
      claim: (id, verdict) => this.team.claim(id, verdict),
      noteCovered: (tabId, at) => this.requestLog.noteCovered(tabId, at),
      changed: () => this.changed(),
    });
    this.questions = new Questions({
      store,
      platform,
      recentTabs: () => [...this.requestLog.recentInputTabs(), ...this.debuggers.list()],
      withAgentContext: (record) => this.withAgentContext(record),
      isFlooding: (record, limit) => this.isFlooding(record, limit),
      armTimeout: (record, settings) => this.lifecycle.armTimeout(record, settings),
      armNotice: (record) => void this.notices.arm(record).catch(() => undefined),
      gate: (record, approving) => this.decisions.gate(record, 'answer', undefined, approving),
      claim: (id) => this.team.claim(id, 'approve'),
      noteApproval: (record, dwellMs) => this.decisions.noteApproval(record, dwellMs),
      changed: () => this.changed(),
    });
    this.team = new TeamBridge(store, {
      answer: (id, answer, reviewer, proof) => this.questions.settle(id, answer, reviewer, proof),
      fromReviewer: (id, verdict, note, edits, by) => this.decisions.fromReviewer(id, verdict, note, edits, by),
      gate: (record, path, confirmation, approving) => this.decisions.gate(record, path, confirmation, approving),
      noteApproval: (record, dwellMs) => this.decisions.noteApproval(record, dwellMs),
      trustProof: (passkey) => this.trustProof(passkey),
      reviewerKey: this.reviewerKey,
      managedTeam: () => platform.managedTeam(),
      changed: () => this.changed(),
      now: () => platform.now(),
    });
  }

  async guardFor(tabId: number): Promise<TabGuard> {
    const [settings, armed] = await Promise.all([this.store.settings(), this.platform.armedTabs()]);
    return { mode: settings.guardMode, armed: armed.has(tabId), debugger: this.debuggers.has(tabId) };
  }

  /**
   * Some tab may be guarded: the guard mode says every tab is, a person armed one, a DevTools
   * client drives one, or a tab's frames reported an agent's input (webdriver, untrusted events).
   */
  async updateRequestWatch(): Promise<void> {
    const [settings, armed] = await Promise.all([this.store.settings(), this.platform.armedTabs()]);
    const mayBeGuarded =
      settings.guardMode === 'always' ||
      (settings.guardMode !== 'off' && (armed.size > 0 || this.debuggers.any() || this.requestLog.hasInputs()));
    this.platform.watchNavigationRequests(mayBeGuarded);
  }

  /** Called when a frame starts: look at the debuggers afresh, then answer. */
  async hello(tabId: number): Promise<TabGuard> {
    await this.debuggers.fresh();
    return this.guardFor(tabId);
  }

  async hold(proposal: ProposedAction, origin: Origin): Promise<HoldReply> {
    this.holdsStarted++;
    this.platform.watchNavigation(true);
    const earlier = await this.store.get(proposal.id);
    if (earlier) return this.repeatedHold(earlier, proposal, origin);
    const record = await this.withAgentContext(this.recordOf(proposal, origin));
    await this.store.add(record);
    return this.evaluateHeld(record);
  }

  /**
   * The agent's declared task, on every action held until it declares another, and its stated
   * doubt while its confidence is below the threshold.
   */
  private async withAgentContext(record: ActionRecord): Promise<ActionRecord> {
    this.task ??= this.store.agentTask();
    this.confidence ??= this.store.agentConfidence();
    const [task, confidence, settings] = await Promise.all([this.task, this.confidence, this.store.settings()]);
    const unsure = confidence && confidence.value < settings.confidenceThreshold ? confidence : undefined;
    return { ...record, ...(task ? { task } : {}), ...(unsure ? { unsure } : {}) };
  }

  /**
   * From the agent's channel: the actions held since `since`, newest first (at most 200), with
   * their outcome, who decided and the person's note and edits. A page's own traffic is left out.
   */
  async agentDecisions(since: number): Promise<AgentDecision[]> {
    return (await this.store.recent(AGENT_DECISIONS))
      .filter((record) => record.createdAt >= since && !record.traffic)
      .map((record) => ({
        id: record.id,
        heldAt: new Date(record.createdAt).toISOString(),
        site: record.site,
        kind: record.kind,
        label: record.label,
        outcome: outcomeOf(record),
        decidedBy: record.decidedBy ?? null,
        note: record.note ?? null,
        edits: record.edits ?? [],
        ...(record.question?.answer !== undefined ? { answer: record.question.answer } : {}),
      }));
  }

  /** From the agent's channel: its task in its own words, for the cards that follow. A new task starts with no stated doubt. */
  async declareTask(task: string, constraints?: string): Promise<{ ok: true }> {
    const declared: AgentTask = { task, ...(constraints ? { constraints } : {}), declaredAt: this.platform.now() };
    await this.store.saveAgentTask(declared);
    await this.store.saveAgentConfidence(null);
    this.task = Promise.resolve(declared);
    this.confidence = Promise.resolve(null);
    this.changed();
    return { ok: true };
  }

  /**
   * From the agent's channel: how sure it is, and about what. Below the threshold its actions
   * ask even where a rule would allow them, until it reports otherwise or declares a new task.
   */
  async reportConfidence(value: number, about: string): Promise<{ ok: true; asking: boolean }> {
    const stated: AgentConfidence = { value, about, at: this.platform.now() };
    await this.store.saveAgentConfidence(stated);
    this.confidence = Promise.resolve(stated);
    this.changed();
    return { ok: true, asking: value < (await this.store.settings()).confidenceThreshold };
  }

  /** A request on the agent's channel was refused: kept for Settings, where the person sees it. */
  noteChannelRefusal(type: string, error: string): Promise<void> {
    const refusal: ChannelRefusal = { at: this.platform.now(), type: clip(type, 40), error: clip(error, 300) };
    // One after another: refusals arriving together each read the list the last one wrote.
    this.refusalsWritten = this.refusalsWritten.then(async () => {
      await this.store.saveChannelRefusals([...(await this.store.channelRefusals()), refusal].slice(-CHANNEL_REFUSALS));
      this.changed();
    });
    return this.refusalsWritten;
  }

  /** The agent's side as Settings show it: its task, its stated confidence, what it tried and was refused. */
  async agentState(): Promise<AgentState> {
    const [task, confidence, refusals] = await Promise.all([this.store.agentTask(), this.store.agentConfidence(), this.store.channelRefusals()]);
    return { task, confidence, refusals };
  }

  private recordOf(proposal: ProposedAction, origin: Origin): ActionRecord {
    const record: ActionRecord = {
      ...proposal,
      frameUrl: proposal.frameUrl || clip(origin.tabUrl, 8192),
      ...origin,
      tabUrl: clip(origin.tabUrl, 8192),
      tabTitle: clip(origin.tabTitle, TITLE_LIMIT),
      site: originOf(origin.tabUrl) ?? clip(origin.tabUrl, 200),
      status: 'pending',
      createdAt: this.platform.now(),
      risks: riskReasons(proposal, origin.tabUrl),
    };
    if (isCrossOriginFrame(proposal.frameUrl, origin.tabUrl)) record.frameCrossOrigin = true;
    return record;
  }

  /**
   * A tool the page marks read-only ran at once, unasked: the page answered it there, with no
   * round trip. Logged as let through on the page's claim; what it sends is judged at the request.
   */
  async noteToolRan(proposal: ProposedAction, origin: Origin): Promise<undefined> {
    if (proposal.trigger !== 'tool' || !proposal.tool?.readOnly || proposal.tool.consequential) return undefined;
    if (await this.store.get(proposal.id)) return undefined;
    const now = this.platform.now();
    const record = await this.withAgentContext(this.recordOf(proposal, origin));
    await this.store.add({ ...record, status: 'released', decidedAt: now, decidedBy: 'system', reason: 'the page marks this tool read-only' });
    this.requestLog.noteCovered(origin.tabId, now);
    this.changed();
    return undefined;
  }

  /**
   * The page asked again because the reply to its hold was lost (the worker stopped): answer
   * with what became of it. Anything but the same action from the same frame is refused, so a
   * repeat never overwrites a record.
   */
  private repeatedHold(earlier: ActionRecord, proposal: ProposedAction, origin: Origin): HoldReply {
    const same =
      earlier.tabId === origin.tabId &&
      earlier.frameId === origin.frameId &&
      earlier.kind === proposal.kind &&
      earlier.label === proposal.label &&
      earlier.heldAt === proposal.heldAt;
    if (!same) throw new Error(`An action with the id ${proposal.id} exists already.`);
    if (earlier.status === 'pending') return { status: 'held' };
    // An approval with edits reaches the page only in its decision message, never as a release.
    const plain = !earlier.edits?.length;
    if (earlier.status === 'approved' && plain) return { status: 'release', approved: true };
    if (earlier.status === 'released') return { status: 'release' };
    return { status: 'blocked', reason: earlier.note ?? earlier.reason ?? earlier.policyReasons?.join('; ') ?? earlier.status };
  }

  /**
   * Signals, rules, risks, confirmation, grouping and picture, stored together with
   * `evaluatedAt`: until then nothing can approve the action. A worker stopped half-way
   * leaves the record unevaluated, and `reconcile` runs this again.
   */
  private async evaluateHeld(record: ActionRecord): Promise<HoldReply> {
    await this.debuggers.fresh();
    const signals = confirmedSignals(record.signals, await this.guardFor(record.tabId));
    if (signals.length === 0) {
      const releasedAt = this.platform.now();
      const released = await this.store.settle(record.id, { status: 'released', decidedAt: releasedAt, decidedBy: 'system', reason: 'tab not guarded' });
      if (!released) return { status: 'held' }; // decided meanwhile (tab closed, timeout)
      this.requestLog.noteCovered(record.tabId, releasedAt);
      this.changed();
      return { status: 'release' };
    }
    const settings = await this.store.settings();
    await this.syncManaged();
    const policy = await this.rules.evaluate({ ...record, signals }, settings);
    // The agent said it is unsure: what a rule would allow, the person sees first.
    const overruled = policy.verdict === 'allow' && record.unsure !== undefined;
    if (record.unsure && overruled) policy.reasons = [...policy.reasons, `the agent said it is unsure (${Math.round(record.unsure.value * 100)} %)`];
    if (policy.verdict !== 'ask' && policy.rule && !overruled) {
      const allow = policy.verdict === 'allow';
      if (!(await this.decisions.byRule(record, signals, allow, policy.rule.id, policy.reasons))) return { status: 'held' };
      await this.rules.noteApplied(policy.rule);
      this.changed();
      return allow ? { status: 'release', approved: true } : { status: 'blocked', reason: policy.reasons.join('; ') };
    }
    const paused = await this.isFlooding(record, settings.floodLimit);
    const leader = policy.confirm || paused ? undefined : await this.identicalPending(record);
    const screenshot = paused || leader || record.screenshot ? undefined : await this.capture(record);
    await this.store.update(record.id, {
      signals,
      policyReasons: policy.reasons,
      evaluatedAt: this.platform.now(),
      ...(screenshot ? { screenshot } : {}),
      ...(policy.confirm ? { confirm: policy.confirm } : {}),
      ...(leader ? { groupOf: leader.id } : {}),
      ...(paused ? { paused: true } : {}),
    });
    this.lifecycle.armTimeout(record, settings);
    this.changed();
    // A card of its own: one joining another's card or a paused tab's adds nothing to look at.
    if (settings.notifications && !leader && !paused) void this.platform.notifyHeld(record).catch(() => undefined);
    if (!leader && !paused) void this.notices.arm(record).catch(() => undefined);
    void this.prune();
    return { status: 'held' };
  }

  /**
   * Flooding: more than `limit` actions from one tab within a minute (since the person last
   * resumed it), or a tab already paused. Its actions stay held, shown as one card.
   */
  private async isFlooding(record: ActionRecord, limit: number): Promise<boolean> {
    const since = Math.max(record.createdAt - FLOOD_WINDOW_MS, this.resumedAt.get(record.tabId) ?? -Infinity);
    const recent = (await this.store.forTab(record.tabId)).filter((other) => other.createdAt > since);
    if (recent.some((other) => other.paused && other.status === 'pending')) return true;
    return recent.length > limit;
  }

  /** Same site, kind, control and values, not yet decided: one card decides both. */
  private async identicalPending(record: ActionRecord): Promise<ActionRecord | undefined> {
    const same = (a: ActionRecord) =>
      a.id !== record.id &&
      a.status === 'pending' &&
      !a.groupOf &&
      !a.paused &&
      !a.confirm &&
      a.site === record.site &&
      a.kind === record.kind &&
      a.label === record.label &&
      JSON.stringify(a.fields.map((f) => [f.name, f.value])) === JSON.stringify(record.fields.map((f) => [f.name, f.value]));
    return (await this.store.pending()).find(same);
  }

  /**
   * A further request the input behind a pending card caused: shown on that card and decided
   * with it. Refused once the card was decided, or from another tab: the frame then holds the
   * request on a card of its own.
   */
  async joinRequest(tabId: number, id: string, request: JoinedRequest): Promise<{ joined: boolean }> {
    const record = await this.store.get(id);
    const joined = record?.alsoSends ?? [];
    if (record?.status !== 'pending' || record.tabId !== tabId || joined.length >= MAX_JOINED) return { joined: false };
    const updated = await this.store.settle(id, { alsoSends: [...joined, request] }); // only while pending
    if (updated) this.changed();
    return { joined: Boolean(updated) };
  }

  /** `at` is the page's clock, which the webRequest times share. */
  noteInput(tabId: number, label: string, benign: boolean, at: number): undefined {
    this.requestLog.noteInput(tabId, label, benign, at);
    this.platform.watchNavigationRequests(true);
    return undefined;
  }

  /** Writes the page traffic counted so far now, not within the second. */
  flushTraffic(): Promise<void> {
    return this.requestLog.flush();
  }

  /** Misses made visible: see lib/broker/request-log.ts. */
  async observeRequest(request: ObservedRequest): Promise<ActionRecord | undefined> {
    const logged = await this.requestLog.observe(request);
    if (logged) this.changed();
    return logged;
  }

  /** "Stop logging this endpoint", from a summary of a page's own traffic in History. */
  async silenceEndpoint(id: string): Promise<DecideReply> {
    const key = (await this.store.get(id))?.traffic?.key;
    if (!key) return { ok: false, error: 'Only an entry that counts a page’s own traffic can be silenced.' };
    const settings = await this.store.settings();
    if (settings.silencedEndpoints.length >= MAX_SILENCED) return { ok: false, error: `At most ${MAX_SILENCED} endpoints can be silenced.` };
    if (!settings.silencedEndpoints.includes(key)) await this.store.saveSettings({ ...settings, silencedEndpoints: [...settings.silencedEndpoints, key] });
    this.changed();
    return { ok: true };
  }

  async unsilenceEndpoint(key: string): Promise<DecideReply> {
    const settings = await this.store.settings();
    await this.store.saveSettings({ ...settings, silencedEndpoints: settings.silencedEndpoints.filter((silenced) => silenced !== key) });
    this.changed();
    return { ok: true };
  }

  async resumeTab(tabId: number): Promise<{ ok: true }> {
    this.resumedAt.set(tabId, this.platform.now());
    for (const record of await this.store.pendingForTab(tabId)) {
      if (record.paused) await this.store.update(record.id, { paused: undefined });
    }
    this.changed();
    return { ok: true };
  }

  async rejectPaused(tabId: number): Promise<{ ok: true }> {
    for (const record of await this.store.pendingForTab(tabId)) {
      if (record.paused) await this.decisions.reject(record.id, `paused: too many ${tabId === AGENT_TAB ? 'questions' : 'actions'} at once`, { claim: false });
    }
    return { ok: true };
  }

  /** A timer fired: a pending action timed out, or a grant ran out. */
  async onTimer(name: string): Promise<void> {
    if (name.startsWith(TIMEOUT_TIMER)) await this.lifecycle.expire(name.slice(TIMEOUT_TIMER.length));
    if (name.startsWith(NOTICE_TIMER)) await this.notices.onTimer(name);
    if (name.startsWith(GRANT_TIMER) && (await this.rules.expireGrant(name.slice(GRANT_TIMER.length)))) this.changed();
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

  private trustProof(passkey: AuthenticationResponseJSON | undefined): Promise<DecideReply> {
    return this.reviewerKey.trustProof(passkey);
  }

  async saveRule(id: string | undefined, spec: unknown, passkey?: AuthenticationResponseJSON): Promise<RuleChangeReply> {
    const parsed = parseRuleSpec(spec);
    if ('rule' in parsed && grantsTrust(parsed.rule)) {
      const proof = await this.trustProof(passkey);
      if (!proof.ok) return { ok: false, errors: [proof.error] };
    }
    const reply = await this.rules.save(id, spec);
    this.changed();
    return reply;
  }

  async importRules(text: string, passkey?: AuthenticationResponseJSON): Promise<RuleChangeReply> {
    const parsed = parseRulesFile(text);
    if ('rules' in parsed && parsed.rules.some(grantsTrust)) {
      const proof = await this.trustProof(passkey);
      if (!proof.ok) return { ok: false, errors: [proof.error] };
    }
    const reply = await this.rules.import(text);
    this.changed();
    return reply;
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
      else if (record.evaluatedAt === undefined && record.createdAt < this.startedAt) await this.evaluateAgain(record);
      else await this.lifecycle.expire(record.id); // expires it, or re-arms its timer
    }
    for (const rule of await this.rules.list()) {
      if (rule.expiresAt !== undefined) this.platform.setTimer(`${GRANT_TIMER}${rule.id}`, rule.expiresAt);
    }
    await this.updateBadge();
    await this.prune(true);
    // The worker starts watching page loads (so a load that woke it is seen); stop unless needed.
    await this.updateRequestWatch();
  }

  /**
   * The worker stopped between writing a hold and storing its evaluation: evaluate it now, and
   * tell the page what the lost reply would have said.
   */
  private async evaluateAgain(record: ActionRecord): Promise<void> {
    const outcome = await this.evaluateHeld(record);
    if (outcome.status === 'held') return;
    const verdict = outcome.status === 'release' ? 'approve' : 'reject';
    const message: TabMessage = { type: 'decision', id: record.id, verdict };
    if (outcome.status === 'blocked') message.note = outcome.reason;
    const reply = parseDecisionReply(await this.platform.sendToFrame(record, message).catch(() => undefined));
    if (verdict === 'approve' && !reply?.delivered) {
      await this.store.update(record.id, { status: 'abandoned', deliveredAt: undefined, reason: 'allowed, but the page no longer held it' });
      this.changed();
    }
  }

  /** "Always allow/block <kind> on <site>": the rule decides from the next action; this one is the person's. */
  async always(id: string, level: 'trust' | 'block', passkey?: AuthenticationResponseJSON): Promise<DecideReply> {
    const record = await this.store.get(id);
    if (record?.status !== 'pending') return { ok: false, error: 'This action was already decided or no longer exists.' };
    if (record.kind === 'unclassified') return { ok: false, error: 'An action that could not be read cannot make a rule.' };
    if (record.kind === 'question') return { ok: false, error: 'Only the person answers the agent’s questions: they make no rule.' };
    const kind = record.kind;
    if (level === 'trust') return this.decisions.byShortcut(id, passkey, () => this.rules.setKindLevel(record.site, kind, 'trust', 'person'));
    const claim = await this.team.claim(id, 'reject');
    if (!claim.ok) return claim;
    await this.rules.setKindLevel(record.site, kind, 'block', 'person');
    this.changed();
    return this.decisions.reject(id, `${kind} blocked on this site`, { claim: false });
  }

  /** "Always allow POST /api/track on <site>": for an action whose destination is on its own site. */
  async allowEndpoint(id: string, passkey?: AuthenticationResponseJSON): Promise<DecideReply> {
    const record = await this.store.get(id);
    if (record?.status !== 'pending') return { ok: false, error: 'This action was already decided or no longer exists.' };
    if (record.kind === 'unclassified') return { ok: false, error: 'An action that could not be read cannot make a rule.' };
    const destination = record.form ? endpointOf(record.form) : undefined;
    if (!destination || destination.origin !== record.site) {
      return { ok: false, error: 'Only a request to this site itself can be allowed by its endpoint.' };
    }
    return this.decisions.byShortcut(id, passkey, () => this.rules.allowEndpoint(record.site, destination.endpoint, 'person'));
  }

  /** "Always allow tool get_price on <site>": for a call of one of the page's own WebMCP tools. */
  async allowTool(id: string, passkey?: AuthenticationResponseJSON): Promise<DecideReply> {
    const record = await this.store.get(id);
    if (record?.status !== 'pending') return { ok: false, error: 'This action was already decided or no longer exists.' };
    if (record.kind === 'unclassified') return { ok: false, error: 'An action that could not be read cannot make a rule.' };
    const tool = record.tool && !record.tool.declarative ? parseToolName(record.tool.name) : undefined;
    if (!tool || 'error' in tool) return { ok: false, error: 'Only a call of a tool the page registered, with a plain name, can be allowed by its name.' };
    return this.decisions.byShortcut(id, passkey, () => this.rules.allowTool(record.site, tool.tool, 'person'));
  }

  /** Trust this site in this tab for a while, starting with this action. */
  async grant(id: string, durationMs: number, passkey?: AuthenticationResponseJSON): Promise<DecideReply> {
    return this.decisions.byShortcut(id, passkey, async (record) => {
      const expiresAt = this.platform.now() + durationMs;
      const rule = await this.rules.grant(record.site, record.tabId, expiresAt);
      this.platform.setTimer(`${GRANT_TIMER}${rule.id}`, expiresAt);
    });
  }

  /**
   * Brings managed rules in line with `storage.managed`. Policies can arrive after the
   * worker starts without a change event, so this runs before each evaluation too.
   */
  async syncManaged(): Promise<string[]> {
    const managed = await this.platform.managedRules().catch(() => undefined);
    const text = JSON.stringify(managed ?? null);
    if (text === this.lastManaged) return [];
    this.lastManaged = text;
    const problems = await this.rules.syncManaged(managed);
    this.changed();
    return problems;
  }

  async listRules() {
    await this.syncManaged();
    return this.rules.list();
  }

  async suggestions() {
    return this.rules.suggestions(await this.store.recent(500), await this.store.settings());
  }

  async answerSuggestion(site: string, kind: RuleKind, accept: boolean, passkey?: AuthenticationResponseJSON): Promise<DecideReply> {
    if (accept) {
      // Trusting a site is an approval of everything to come: not during a fatigue pause.
      const paused = await this.fatigue.paused();
      if (paused) return { ok: false, error: paused };
      const proof = await this.trustProof(passkey);
      if (!proof.ok) return proof;
      await this.rules.setKindLevel(site, kind, 'trust', 'suggestion');
    } else {
      const settings = await this.store.settings();
      const key = `${site} ${kind}`;
      if (!settings.silencedSuggestions.includes(key)) {
        await this.store.saveSettings({ ...settings, silencedSuggestions: [...settings.silencedSuggestions, key] });
      }
    }
    this.changed();
    return { ok: true };
  }

  async updateSettings(change: SettingsChange): Promise<Settings> {
    const settings: Settings = { ...(await this.store.settings()), ...change };
    await this.store.saveSettings(settings);
    if (change.guardMode) {
      await this.pushGuardToAllTabs();
      await this.updateRequestWatch();
    }
    if (change.fatigueCount || change.fatigueDwellMs !== undefined || change.fatiguePauseSeconds) {
      // New thresholds judge new approvals: start a fresh window.
      await this.fatigue.reset();
    }
    if (change.historyMaxEntries || change.historyMaxDays || change.screenshotMaxCount !== undefined) await this.prune(true);
    this.changed();
    return settings;
  }

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
  private async pauseNotice(): Promise<QueueState['fatigue']> {
    if (!(await this.fatigue.paused())) return undefined;
    const pause = await this.fatigue.current();
    return pause ? { until: pause.until, message: pause.message } : undefined;
  }

  async teamQueue(): Promise<TeamQueueState> {
    return this.team.queue(await this.pauseNotice());
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

  async arm(tabId: number, armed: boolean): Promise<TabGuard> {
    const tabs = await this.platform.armedTabs();
    if (armed) tabs.add(tabId);
    else tabs.delete(tabId);
    await this.platform.setArmedTabs(tabs);
    await this.updateRequestWatch();
    const guard = await this.guardFor(tabId);
    await this.platform.sendToTab(tabId, { type: 'guard', guard });
    return guard;
  }

  async forgetTab(tabId: number): Promise<void> {
    const armed = await this.platform.armedTabs();
    if (armed.delete(tabId)) await this.platform.setArmedTabs(armed);
    this.debuggers.forget(tabId);
    this.requestLog.forget(tabId);
    await this.updateRequestWatch();
  }

  /** Polls which tabs a DevTools-protocol client drives, and tells tabs whose state changed. */
  refreshDebuggers(): Promise<void> {
    return this.debuggers.refresh();
  }

  private async pushGuardToAllTabs(): Promise<void> {
    for (const tabId of await this.platform.openTabs()) {
      await this.platform.sendToTab(tabId, { type: 'guard', guard: await this.guardFor(tabId) });
    }
  }

  notifyChanged(): void {
    this.changed();
  }

  private changed(): void {
    this.questions.changed();
    void this.updateBadge();
    this.platform.notifyPanels();
    this.team.changed();
  }

  private async updateBadge(): Promise<void> {
    const holdsBefore = this.holdsStarted;
    const pending = await this.store.pendingCount();
    await this.platform.setBadge(pending);
    // A hold that began while counting may not be in the count: keep watching for it.
    this.platform.watchNavigation(pending > 0 || holdsBefore !== this.holdsStarted);
  }
}
