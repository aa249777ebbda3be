import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import { clip } from '@/lib/actions/wording';
import type { FieldChange } from '@/lib/actions/types';
import type { ActionRecord, DecisionProof } from '@/lib/db/schema';
import type { ActionStore } from '@/lib/db/store';
import type { DecideReply, FieldEdit, TabMessage, Verdict } from '@/lib/messaging/protocol';
import type { PanelRequestOf } from '@/lib/messaging/messages';
import { parseDecisionReply } from '@/lib/messaging/validate';
import { approveThrough, gateNow } from './approval';
import type { FatigueMonitor } from './fatigue';
import type { PendingRecord } from './gate';
import type { PasskeyCheck } from './passkey';
import type { BrokerPlatform } from './platform';
import type { ReviewerKey } from './reviewer-key';
import { refused } from '@/lib/messaging/refusals';

const MASK = '••••••';

export interface DecisionDeps {
  store: ActionStore;
  platform: BrokerPlatform;
  fatigue: FatigueMonitor;
  reviewerKey: ReviewerKey;
  /** Before a local decision: the team queue's entry is taken, or a reviewer decided first. */
  claim(id: string, verdict: Verdict): Promise<DecideReply>;
  /** An approval covers the requests its tab makes next (the unreviewed-request log). */
  noteCovered(tabId: number, at: number): void;
}

/** Who decided, when not the person at this panel: a team reviewer, with the signature that shows it. */
export interface ReviewerDecision {
  reviewer: { name: string; key: string };
  proof?: DecisionProof;
}

/**
 * Deciding held actions. Every approval passes `approveThrough` (gate, passkey, team claim,
 * decision, fatigue); `deliverDecision` writes a decision and delivers it to the page, and only this
 * module calls it (test/unit/conventions.test.ts).
 */
export class Decisions {
  constructor(private readonly deps: DecisionDeps) {}

  /** The card's Approve or Reject in the panel; a group is decided together. */
  fromPanel(request: Omit<PanelRequestOf<'decide'>, 'type'>): Promise<DecideReply> {
    if (request.verdict === 'reject') return this.reject(request.id, request.note);
    return approveThrough({
      gate: async () => {
        const record = await this.deps.store.get(request.id);
        if (request.edits?.length && record?.trigger === 'request') {
          return refused('requestNotEditable');
        }
        return this.gate(record, 'approve', request.confirmation);
      },
      passkey: (record) => this.passkey(record, request.passkey),
      claim: (record) => this.deps.claim(record.id, 'approve'),
      act: (record, passkey) => this.decideGroup(record.id, 'approve', request.note, request.edits, passkey && { proof: { passkey } }),
      noteApproval: (record) => this.noteApproval(record, request.dwellMs),
    });
  }

  /**
   * A rule or grant made from a card: through the gate (a rule trusts what is to come, so with
   * a key registered it always takes the key), then it approves the action and its group,
   * unless the action needs its typed confirmation: then the rule starts with the next one.
   * `record`: the action as the caller read it.
   */
  byShortcut(record: ActionRecord | undefined, passkey: AuthenticationResponseJSON | undefined, makeRule: (record: PendingRecord) => Promise<unknown>): Promise<DecideReply> {
    return approveThrough({
      gate: () => this.gate(record, 'shortcut'),
      passkey: (record) => this.passkey(record, passkey, true),
      claim: async (record) => (record.confirm ? { ok: true } : this.deps.claim(record.id, 'approve')),
      act: async (record, proof) => {
        await makeRule(record);
        if (record.confirm) return { ok: true };
        return this.decideGroup(record.id, 'approve', undefined, [], proof && { proof: { passkey: proof } });
      },
      noteApproval: async (record) => {
        if (!record.confirm) await this.noteApproval(record, undefined);
      },
    });
  }

  /** A rule decided, before any card: approved actions go at once (the page is told in the hold's reply). */
  async byRule(record: ActionRecord, signals: ActionRecord['signals'], allow: boolean, ruleId: string, reasons: string[]): Promise<boolean> {
    const now = this.deps.platform.now();
    const settled = await this.deps.store.settle(record.id, {
      signals,
      status: allow ? 'approved' : 'rejected',
      decidedAt: now,
      decidedBy: 'rule',
      ruleId,
      policyReasons: reasons,
      evaluatedAt: now,
      ...(allow ? { deliveredAt: now } : {}),
    });
    if (settled && allow) this.deps.noteCovered(record.tabId, now);
    return Boolean(settled);
  }

