import type { AgentConfidence, AgentTask, Amount, FieldChange, FieldEdit, FieldSnapshot, Verdict } from '@/lib/actions/types';
import type { ActionRecord, ChannelRefusal } from '@/lib/db/schema';
import type { RuleKind } from '@/lib/policy/rules';
import type { TeamReview } from '@/lib/team/entry';
import type { TeamState } from '@/lib/team/link';
import type { TeamView } from '@/lib/team/settings';

// Shapes shared by the background, the pages and the frames. The messages the background
// accepts, with their schemas and replies, are in messages.ts.

/** What the background answers a frame's `hold`. */
/** `approved`: a person's decision or rule let it through, which covers what it causes (a tool's requests). */
export type HoldReply = { status: 'held' } | { status: 'release'; approved?: true } | { status: 'blocked'; reason: string };

export type { FieldEdit, Verdict };
export type { DecideReply } from './refusals';
import type { Refused } from './refusals';
export type { TeamReview } from '@/lib/team/entry';


/** A fatigue pause as the views' banner shows it: the English, and the refusal to translate. */
export interface FatiguePause {
  until: number;
  message: string;
  refusal?: Refused['refusal'];
}

export type RuleChangeReply = { ok: true } | { ok: false; errors: string[] };

/** A rule the panel offers after a run of unedited approvals; never created by itself. */
export interface Suggestion {
  site: string;
  kind: RuleKind;
  approvals: number;
}

/** A pending action as the queue shows it: with the identical actions grouped under it. */
export interface QueuedAction extends ActionRecord {
  groupSize: number;
  /** Approving it, or making a rule from it, takes the reviewer's passkey. */
  needsPasskey: boolean;
}

/** The agent's side as Settings show it: its task, its stated confidence, what it tried and was refused. */
export interface AgentState {
  task: AgentTask | null;
  confidence: AgentConfidence | null;
  refusals: ChannelRefusal[];
}

/** A tab paused for raising too many actions (tab -1: the agent, too many questions): one card for all of them. */
export interface PausedTab {
  tabId: number;
  site: string;
  count: number;
  seconds: number;
}

export interface QueueState {
  actions: QueuedAction[];
  paused: PausedTab[];
  /** A reviewer's passkey is registered: rules made from cards take it. */
  passkeyRegistered: boolean;
  /** Set while approvals are paused because they came too fast. */
  fatigue?: FatiguePause;
}

export type { TabMessage } from './frames';

/**
 * The frame's answer to a decision. `changed` means the page altered the action since it
 * was held: nothing was sent, and `fields`/`amount` describe it as it is now.
 */
export interface DecisionReply {
  delivered: boolean;
  changed?: FieldChange[];
  fields?: FieldSnapshot[];
  amount?: Amount | null;
}

/** A masked value for the reviewer, or why not (`refusal`: by name, for the panel's language). */
export type RevealReply = { value: string } | { error: string; refusal?: Refused['refusal'] };

/** Background to extension pages: something in the queue or history changed. */
export type PanelEvent = { type: 'changed' };

/** Team review as the panel's Settings show it: secrets only as "set". */
export interface TeamStatus {
  settings: TeamView;
  state: TeamState;
  problem: string | null;
  /** The server address in use while online: on a cluster, which node. */
  server?: string;
  /** This browser's reviewer key, to give to the agent browsers it should review. */
  publicKey: string;
  /** Malformed entries seen in the team queue: ignored, and counted. */
  malformed: number;
  /** Problems with the administrator's team policy, which is then left out. */
  policyProblems: string[];
}

/** One pending action from the team queue, with when this browser first saw it (its dwell starts there). */

export interface TeamQueueState {
  state: TeamState;
  /** False when this browser is not a reviewer (the panel shows no team queue then). */
  reviewing: boolean;
  reviews: TeamReview[];
  fatigue?: FatiguePause;
}
