import * as v from 'valibot';
import { REQUEST_VIAS, VERDICTS } from '@/lib/actions/types';
import { GUARD_MODES } from '@/lib/detect/signals';
import { fieldEdits, verdict } from './schemas';

// The two protocols of the frames: what the background sends a tab's frames, and the events
// between a frame's MAIN-world hook and its isolated world. Both ends are ours, but a page can
// fire the hook's events itself, so each side reads them as untrusted. The content side checks
// them by hand (lib/intercept/read-messages.ts, no library in every frame); a unit test holds
// those checks to these schemas.

const guard = v.object({ mode: v.picklist(GUARD_MODES), armed: v.boolean(), debugger: v.boolean() });

/** Background to a tab's frames. */
export const tabMessage = v.variant('type', [
  v.object({ type: v.literal('guard'), guard }),
  v.object({
    type: v.literal('decision'),
    id: v.string(),
    verdict,
    note: v.exactOptional(v.string()),
    edits: v.exactOptional(fieldEdits),
    by: v.exactOptional(v.literal('timeout')),
  }),
  v.object({ type: v.literal('reveal'), id: v.string(), index: v.pipe(v.number(), v.safeInteger(), v.minValue(0)) }),
]);
export type TabMessage = v.InferOutput<typeof tabMessage>;

export const REQUEST_CAUSES = ['input', 'script', 'tool'] as const;
export type RequestCause = (typeof REQUEST_CAUSES)[number];
export const BODY_KINDS = ['none', 'json', 'form', 'multipart', 'text', 'binary'] as const;

const bodySummary = v.object({
  kind: v.picklist(BODY_KINDS),
  fields: v.array(v.tuple([v.string(), v.string()])),
  text: v.exactOptional(v.string()),
  size: v.exactOptional(v.number()),
});
export type BodySummary = v.InferOutput<typeof bodySummary>;

/** MAIN world to isolated world: a request the page is about to send (`countersign:request`). */
export const requestDetail = v.object({
  nonce: v.string(),
  method: v.string(),
  url: v.string(),
  via: v.picklist(REQUEST_VIAS),
  keepalive: v.boolean(),
  body: bodySummary,
  /** What made the page send it: a recent input, code a client evaluated, or a tool run no person approved. */
  cause: v.picklist(REQUEST_CAUSES),
  /** A method override header (`X-HTTP-Method-Override` and kin) the request carries. */
  override: v.exactOptional(v.string()),
  /** The text of a native `confirm()` the agent accepted just before, which lends the action its words. */
  confirmed: v.exactOptional(v.string()),
});
export type RequestDetail = v.InferOutput<typeof requestDetail>;

/** MAIN world to isolated world: an agent called one of the page's WebMCP tools (`countersign:tool-call`). */
export const toolCallDetail = v.object({
  nonce: v.string(),
  name: v.string(),
  description: v.string(),
  // JSON leaves out what is undefined: a tool with no schema, arguments that could not be copied.
  inputSchema: v.optional(v.unknown()),
  readOnly: v.boolean(),
  consequential: v.boolean(),
  input: v.optional(v.unknown()),
});
export type ToolCallDetail = v.InferOutput<typeof toolCallDetail>;

/** Isolated world to MAIN world: the answer to a held request or tool call. */
export const requestDecision = v.object({
  nonce: v.string(),
  verdict: v.picklist(VERDICTS),
  /** A tool call's arguments as approved (the reviewer may have edited them). */
  input: v.exactOptional(v.unknown()),
  /** Why a tool call was refused, as its caller reads it. */
  message: v.exactOptional(v.string()),
  /** Approved by a person, not let through by a rule or the page's read-only claim. */
  reviewed: v.exactOptional(v.boolean()),
});
export type RequestDecision = v.InferOutput<typeof requestDecision>;
