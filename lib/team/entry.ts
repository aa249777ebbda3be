import * as v from 'valibot';
import type { AgentTask, JoinedRequest, ProposedAction, Verdict } from '@/lib/actions/types';
import type { ActionRecord } from '@/lib/db/schema';
import { fieldEdits, finite, LIMITS, nonEmpty, parseOrNull, text, verdict } from '@/lib/messaging/schemas';
import { joinedRequest, proposedAction } from '@/lib/messaging/validate';
import { DECISION_FLAWS, type DecisionFlaw, type SignedDecision } from './signing';

const FLAW_NAMES = Object.keys(DECISION_FLAWS) as DecisionFlaw[];

/** The KV bucket of pending actions, one entry per action: `<browser>.<action id>`. */
export const PENDING_BUCKET = 'countersign_pending';
/** A browser's name becomes part of keys and subjects: letters, digits, _ and - only. */
export const BROWSER_NAME = /^[A-Za-z0-9_-]{1,64}$/;

export const entryKey = (browser: string, id: string) => `${browser}.${id}`;

/**
 * What a reviewer sees of an action: the card's page data, secrets already masked, and the
 * fingerprint a decision must be signed over.
 */
export interface TeamCard extends ProposedAction {
  site: string;
  tabUrl: string;
  tabTitle: string;
  risks: string[];
  createdAt: number;
  fingerprint: string;
  confirm?: { value: string; reasons: string[] };
  /** A picture is in the object store, under the entry's key. */
  screenshot?: boolean;
  /** Requests that joined the card in the agent browser: the reviewer approves them with it. */
  alsoSends?: JoinedRequest[];
  /** The agent's declared task, shown beside the card. */
  task?: AgentTask;
  /** A question the agent asked (kind `question`): answered, not approved. */
  question?: TeamQuestion;
}

/** The agent's question as a reviewer sees it: the tab it concerns is the card's page. */
export interface TeamQuestion {
  text: string;
  options?: string[];
  context?: string;
  confidence?: number;
}

/** `pending` until decided; `closed` when the agent browser settled it, whoever decided. */
export type EntryState = 'pending' | 'decided' | 'closed';

export interface TeamEntry {
  v: 1;
  browser: string;
  id: string;
  state: EntryState;
  card: TeamCard;
  /** The first decision written (by compare-and-set on the entry's revision). */
  decision?: SignedDecision | LocalDecision;
  /** How the agent browser settled the action, and a refused decision's reason. */
  closed?: { status: string; at: number; by: string; reason?: string };
  /** Decisions the agent browser refused while the action still waits (the last few): their reviewers see why. */
  refused?: TeamRefusal[];
}

export interface TeamRefusal {
  reviewer: string;
  /** In English, as the agent browser wrote it; `flaw` names it for the reviewer's language (absent from older browsers). */
  reason: string;
  flaw?: DecisionFlaw;
  at: number;
}

/** A pending team card as a reviewer's view lists it. */
export interface TeamReview {
  browser: string;
  card: TeamCard;
  seenAt: number;
  /** Approving it takes this reviewer's passkey (its scopes, as for a local card). */
  needsPasskey: boolean;
  /** Decisions the agent browser refused for this card (an untrusted key, another version): it waits again. */
  refused?: TeamRefusal[];
}

/** How many refusals an entry keeps. */
export const KEPT_REFUSALS = 5;

/** Decided in the agent browser's own panel (or by its timeout): no signature needed. */
export interface LocalDecision {
  local: true;
  verdict: Verdict;
  at: number;
  by: 'person' | 'timeout' | 'system';
}


const signedDecision = v.object({
  browser: nonEmpty(64),
  id: nonEmpty(100),
  fingerprint: nonEmpty(200),
  verdict,
  at: finite,
  note: v.optional(text(LIMITS.message)),
  edits: v.optional(fieldEdits),
  answer: v.optional(text(LIMITS.text)),
  reviewer: text(200),
  key: nonEmpty(200),
  signature: nonEmpty(400),
});

