import type { Classified, FieldTarget } from '@/lib/actions/dom';
import type { ToolSchema } from '@/lib/actions/tool-call';
import type { ActionKind, GuardSignal, ToolCall, Trigger } from '@/lib/actions/types';
import type { RequestDetail } from '@/lib/messaging/frames';

// What the interceptor keeps of an action it holds, and of the input that caused it.

/** What an approval is bound to: where the data goes, every value, the amount, the control. */
export interface BoundState {
  label: string;
  action: string;
  frameUrl: string;
  amount: string;
  values: string[];
}

export interface Held extends HoldSpec {
  /** Requests the same input caused while this waited: decided with it once the card shows them. */
  joined: Joined[];
  /** Settles when the background first answered the hold: a card exists to join. */
  answered: Promise<void>;
  /** The elements whose values the reviewer sees, in the order of the proposal's fields. */
  targets: FieldTarget[];
  truncated: boolean;
  /** Null when the action could not be read: there is nothing to bind the approval to. */
  baseline: BoundState | null;
}

export interface Joined {
  spec: HoldSpec;
  /** The background put it on the card: only then does the card's approval cover it. */
  shown: boolean;
}

export interface HoldSpec extends Classified {
  trigger: Trigger;
  /** The agent's input that caused it, whose further requests join its card. */
  input?: Input | null;
  signals: GuardSignal[];
  form: HTMLFormElement | null;
  submitter: Element | null;
  near: Element;
  request?: RequestDetail;
  tool?: ToolCall;
  /** An imperative tool call's arguments (edits land here before it runs) and their schema. */
  toolArgs?: { values: Record<string, unknown>; schema: ToolSchema | undefined };
  /** Why the action could not be read, when it could not. */
  failure?: string;
  /** `reviewed`: a person approved it, or a person's rule did (not the page's claim, nor an unguarded tab). */
  replay: (reviewed: boolean) => void;
  /** Undoes a rejected action's side of the page: a held request fails like a network error, a tool call with `why`. */
  discard?: (why: string) => void;
}

export interface Input {
  at: number;
  trusted: boolean;
  control: Element | null;
  /** For a control in a confirmation dialog: the control outside it that opened the dialog. */
  opener: Element | null;
  /** The control's label and what its wording says, read once for all the requests it causes. */
  wording?: Wording;
}

export interface Wording {
  label: string;
  kind: ActionKind | 'benign' | null;
}
