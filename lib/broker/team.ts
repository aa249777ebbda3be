import * as v from 'valibot';
import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { ActionRecord, DecisionProof } from '@/lib/db/schema';
import type { ActionStore } from '@/lib/db/store';
import type { DecideReply, FieldEdit, TeamQueueState, TeamStatus, Verdict } from '@/lib/messaging/protocol';
import { parseProposedAction } from '@/lib/messaging/validate';
import type { ProposedAction } from '@/lib/actions/types';
import { entryKey, teamCardRecord, type TeamCard, type TeamQuestion } from '@/lib/team/entry';
import { TeamLink, type ReviewRequest } from '@/lib/team/link';
import {
  DEFAULT_TEAM,
  readManagedTeam,
  teamChange,
  teamView,
  type TeamChange,
  type TeamSettings,
} from '@/lib/team/settings';
import { keptReviewerKey, type SignedDecision } from '@/lib/team/signing';
import { approveTeamCard, type ReviewerGate } from './approval';
import type { ReviewerDecision } from './decisions';
import { fingerprintOf } from './passkey';
import type { ReviewerKey } from './reviewer-key';
import { refused, REFUSALS } from '@/lib/messaging/refusals';

/** How many recent actions each sync looks at for the log (besides every pending one). */
const LOG_WINDOW = 200;

/** What the team bridge needs of the broker. */
export interface TeamBroker {
  /** A reviewer's signed answer to the agent's question. */
  answer(id: string, answer: string, reviewer: { name: string; key: string }, proof: DecisionProof): Promise<DecideReply>;
  /** A reviewer's verified decision, applied to the action and its group. */
  fromReviewer(id: string, verdict: Verdict, note: string | undefined, edits: FieldEdit[] | undefined, by: ReviewerDecision): Promise<DecideReply>;
  /** The local approval gate and fatigue count, as for this browser's own cards. */
  gate: ReviewerGate['gate'];
  noteApproval: ReviewerGate['noteApproval'];
  trustProof(passkey: AuthenticationResponseJSON | undefined): Promise<DecideReply>;
  reviewerKey: ReviewerKey;
  managedTeam(): Promise<unknown>;
  changed(): void;
  now(): number;
}

/**
 * Team review in the broker: the settings (the person's, under the administrator's), the
 * agent browser's side of the relay, and the reviewer's queue and decisions.
 */
export class TeamBridge {
  readonly link: TeamLink;
  private policyProblems: string[] = [];

  constructor(
    private readonly store: ActionStore,
    private readonly broker: TeamBroker,
  ) {
    this.link = new TeamLink({
      changed: () => broker.changed(),
      now: () => broker.now(),
      agent: {
        pendingCards: () => this.pendingCards(),
        standing: async (id) => {
          const record = await store.get(id);
          return record && { status: record.status, by: record.reviewer?.name ?? record.decidedBy ?? 'system', at: record.decidedAt ?? record.createdAt };
        },
        applyDecision: (id, decision) => this.apply(id, decision),
        logRefusal: async (id, reason) => {
          const record = await store.get(id);
          if (!record) return;
          await store.update(id, { refusals: [...(record.refusals ?? []), { at: broker.now(), reason }] });
        },
        logRecords: async () => {
          const [pending, recent] = await Promise.all([store.pending(), store.recent(LOG_WINDOW)]);
          return [...new Map([...recent, ...pending].map((record) => [record.id, record])).values()];
        },
        screenshot: async (id) => (await store.screenshot(id))?.blob,
      },
      reviewer: {
        approve: (card, seenAt, request, write) =>
          approveTeamCard(card, seenAt, request, write, {
            gate: (record, path, confirmation, approving) => broker.gate(record, path, confirmation, approving),
            passkey: (record, answer) => broker.reviewerKey.checkTeam(record, entryKey(request.browser, request.id), card.fingerprint, answer),
            noteApproval: (record, dwellMs) => broker.noteApproval(record, dwellMs),
          }),
        signer: () => this.signingKey(),
      },
    });
  }

  /** Connects as the settings say (or stays off): at start, and after any change to them. */
  async start(): Promise<void> {
    await this.link.configure((await this.current()).team);
  }

  /** The settings in force: the person's (`own`, as stored), with the administrator's fields over them. */
  private async current(): Promise<{ team: TeamSettings; own: TeamSettings; managed: (keyof TeamSettings)[] }> {
    const stored = v.safeParse(teamChange, await this.store.teamSettings());
    const own = { ...DEFAULT_TEAM, ...(stored.success ? stored.output : {}) };
    const policy = readManagedTeam(await this.broker.managedTeam().catch(() => undefined));
    this.policyProblems = policy.problems;
    const managed = Object.keys(policy.team ?? {}) as (keyof TeamSettings)[];
    return { team: { ...own, ...policy.team }, own, managed };
  }

  async status(): Promise<TeamStatus> {
    const { team, managed } = await this.current();
    return {
      settings: teamView(team, managed),
      state: this.link.state,
      problem: this.link.problem,
      ...(this.link.server ? { server: this.link.server } : {}),
      publicKey: (await this.signingKey()).publicKey,
      malformed: this.link.malformed,
      policyProblems: this.policyProblems,
    };
  }

