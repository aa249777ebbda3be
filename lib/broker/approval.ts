import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { ActionRecord } from '@/lib/db/schema';
import type { ActionStore } from '@/lib/db/store';
import type { DecideReply } from '@/lib/messaging/protocol';
import { teamCardRecord, type TeamCard } from '@/lib/team/entry';
import type { FatigueMonitor } from './fatigue';
import { approvalGate, teamCardGate, type GateCheck, type GateVerdict, type PendingRecord } from './gate';
import type { PasskeyCheck, PasskeyProof } from './passkey';

/**
 * What one approval needs, supplied by the caller: the card's Approve, a rule or grant made
 * from a card, an answer to the agent's question, and a team reviewer's approval all pass
 * `approveThrough`, so the order below is written once.
 */
export interface ApprovalSteps<R> {
  /** The approval gate: the pending, evaluated record it let through, or why not. */
  gate(): Promise<GateVerdict<R>>;
  /** The reviewer passkey where this browser's scopes ask for it. */
  passkey?(record: R): Promise<PasskeyCheck>;
  /** Takes the team queue's entry first, unless a reviewer decided already. */
  claim?(record: R): Promise<DecideReply>;
  /** Does what was approved; the passkey's proof goes with the decision. */
  act(record: R, proof: PasskeyProof | undefined): Promise<DecideReply>;
  /** Counts toward fatigue, once the approval took. */
  noteApproval?(record: R): Promise<void>;
}

/** Gate, passkey, team claim, the decision, the fatigue count: in that order, stopping at the first refusal. */
export async function approveThrough<R>(steps: ApprovalSteps<R>): Promise<DecideReply> {
  const gate = await steps.gate();
  if (!gate.ok) return gate;
  const passkey = steps.passkey ? await steps.passkey(gate.record) : undefined;
  if (passkey && !passkey.ok) return passkey;
  const claim = steps.claim ? await steps.claim(gate.record) : undefined;
  if (claim && !claim.ok) return claim;
  const reply = await steps.act(gate.record, passkey?.proof);
  if (reply.ok) await steps.noteApproval?.(gate.record);
  return reply;
}

/**
 * The approval gate as this browser applies it now: its dwell setting, and its fatigue pause
 * where `approving` (every approval; an answer only where it says go ahead).
 */
export async function gateNow(
  store: Pick<ActionStore, 'settings'>,
  fatigue: FatigueMonitor,
  now: number,
  { record, path, confirmation, approving }: Pick<GateCheck, 'record' | 'path' | 'confirmation'> & { approving: boolean },
): Promise<GateVerdict> {
  const [settings, state] = await Promise.all([store.settings(), fatigue.current()]);
  return approvalGate({ record, now, dwellMs: settings.dwellMs, fatigue: approving ? state : null, path, confirmation });
}

/** A reviewer's own gate, passkey and fatigue count: the extension's broker, or the desk's. */
export interface ReviewerGate {
  gate(record: ActionRecord, path: 'approve' | 'answer', confirmation: string | undefined, approving: boolean): Promise<GateVerdict>;
  passkey(record: PendingRecord, answer: AuthenticationResponseJSON | undefined): Promise<PasskeyCheck>;
  noteApproval(record: PendingRecord, dwellMs: number | undefined): Promise<void>;
}

/**
 * A team card approved (or a question answered) at a reviewer's browser: the dwell counts
 * from when this browser first saw it; an answer takes no passkey (it is the reviewer's
 * words, not an approval of what the card shows) and counts toward fatigue only where it
 * says go ahead. `write` records the signed decision in the team queue.
 */
export function approveTeamCard(
  card: TeamCard,
  seenAt: number,
  request: { confirmation?: string; answer?: string; passkey?: AuthenticationResponseJSON; dwellMs?: number },
  write: () => Promise<DecideReply>,
  reviewer: ReviewerGate,
): Promise<DecideReply> {
  const { path, approving } = teamCardGate(card, request.answer);
  return approveThrough({
    gate: () => reviewer.gate(teamCardRecord(card, seenAt), path, request.confirmation, approving),
    ...(path === 'approve' ? { passkey: (record: PendingRecord) => reviewer.passkey(record, request.passkey) } : {}),
    act: write,
    noteApproval: async (record) => {
      if (approving) await reviewer.noteApproval(record, request.dwellMs);
    },
  });
}