const localDecision = v.object({
  local: v.literal(true),
  verdict,
  at: finite,
  by: v.picklist(['person', 'timeout', 'system']),
});

const cardContext = v.object({
  site: text(LIMITS.url),
  tabUrl: text(LIMITS.url),
  tabTitle: text(LIMITS.text),
  risks: v.pipe(v.array(text(100)), v.maxLength(20)),
  createdAt: finite,
  fingerprint: nonEmpty(200),
  confirm: v.optional(v.object({ value: text(200), reasons: v.pipe(v.array(text(LIMITS.text)), v.maxLength(20)) })),
  screenshot: v.optional(v.boolean()),
  alsoSends: v.optional(v.pipe(v.array(joinedRequest), v.maxLength(20))),
  task: v.optional(v.object({ task: nonEmpty(2000), constraints: v.optional(text(2000)), declaredAt: finite })),
});

/** A question card's own part: no page proposed it, so it is read by its own schema. */
const questionCard = v.object({
  id: nonEmpty(100),
  kind: v.literal('question'),
  trigger: v.literal('channel'),
  label: text(LIMITS.text),
  frameUrl: text(LIMITS.url),
  frameTitle: text(LIMITS.text),
  heldAt: finite,
  question: v.object({
    text: nonEmpty(2000),
    options: v.optional(v.pipe(v.array(nonEmpty(200)), v.maxLength(9))),
    context: v.optional(text(2000)),
    confidence: v.optional(v.pipe(finite, v.minValue(0), v.maxValue(1))),
  }),
});

/** The page data in a card is checked as any page's proposal is; the context beside it here. */
const card = v.pipe(
  v.unknown(),
  v.rawTransform(({ dataset, addIssue, NEVER }) => {
    const asked = (dataset.value as { kind?: unknown } | null)?.kind === 'question';
    const context = v.safeParse(cardContext, dataset.value);
    if (asked) {
      const question = v.safeParse(questionCard, dataset.value);
      if (question.success && context.success) return { ...question.output, fields: [], signals: [], ...context.output } as TeamCard;
    }
    const action = v.safeParse(proposedAction, dataset.value);
    if (!asked && action.success && context.success) return { ...(action.output as ProposedAction), ...context.output } as TeamCard;
    addIssue({ message: 'the card is not a readable action' });
    return NEVER;
  }),
);

const teamEntry = v.object({
  v: v.literal(1),
  browser: v.pipe(v.string(), v.regex(BROWSER_NAME)),
  id: nonEmpty(100),
  state: v.picklist(['pending', 'decided', 'closed']),
  card,
  decision: v.optional(v.union([signedDecision, localDecision])),
  closed: v.optional(v.object({ status: text(40), at: finite, by: text(200), reason: v.optional(text(LIMITS.message)) })),
  refused: v.optional(
    v.pipe(
      // A flaw this browser does not know (a newer browser's) is left out: the reason still says it.
      v.array(v.object({ reviewer: text(200), reason: text(LIMITS.message), flaw: v.pipe(v.optional(v.unknown()), v.transform((flaw) => FLAW_NAMES.find((name) => name === flaw))), at: finite })),
      v.maxLength(KEPT_REFUSALS),
    ),
  ),
});

/** An entry read from the bucket, or null: anyone with access to the server can write there. */
export function parseEntry(value: unknown): TeamEntry | null {
  return parseOrNull(teamEntry, value) as TeamEntry | null;
}

export const isSigned = (decision: TeamEntry['decision']): decision is SignedDecision => Boolean(decision && !('local' in decision));

/**
 * A team card as the approval gate and the card's details read a record: pending, complete
 * from `seenAt` (when this browser first saw it), in no tab of this browser.
 */
export function teamCardRecord(card: TeamCard, seenAt: number): ActionRecord {
  const screenshot = card.screenshot ? 'captured' : undefined;
  return { ...card, screenshot, risks: card.risks as ActionRecord['risks'], tabId: -1, frameId: -1, status: 'pending', evaluatedAt: seenAt };
}