  /**
   * Changes the person's team settings. The administrator's fields cannot be changed, and
   * trusting a new reviewer key takes the passkey when one is registered: that key can approve.
   */
  async update(input: unknown, passkey?: AuthenticationResponseJSON): Promise<DecideReply> {
    const parsed = v.safeParse(teamChange, input);
    if (!parsed.success) return { ok: false, error: `Nothing was changed: ${parsed.issues.map(issueText).join('; ')}.` };
    const change: TeamChange = parsed.output;
    const { team, own, managed } = await this.current();
    const locked = managed.filter((field) => field in change);
    if (locked.length) return { ok: false, error: `Set by your administrator: ${locked.join(', ')}.` };
    const known = new Set(team.trustedReviewers.map((reviewer) => reviewer.key));
    if (change.trustedReviewers?.some((reviewer) => !known.has(reviewer.key))) {
      const proof = await this.broker.trustProof(passkey);
      if (!proof.ok) return proof;
    }
    await this.store.saveTeamSettings({ ...own, ...change });
    await this.start();
    return { ok: true };
  }

  async queue(fatigue: TeamQueueState['fatigue']): Promise<TeamQueueState> {
    const key = await this.broker.reviewerKey.requirement();
    return {
      state: this.link.state,
      reviewing: this.link.reviewing,
      reviews: this.link.pendingReviews((card, seenAt) => key.needs(teamCardRecord(card, seenAt))),
      ...(fatigue ? { fatigue } : {}),
    };
  }

  decide(request: ReviewRequest): Promise<DecideReply> {
    return this.link.review(request);
  }

  /** A passkey challenge for approving a team card as this reviewer sees it. */
  async challenge(browser: string, id: string) {
    const review = this.link.reviews.get(entryKey(browser, id));
    if (!review) return { error: REFUSALS.teamGone };
    return this.broker.reviewerKey.teamChallenge(entryKey(browser, id), review.entry.card.fingerprint);
  }

  /** The picture of a team card, as a data URL for the panel's image. */
  screenshot(browser: string, id: string): Promise<{ url: string } | { error: string }> {
    return this.link.picture(browser, id);
  }

  /** Before a local decision: the team queue's entry is taken first, or a reviewer already has it. */
  async claim(id: string, verdict: Verdict): Promise<DecideReply> {
    const outcome = await this.link.claim(id, verdict);
    if (outcome === 'lost') return refused('teamDecidedFirst');
    return { ok: true };
  }

  /** Something changed here: the queue and the log follow. */
  changed(): void {
    this.link.sync();
  }

  private async pendingCards(): Promise<TeamCard[]> {
    const cards: TeamCard[] = [];
    for (const record of await this.store.pending()) {
      // Only a complete card of its own: members of a group and a paused tab's actions follow their card.
      if (record.evaluatedAt === undefined || record.groupOf || record.paused) continue;
      const action = record.question ? questionOf(record, record.question) : parseProposedAction(record);
      if (!action) continue;
      cards.push({
        ...action,
        site: record.site,
        tabUrl: record.tabUrl,
        tabTitle: record.tabTitle,
        risks: record.risks,
        createdAt: record.createdAt,
        fingerprint: await fingerprintOf(record),
        ...(record.confirm ? { confirm: record.confirm } : {}),
        ...(record.screenshot === 'captured' ? { screenshot: true } : {}),
        ...(record.alsoSends?.length ? { alsoSends: record.alsoSends } : {}),
        ...(record.task ? { task: record.task } : {}),
      });
    }
    return cards;
  }

  /** A verified reviewer decision, applied as the panel's would be (with its group). */
  private async apply(id: string, decision: SignedDecision): Promise<boolean> {
    const record = await this.store.get(id);
    if (record?.status !== 'pending') return false;
    const reviewer = { name: decision.reviewer, key: decision.key };
    // The signature, already checked against a trusted key, stays with the record for later checks.
    const proof: DecisionProof = { team: decision };
    if (record.question && decision.verdict === 'approve') {
      await this.broker.answer(id, decision.answer ?? '', reviewer, proof);
      return true;
    }
    if (decision.edits?.length && record.trigger === 'request') {
      await this.broker.fromReviewer(id, 'reject', 'A request held in flight cannot be edited; the reviewer’s edited approval was refused.', [], { reviewer });
      return true;
    }
    await this.broker.fromReviewer(id, decision.verdict, decision.note, decision.edits, { reviewer, proof });
    return true;
  }

  private signing?: Promise<{ privateKey: CryptoKey; publicKey: string }>;

  /** Made once, on first need, and kept in IndexedDB. */
  private signingKey(): Promise<{ privateKey: CryptoKey; publicKey: string }> {
    this.signing ??= keptReviewerKey(this.store, this.broker.now());
    return this.signing;
  }
}


/** A question's card: what the agent asked, without the tab it concerns (that is the card's page). */
function questionOf(record: ActionRecord, { text, options, context, confidence }: NonNullable<ActionRecord['question']>): ProposedAction & { question: TeamQuestion } {
  return {
    id: record.id,
    kind: 'question',
    trigger: 'channel',
    label: record.label,
    frameUrl: record.frameUrl,
    frameTitle: record.frameTitle,
    fields: [],
    signals: [],
    heldAt: record.heldAt,
    question: { text, ...(options ? { options } : {}), ...(context ? { context } : {}), ...(confidence !== undefined ? { confidence } : {}) },
  };
}

function issueText(issue: v.BaseIssue<unknown>): string {
  const path = v.getDotPath(issue);
  return path ? `${path}: ${issue.message}` : issue.message;
}