  /** A team reviewer's decision, its signature already checked against a trusted key: their gate ran in their browser. */
  fromReviewer(id: string, verdict: Verdict, note: string | undefined, edits: FieldEdit[] | undefined, by: ReviewerDecision): Promise<DecideReply> {
    return this.decideGroup(id, verdict, note, edits, by);
  }

  /** Rejects an action and its group; `claim: false` where the team queue has no entry or it was taken already. */
  async reject(id: string, note?: string, { claim = true } = {}): Promise<DecideReply> {
    if (claim) {
      const claimed = await this.deps.claim(id, 'reject');
      if (!claimed.ok) return claimed;
    }
    return this.decideGroup(id, 'reject', note);
  }

  /** The approval gate with this browser's dwell and fatigue; `approving`: whether the fatigue pause applies. */
  gate(record: ActionRecord | undefined, path: 'approve' | 'shortcut' | 'answer', confirmation?: string, approving = true) {
    return gateNow(this.deps.store, this.deps.fatigue, this.deps.platform.now(), { record, path, confirmation, approving });
  }

  /** Many approvals, each soon after its card appeared: warn, pause approvals, and log it. */
  async noteApproval(record: ActionRecord, panelDwellMs: number | undefined): Promise<void> {
    const warning = await this.deps.fatigue.noteApproval(record, panelDwellMs, await this.deps.store.settings());
    if (!warning) return;
    await this.deps.store.update(record.id, { fatigue: warning });
  }

  private async passkey(record: ActionRecord, answer: AuthenticationResponseJSON | undefined, trusting = false): Promise<PasskeyCheck> {
    const check = await this.deps.reviewerKey.check(record, answer, trusting);
    return check;
  }

  /** The action, then the identical actions shown on its card. */
  private async decideGroup(id: string, verdict: Verdict, note?: string, edits: FieldEdit[] = [], by?: { reviewer?: ReviewerDecision['reviewer']; proof?: DecisionProof }): Promise<DecideReply> {
    const reply = await this.deliverDecision(id, verdict, note, edits, by?.reviewer, by?.proof);
    if (!reply.ok) return reply;
    for (const member of (await this.deps.store.pending()).filter((other) => other.groupOf === id)) {
      await this.deliverDecision(member.id, verdict, note, edits, by?.reviewer);
    }
    return reply;
  }

  /**
   * Writes a decision and delivers it to the page that holds the action. Low level: nothing
   * checks it here; callers in this module have.
   * `proof`: what shows who decided (the passkey's answer, a reviewer's signature), kept with the decision.
   */
  async deliverDecision(id: string, verdict: Verdict, note?: string, edits: FieldEdit[] = [], reviewer?: ActionRecord['reviewer'], proof?: DecisionProof): Promise<DecideReply> {
    const { store, platform } = this.deps;
    const current = await store.get(id);
    const applied = verdict === 'approve' ? describeEdits(current?.fields ?? [], edits) : [];
    const decidedAt = platform.now();
    const decided = await store.settle(id, {
      status: verdict === 'approve' ? 'approved' : 'rejected',
      decidedAt,
      decidedBy: 'person',
      ...(note ? { note } : {}),
      ...(applied.length ? { edits: applied } : {}),
      ...(reviewer ? { reviewer } : {}),
      ...(proof ? { proof } : {}),
    });
    if (!decided) return refused('alreadyDecided');
    if (verdict === 'approve') this.deps.noteCovered(decided.tabId, decidedAt);
    const message: TabMessage = { type: 'decision', id, verdict };
    if (note) message.note = note;
    if (verdict === 'approve' && edits.length) message.edits = edits;
    const raw = await platform.sendToFrame(decided, message).catch(() => undefined);
    if (verdict === 'reject') return { ok: true };
    const reply = parseDecisionReply(raw);
    if (reply?.delivered) {
      await store.update(id, { deliveredAt: platform.now() });
      return { ok: true };
    }
    if (reply?.changed?.length) {
      // Bound approval: the page altered what the reviewer saw, so it goes back to the queue.
      await store.update(id, {
        status: 'pending',
        decidedAt: undefined,
        decidedBy: undefined,
        note: undefined,
        edits: undefined,
        proof: undefined,
        changedSinceHeld: reply.changed,
        ...(reply.fields ? { fields: reply.fields } : {}),
        amount: reply.amount ?? undefined,
      });
      return refused('pageChanged');
    }
    await store.update(id, { status: 'abandoned', reason: 'approved, but the page no longer held it' });
    return refused('pageGone');
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
