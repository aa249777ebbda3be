/**
 * `purchase` includes moving money; `delete` is destructive; `unclassified` is an action that
 * could not be read, held rather than let through.
 */
export const PAGE_KINDS = ['purchase', 'send', 'delete', 'submit', 'unclassified'] as const;
/** `question`: the agent asked the person on its channel; no page proposes one. */
export const ACTION_KINDS = [...PAGE_KINDS, 'question'] as const;
export type ActionKind = (typeof ACTION_KINDS)[number];

/** How the agent triggered the action; decides how the content script replays it. */
export const PAGE_TRIGGERS = ['click', 'submit', 'enter', 'form-submit', 'request', 'tool'] as const;
/** `channel`: the agent's own channel (`countersign mcp`), not the page. */
export const TRIGGERS = [...PAGE_TRIGGERS, 'channel'] as const;
export type Trigger = (typeof TRIGGERS)[number];

export const REQUEST_VIAS = ['fetch', 'xhr', 'beacon'] as const;
/** What a person decides about a held action. */
export const VERDICTS = ['approve', 'reject'] as const;
export type Verdict = (typeof VERDICTS)[number];

export type RequestVia = (typeof REQUEST_VIAS)[number];

/** A script the agent evaluated, or a page tool's code that ran without a person's approval. */
export const ACTION_CAUSES = ['evaluated-script', 'tool-execution'] as const;
export type ActionCause = (typeof ACTION_CAUSES)[number];

/** Where the data goes: a form's effective submission, or a request the page made. */
export interface Destination {
  /** Absolute URL. */
  action: string;
  method: string;
  enctype?: string;
  /** The browsing context a form submission opens in (`_blank`, a frame name). */
  target?: string;
  /** Set for requests held at the request itself. */
  via?: RequestVia;
  /** The method the server is asked for, where the request overrides its own (`_method=delete`). */
  asMethod?: string;
}

/** Why a tab counts as driven by an agent. */
/** `tool-call`: an agent called one of the page's WebMCP tools, which only an agent does. */
export const GUARD_SIGNALS = ['webdriver', 'untrusted-event', 'debugger', 'armed', 'always', 'unconfirmed', 'tool-call'] as const;
export type GuardSignal = (typeof GUARD_SIGNALS)[number];

export interface FieldSnapshot {
  name: string;
  label: string;
  type: string;
  value: string;
  masked?: boolean;
  hidden?: boolean;
  truncated?: boolean;
}

export interface Amount {
  value: number;
  currency: string;
  text: string;
}

/** What the content script proposes; everything in it is page data and untrusted. */
export interface ProposedAction {
  id: string;
  kind: ActionKind;
  trigger: Trigger;
  label: string;
  frameUrl: string;
  frameTitle: string;
  form?: Destination;
  /** What could not be read from the page; the card says so instead of guessing. */
  unreadable?: string[];
  fields: FieldSnapshot[];
  fieldsTruncated?: boolean;
  amount?: Amount;
  recipients?: string[];
  message?: string;
  /** A purchase's line items, as the page's order summary shows them. */
  items?: LineItem[];
  /** Where a purchase is delivered, as the page shows it. */
  deliverTo?: string;
  /** The control's rectangle in the top viewport, for highlighting it on the screenshot. */
  target?: TargetBox;
  /** Where masked fields sit in the top viewport, painted over before a screenshot is kept. */
  redactions?: Rect[];
  signals: GuardSignal[];
  /** Set when a script the agent evaluated in the page sent it, not a control's activation. */
  cause?: ActionCause;
  /** The page's WebMCP tool the agent called (or whose declarative form it submitted). */
  tool?: ToolCall;
  heldAt: number;
}

/** The task an agent declared on its channel, in its own words: shown beside its actions. */
export interface AgentTask {
  task: string;
  constraints?: string;
  declaredAt: number;
}

/** The agent's questions belong to the agent, not to a tab: a navigation or a closed tab leaves them be. */
export const AGENT_TAB = -1;

/** How sure the agent said it is (0 to 1), and about what: below the threshold its actions ask. */
export interface AgentConfidence {
  value: number;
  about: string;
  at: number;
}

/** A question the agent put to the person on its channel, and the answer once given. */
export interface AgentQuestion {
  text: string;
  options?: string[];
  context?: string;
  /** The agent's stated confidence, 0 to 1. */
  confidence?: number;
  /** The tab it concerns (the one the agent last acted in), for the card's context and picture. */
  concerns?: { tabId: number; url: string; title: string };
  answer?: string;
}

export interface LineItem {
  name: string;
  quantity?: number;
  /** As the page writes it: "€19.98". */
  price?: string;
}

/** A WebMCP tool as the page declared it: its annotations are the page's claim, not proof. */
export interface ToolCall {
  name: string;
  description: string;
  readOnly?: boolean;
  consequential?: boolean;
  /** A `<form toolname>`, submitted for the agent. */
  declarative?: boolean;
}

export interface Rect {
  x: number;
  y: number;
  width: number;
  height: number;
}

export interface TargetBox extends Rect {
  viewportWidth: number;
  viewportHeight: number;
}

/** A further request the same agent input caused while its card was pending: decided with it. */
export interface JoinedRequest {
  method: string;
  url: string;
  fields: FieldSnapshot[];
}

/** A value that changed between hold and approval, as the reviewer may see it (secrets masked). */
/** A reviewer's new value for field `index` of the action's `fields`. */
export interface FieldEdit {
  index: number;
  value: string;
}

export interface FieldChange {
  label: string;
  before: string;
  after: string;
}
