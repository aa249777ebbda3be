import type { ActionRecord, FatigueState } from '@/lib/db/schema';
import { pauseRefusal } from './fatigue';
import { refused, type Refused } from '@/lib/messaging/refusals';

export interface GateCheck {
  record: ActionRecord | undefined;
  now: number;
  /** How long a card must have been up (settings.dwellMs), counted from its evaluation. */
  dwellMs: number;
  fatigue: FatigueState | null;
  /**
   * `approve`: the card's Approve, which must carry the typed confirmation of a high-risk
   * action. `shortcut`: a rule or grant made from the card; it approves only an action that
   * needs no confirmation and leaves the others for Approve. `answer`: an answer to the agent's
   * question (the fatigue pause applies only where the caller passes it: an answer that approves).
   */
  path: 'approve' | 'shortcut' | 'answer';
  confirmation?: string;
}

/** A held action the gate let through: pending and fully evaluated. */
export type PendingRecord = ActionRecord & { status: 'pending'; evaluatedAt: number };

export type GateVerdict<R = PendingRecord> = { ok: true; record: R } | { ok: false; error: string; refusal?: Refused['refusal'] };

/**
 * The one check every approving path passes: the action is pending and fully evaluated, its
 * card has been up for the dwell, approvals are not paused, and a high-risk approval carries
 * its typed confirmation.
 */
export function approvalGate(check: GateCheck): GateVerdict {
  const { record, now } = check;
  if (record?.status !== 'pending') return refused('alreadyDecided');
  if ((record.kind === 'question') !== (check.path === 'answer')) {
    return refused(record.kind === 'question' ? 'questionIsAnswered' : 'onlyQuestionsAnswered');
  }
  if (record.evaluatedAt === undefined) return refused('stillChecking');
  const paused = pauseRefusal(check.fatigue, now);
  if (paused) return paused;
  const upFor = now - record.evaluatedAt;
  if (upFor < check.dwellMs) {
    return refused('readFirst', { seconds: Math.ceil((check.dwellMs - upFor) / 1000) });
  }
  if (check.path === 'approve' && record.confirm && check.confirmation !== record.confirm.value) {
    return refused('typeToConfirm', { value: record.confirm.value });
  }
  return { ok: true, record: { ...record, status: 'pending', evaluatedAt: record.evaluatedAt } };
}

/** An answer that says go ahead: it faces the same fatigue defence as an approval. */
const APPROVING =
  /^\s*(yes|yeah|yep|sure|ok(ay)?|go( ahead)?|proceed|approved?|confirm(ed)?|continue|allow(ed)?|do it|accept(ed)?|agreed?|buy|pay|send|delete|submit|ja|oui|s[ií]|vale|d['’]accord)(?=$|[\s,.;:!])/iu;

export function approvesSomething(answer: string): boolean {
  return APPROVING.test(answer);
}

/**
 * A team card's way through the gate, for the extension's reviewer and the desk alike: a
 * question's answer takes the answer path and counts as approving (fatigue) only where it
 * says go ahead; any other card takes Approve.
 */
export function teamCardGate(card: { kind: string }, answer: string | undefined): { path: 'approve' | 'answer'; approving: boolean } {
  return card.kind === 'question' ? { path: 'answer', approving: approvesSomething(answer ?? '') } : { path: 'approve', approving: true };
}

