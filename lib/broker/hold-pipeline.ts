import { AGENT_TAB, type JoinedRequest, type ProposedAction } from '@/lib/actions/types';
import { clip, TITLE_LIMIT } from '@/lib/actions/wording';
import type { ActionRecord, ScreenshotState } from '@/lib/db/schema';
import type { ActionStore } from '@/lib/db/store';
import { confirmedSignals } from '@/lib/detect/signals';
import type { HoldReply, TabMessage } from '@/lib/messaging/protocol';
import { parseDecisionReply } from '@/lib/messaging/validate';
import { isCrossOriginFrame, originOf, riskReasons } from '@/lib/policy/risk';
import type { AgentContext } from './agent-context';
import type { Decisions } from './decisions';
import type { GuardState } from './guard-state';
import type { Lifecycle } from './lifecycle';
import type { BrokerPlatform, Origin } from './platform';
import type { RequestLog } from './request-log';
import type { RuleBook } from './rulebook';
import type { WaitingNotices } from './waiting-notices';

const FLOOD_WINDOW_MS = 60_000;
/** Requests one card can carry besides its own. */
const MAX_JOINED = 20;

export interface HoldDeps {
  store: ActionStore;
  platform: BrokerPlatform;
  guard: GuardState;
  agent: AgentContext;
  rules: RuleBook;
  decisions: Decisions;
  lifecycle: Lifecycle;
  notices: WaitingNotices;
  requests: RequestLog;
  /** Managed rules brought in line with the policy before each evaluation. */
  syncManaged(): Promise<unknown>;
  prune(): Promise<unknown>;
  /** The store announces its own writes; this is for what only memory holds (a resumed tab). */
  changed(): void;
}

/**
 * A held action from the frame to its card: written as pending first, then evaluated
 * (signals, rules, risks, confirmation, group, flood pause, picture) in one update.
 */
export class HoldPipeline {
  private readonly resumedAt = new Map<number, number>();
  /** The grouping decisions made so far, one after another (`oneAtATime`). */
  private grouping: Promise<unknown> = Promise.resolve();
  /** Holds begun so far: a hold that began while the badge counted may not be in its count. */
  started = 0;

  constructor(private readonly deps: HoldDeps) {}

  async hold(proposal: ProposedAction, origin: Origin): Promise<HoldReply> {
    this.started++;
    this.deps.platform.watchNavigation(true);
    const earlier = await this.deps.store.get(proposal.id);
    if (earlier) return this.repeatedHold(earlier, proposal, origin);
    const record = await this.deps.agent.withAgentContext(this.recordOf(proposal, origin));
    await this.deps.store.add(record);
    return this.evaluateHeld(record);
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
      createdAt: this.deps.platform.now(),
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
    if (await this.deps.store.get(proposal.id)) return undefined;
    const now = this.deps.platform.now();
    const record = await this.deps.agent.withAgentContext(this.recordOf(proposal, origin));
    await this.deps.store.add({ ...record, status: 'released', decidedAt: now, decidedBy: 'system', reason: 'the page marks this tool read-only' });
    this.deps.requests.noteCovered(origin.tabId, now);
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
    await this.deps.guard.fresh();
    const signals = confirmedSignals(record.signals, await this.deps.guard.guardFor(record.tabId));
    if (signals.length === 0) {
      const releasedAt = this.deps.platform.now();
      const released = await this.deps.store.settle(record.id, { status: 'released', decidedAt: releasedAt, decidedBy: 'system', reason: 'tab not guarded' });
      if (!released) return { status: 'held' }; // decided meanwhile (tab closed, timeout)
      this.deps.requests.noteCovered(record.tabId, releasedAt);
      return { status: 'release' };
    }
    const settings = await this.deps.store.settings();
    await this.deps.syncManaged();
    const policy = await this.deps.rules.evaluate({ ...record, signals }, settings);
    // The agent said it is unsure: what a rule would allow, the person sees first.
    const overruled = policy.verdict === 'allow' && record.unsure !== undefined;
    if (record.unsure && overruled) policy.reasons = [...policy.reasons, `the agent said it is unsure (${Math.round(record.unsure.value * 100)} %)`];
    if (policy.verdict !== 'ask' && policy.rule && !overruled) {
      const allow = policy.verdict === 'allow';
      if (!(await this.deps.decisions.byRule(record, signals, allow, policy.rule.id, policy.reasons))) return { status: 'held' };
      await this.deps.rules.noteApplied(policy.rule);
      return allow ? { status: 'release', approved: true } : { status: 'blocked', reason: policy.reasons.join('; ') };
    }
    // One at a time: two identical actions held at once would each take the other for its leader.
    const { paused, leader } = await this.oneAtATime(async () => {
      const paused = await this.isFlooding(record, settings.floodLimit);
      const leader = policy.confirm || paused ? undefined : await this.identicalPending(record);
      const screenshot = paused || leader || record.screenshot ? undefined : await this.capture(record);
      await this.deps.store.update(record.id, {
        signals,
        policyReasons: policy.reasons,
        evaluatedAt: this.deps.platform.now(),
        ...(screenshot ? { screenshot } : {}),
        ...(policy.confirm ? { confirm: policy.confirm } : {}),
        ...(leader ? { groupOf: leader.id } : {}),
        ...(paused ? { paused: true } : {}),
      });
      return { paused, leader };
    });
    this.deps.lifecycle.armTimeout(record, settings);
    // A card of its own: one joining another's card or a paused tab's adds nothing to look at.
    if (settings.notifications && !leader && !paused) void this.deps.platform.notifyHeld(record).catch(() => undefined);
    if (!leader && !paused) void this.deps.notices.arm(record).catch(() => undefined);
    void this.deps.prune();
    return { status: 'held' };
  }

