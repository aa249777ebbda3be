export type ActionKind = 'purchase' | 'send' | 'submit';

/** How the agent triggered the action; decides how the content script replays it. */
export type Trigger = 'click' | 'submit' | 'enter' | 'form-submit';

/** Why a tab counts as driven by an agent. */
export type GuardSignal = 'webdriver' | 'untrusted-event' | 'debugger' | 'armed' | 'always' | 'unconfirmed';

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
  form?: { action: string; method: string };
  fields: FieldSnapshot[];
  fieldsTruncated?: boolean;
  amount?: Amount;
  recipients?: string[];
  message?: string;
  /** The control's rectangle in the top viewport, for highlighting it on the screenshot. */
  target?: TargetBox;
  /** Where masked fields sit in the top viewport, painted over before a screenshot is kept. */
  redactions?: Rect[];
  signals: GuardSignal[];
  heldAt: number;
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

/** A value that changed between hold and approval, as the reviewer may see it (secrets masked). */
export interface FieldChange {
  label: string;
  before: string;
  after: string;
}
