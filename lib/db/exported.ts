import type { ChainLink } from './chain';
import type { ActionRecord, DecisionProof } from './schema';
import { outcomeOf } from './outcome';

/** An action as exports show it: stable names, ISO times, no internal index fields. */
export interface ExportedAction {
  id: string;
  heldAt: string;
  decidedAt: string | null;
  heldToDecidedMs: number | null;
  outcome: string;
  decidedBy: string | null;
  ruleId: string | null;
  site: string;
  url: string;
  title: string;
  frameUrl: string;
  kind: string;
  trigger: string;
  label: string;
  amount: { value: number; currency: string; text: string } | null;
  recipients: string[];
  message: string | null;
  form: { action: string; method: string } | null;
  fields: { label: string; name: string; type: string; value: string; masked: boolean; hidden: boolean }[];
  signals: string[];
  risks: string[];
  policyReasons: string[];
  note: string | null;
  reason: string | null;
  edits: { label: string; before: string; after: string }[];
  /** `evaluated-script` or `tool-execution` where no control's activation sent it. */
  cause: string | null;
  /** The page's WebMCP tool the agent called, as the page described it. */
  tool: { name: string; description: string; readOnly: boolean; consequential: boolean; declarative: boolean } | null;
  /** The task the agent declared on its channel, when this was held. */
  task?: { task: string; constraints: string | null; declaredAt: string };
  /** The agent said it was unsure when this was held (below the threshold): its words. */
  unsure?: { confidence: number; about: string; at: string };
  /** A question the agent asked on its channel, with the person's answer. */
  question?: { text: string; options: string[]; context: string | null; confidence: number | null; about: string | null; answer: string | null };
  /** An entry counting a page's own traffic to one endpoint (no agent input before it). */
  traffic?: { count: number; firstAt: string; lastAt: string };
  /** Decided in the team queue: the reviewer's name as they set it, and the key that signed. */
  reviewer?: { name: string; key: string };
  /** A purchase's line items and delivery address, as the page showed them. */
  items?: { name: string; quantity?: number; price?: string }[];
  deliverTo?: string;
  /** Requests that joined the card and were decided with it. */
  alsoSends?: { method: string; url: string; fields: { name: string; label: string; type: string; value: string }[] }[];
  /** What proves who decided: a passkey answer or a team reviewer's signature (`countersign verify` checks it). */
  proof?: DecisionProof;
  /** When an approval reached the page, which replayed the action: a change the chain records. */
  deliveredAt?: string;
  /** The hash chain's links for this action's changes (lib/db/chain.ts). */
  chain?: ChainLink[];
  screenshot?: string;
}

const iso = (time: number | undefined) => (time === undefined ? null : new Date(time).toISOString());

export function exportedAction(record: ActionRecord): ExportedAction {
  return {
    id: record.id,
    heldAt: new Date(record.createdAt).toISOString(),
    decidedAt: iso(record.decidedAt),
    heldToDecidedMs: record.decidedAt === undefined ? null : record.decidedAt - record.createdAt,
    outcome: outcomeOf(record),
    decidedBy: record.decidedBy ?? null,
    ruleId: record.ruleId ?? null,
    site: record.site,
    url: record.tabUrl,
    title: record.tabTitle,
    frameUrl: record.frameUrl,
    kind: record.kind,
    trigger: record.trigger,
    label: record.label,
    amount: record.amount ?? null,
    recipients: record.recipients ?? [],
    message: record.message ?? null,
    form: record.form ?? null,
    fields: record.fields.map((field) => ({
      label: field.label,
      name: field.name,
      type: field.type,
      value: field.value,
      masked: Boolean(field.masked),
      hidden: Boolean(field.hidden),
    })),
    signals: record.signals,
    risks: record.risks ?? [],
    policyReasons: record.policyReasons ?? [],
    note: record.note ?? null,
    reason: record.reason ?? null,
    edits: record.edits ?? [],
    cause: record.cause ?? null,
    tool: record.tool
      ? {
          name: record.tool.name,
          description: record.tool.description,
          readOnly: Boolean(record.tool.readOnly),
          consequential: Boolean(record.tool.consequential),
          declarative: Boolean(record.tool.declarative),
        }
      : null,
    ...(record.task
      ? { task: { task: record.task.task, constraints: record.task.constraints ?? null, declaredAt: new Date(record.task.declaredAt).toISOString() } }
      : {}),
    ...(record.unsure ? { unsure: { confidence: record.unsure.value, about: record.unsure.about, at: new Date(record.unsure.at).toISOString() } } : {}),
    ...(record.question
      ? {
          question: {
            text: record.question.text,
            options: record.question.options ?? [],
            context: record.question.context ?? null,
            confidence: record.question.confidence ?? null,
            about: record.question.concerns?.url ?? null,
            answer: record.question.answer ?? null,
          },
        }
      : {}),
    ...(record.traffic
      ? { traffic: { count: record.traffic.count, firstAt: new Date(record.traffic.firstAt).toISOString(), lastAt: new Date(record.traffic.lastAt).toISOString() } }
      : {}),
    ...(record.reviewer ? { reviewer: { name: record.reviewer.name, key: record.reviewer.key } } : {}),
    // Added with the chain: present only when set, so the exported form of older records is unchanged.
    ...(record.items?.length ? { items: record.items } : {}),
    ...(record.deliverTo ? { deliverTo: record.deliverTo } : {}),
    ...(record.alsoSends?.length ? { alsoSends: record.alsoSends } : {}),
    ...(record.proof ? { proof: record.proof } : {}),
    ...(record.deliveredAt !== undefined ? { deliveredAt: new Date(record.deliveredAt).toISOString() } : {}),
    ...(record.chain?.length ? { chain: record.chain } : {}),
  };
}