  /** Runs `work` after every earlier call's work has settled. */
  private oneAtATime<T>(work: () => Promise<T>): Promise<T> {
    const run = this.grouping.then(work, work);
    this.grouping = run.catch(() => undefined);
    return run;
  }

  /**
   * Flooding: more than `limit` actions from one tab within a minute (since the person last
   * resumed it), or a tab already paused. Its actions stay held, shown as one card.
   */
  async isFlooding(record: ActionRecord, limit: number): Promise<boolean> {
    const since = Math.max(record.createdAt - FLOOD_WINDOW_MS, this.resumedAt.get(record.tabId) ?? -Infinity);
    const recent = (await this.deps.store.forTab(record.tabId)).filter((other) => other.createdAt > since);
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
    return (await this.deps.store.pending()).find(same);
  }

  /**
   * A further request the input behind a pending card caused: shown on that card and decided
   * with it. Refused once the card was decided, or from another tab: the frame then holds the
   * request on a card of its own.
   */
  async joinRequest(tabId: number, id: string, request: JoinedRequest): Promise<{ joined: boolean }> {
    const record = await this.deps.store.get(id);
    const joined = record?.alsoSends ?? [];
    if (record?.status !== 'pending' || record.tabId !== tabId || joined.length >= MAX_JOINED) return { joined: false };
    const updated = await this.deps.store.settle(id, { alsoSends: [...joined, request] }); // only while pending
    return { joined: Boolean(updated) };
  }

  async resumeTab(tabId: number): Promise<{ ok: true }> {
    this.resumedAt.set(tabId, this.deps.platform.now());
    for (const record of await this.deps.store.pendingForTab(tabId)) {
      if (record.paused) await this.deps.store.update(record.id, { paused: undefined });
    }
    this.deps.changed();
    return { ok: true };
  }

  async rejectPaused(tabId: number): Promise<{ ok: true }> {
    for (const record of await this.deps.store.pendingForTab(tabId)) {
      if (record.paused) await this.deps.decisions.reject(record.id, `paused: too many ${tabId === AGENT_TAB ? 'questions' : 'actions'} at once`, { claim: false });
    }
    return { ok: true };
  }

  private async capture({ id, tabId, fields, redactions, target }: ActionRecord): Promise<ScreenshotState> {
    const secrets = fields.some((field) => field.masked && !field.hidden);
    if (secrets && !(redactions && target)) return 'withheld';
    try {
      const picture = await this.deps.platform.captureTab(tabId, {
        rects: redactions ?? [],
        viewportWidth: target?.viewportWidth ?? 1,
      });
      if (picture === 'background') return 'background';
      await this.deps.store.putScreenshot(id, { blob: picture, capturedAt: this.deps.platform.now() });
      return 'captured';
    } catch {
      return 'unavailable'; // capture is rate-limited and fails on browser pages; the hold stands
    }
  }

  /**
   * The worker stopped between writing a hold and storing its evaluation: evaluate it now, and
   * tell the page what the lost reply would have said.
   */
  async evaluateAgain(record: ActionRecord): Promise<void> {
    const outcome = await this.evaluateHeld(record);
    if (outcome.status === 'held') return;
    const verdict = outcome.status === 'release' ? 'approve' : 'reject';
    const message: TabMessage = { type: 'decision', id: record.id, verdict };
    if (outcome.status === 'blocked') message.note = outcome.reason;
    const reply = parseDecisionReply(await this.deps.platform.sendToFrame(record, message).catch(() => undefined));
    if (verdict === 'approve' && !reply?.delivered) {
      await this.deps.store.update(record.id, { status: 'abandoned', deliveredAt: undefined, reason: 'allowed, but the page no longer held it' });
    }
  }
}
