import * as v from 'valibot';
import { PANEL_MESSAGES } from '@/lib/messaging/messages';
import { nonEmpty, text } from '@/lib/messaging/schemas';

// What an agent may send on its channel (`countersign mcp`): it can declare its task, and in
// time ask and read; it can never decide, change a rule or a setting, or read a masked value.

export const TASK_LIMIT = 2000;
export const QUESTION_LIMIT = 2000;
export const OPTION_LIMIT = 200;
export const MAX_OPTIONS = 9;

const confidence = v.pipe(v.number(), v.finite(), v.minValue(0), v.maxValue(1));

const requestId = v.union([v.pipe(v.number(), v.safeInteger()), nonEmpty(100)]);

export const AGENT_REQUESTS = {
  'declare-task': v.strictObject({
    id: requestId,
    type: v.literal('declare-task'),
    task: nonEmpty(TASK_LIMIT),
    constraints: v.optional(text(TASK_LIMIT)),
  }),
  /** A question for the person: a card in the Queue; the answer comes with `await-answer`. */
  'ask-person': v.strictObject({
    id: requestId,
    type: v.literal('ask-person'),
    question: nonEmpty(QUESTION_LIMIT),
    options: v.optional(v.pipe(v.array(nonEmpty(OPTION_LIMIT)), v.maxLength(MAX_OPTIONS))),
    context: v.optional(text(QUESTION_LIMIT)),
    confidence: v.optional(confidence),
  }),
  /** What became of a question; while pending, the reply waits up to `waitMs` for an answer. */
  'await-answer': v.strictObject({
    id: requestId,
    type: v.literal('await-answer'),
    question: nonEmpty(100),
    waitMs: v.optional(v.pipe(v.number(), v.safeInteger(), v.minValue(0), v.maxValue(60_000))),
  }),
  /** How sure the agent is (0 to 1) and about what: below the threshold, its actions ask. */
  'report-confidence': v.strictObject({
    id: requestId,
    type: v.literal('report-confidence'),
    confidence,
    about: nonEmpty(QUESTION_LIMIT),
  }),
  /** What became of this browser's actions since then (ms since the epoch): to change course. */
  'get-decisions': v.strictObject({
    id: requestId,
    type: v.literal('get-decisions'),
    since: v.optional(v.pipe(v.number(), v.finite(), v.minValue(0))),
  }),
};

/** One action as the agent may read it: what was held and what the person made of it. */
export interface AgentDecision {
  /** For a question: the person's answer. */
  answer?: string;
  id: string;
  heldAt: string;
  site: string;
  kind: string;
  label: string;
  outcome: string;
  decidedBy: string | null;
  note: string | null;
  /** What the person changed before approving: secrets stay masked, as everywhere. */
  edits: { label: string; before: string; after: string }[];
}

export type AgentRequestType = keyof typeof AGENT_REQUESTS;
export type AgentRequest = { [K in AgentRequestType]: v.InferOutput<(typeof AGENT_REQUESTS)[K]> }[AgentRequestType];

/** What only the person's panel sends, and words that claim a decision: refused by name, so the log says what was tried. */
const PANEL_ONLY = new Set(Object.keys(PANEL_MESSAGES));
const DECIDING = /decid|approv|reject|allow|block|rule|setting|grant|reveal|passkey/i;

export type ParsedAgentRequest = { ok: true; request: AgentRequest } | { ok: false; id: unknown; type: string; error: string };

/** Reads one request: all or nothing, like a frame's answer. */
export function parseAgentRequest(value: unknown): ParsedAgentRequest {
  const raw = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  const id = raw.id;
  const type = typeof raw.type === 'string' ? raw.type : '';
  if (!(type in AGENT_REQUESTS)) {
    const error =
      PANEL_ONLY.has(type) || DECIDING.test(type)
        ? `the agent's channel cannot send "${type.slice(0, 40)}": only a person decides, changes rules or settings, or reveals a value, in the panel`
        : `unknown request type "${type.slice(0, 40)}"`;
    return { ok: false, id, type, error };
  }
  const parsed = v.safeParse(AGENT_REQUESTS[type as AgentRequestType], value);
  if (!parsed.success) return { ok: false, id, type, error: `malformed ${type}: ${parsed.issues[0]?.message ?? 'unreadable'}` };
  return { ok: true, request: parsed.output };
}
