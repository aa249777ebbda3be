import type { DBSchema } from 'idb';
import type { AgentConfidence, AgentQuestion, AgentTask, FieldChange, JoinedRequest, ProposedAction, Verdict } from '@/lib/actions/types';
import type { RiskReason } from '@/lib/policy/risk';
import type { Rule, Threshold } from '@/lib/policy/rules';
import type { WebhookSettings } from '@/lib/policy/webhook';
import type { Outcome } from './outcome';
import type { ChainLink } from './chain';
import type { GuardMode } from '@/lib/detect/signals';

/**
 * `unreviewed`: a state-changing request left a guarded tab with no hold, rule or release.
 * `answered`: the person answered the agent's question.
 */
export type ActionStatus = 'pending' | 'approved' | 'rejected' | 'abandoned' | 'released' | 'unreviewed' | 'answered';
export type Decider = 'person' | 'rule' | 'timeout' | 'system';

/** One held action and everything that happened to it. */
export interface ActionRecord extends ProposedAction {
  /** Requests the same input caused while this was pending, approved or rejected with it. */
  alsoSends?: JoinedRequest[];
  /** An `unreviewed` entry standing for a page's own traffic to one endpoint: how often, when. */
  traffic?: TrafficSummary;
  /** The agent's declared task when this was held. */
  task?: AgentTask;
  /** Held while the agent said it was unsure: it asks even where a rule would allow it. */
  unsure?: AgentConfidence;
  /** A question from the agent (kind `question`), with the person's answer once given. */
  question?: AgentQuestion;
  tabId: number;
  frameId: number;
  documentId?: string;
  tabUrl: string;
  tabTitle: string;
  site: string;
  status: ActionStatus;
  createdAt: number;
  decidedAt?: number;
  decidedBy?: Decider;
  /** The rule that decided, when a rule did. */
  ruleId?: string;
  /** Why the policy asked, allowed or blocked. */
  policyReasons?: string[];
  /** When the broker finished evaluating it: from then on the card is complete and the dwell runs. */
  evaluatedAt?: number;
  note?: string;
  /** Why the system closed it (abandoned, released), or why an approval could not be delivered. */
  reason?: string;
  /** When the approval reached the page, which replays it at once. */
  deliveredAt?: number;
  risks: RiskReason[];
  /** The action runs in a frame whose origin differs from the tab's. */
  frameCrossOrigin?: boolean;
  /** Whether the card has a picture: only of the tab that was visible when the action was held. */
  screenshot?: ScreenshotState;
  /** The reviewer's edits, secrets masked. */
  edits?: FieldChange[];
  /** Set when the page altered the action after an approval was given: it is back for review. */
  changedSinceHeld?: FieldChange[];
  /** High risk: approving needs this value typed (see lib/policy/evaluate.ts). */
  confirm?: { value: string; reasons: string[] };
  /** An identical low-risk action already waiting: decided together with it. */
  groupOf?: string;
  /** Held while its tab raised too many actions at once; shown only as part of one card. */
  paused?: boolean;
  /** Approvals refused for want of a valid passkey answer, kept for the history. */
  refusals?: { at: number; reason: string }[];
  /** Decided in the team queue: the reviewer's name (as they set it) and signing key. */
  reviewer?: { name: string; key: string };
  /** The approval that set off the fatigue warning. */
  fatigue?: string;
  /** What proves who decided: the passkey's answer for this action, or a team reviewer's signed decision. */
  proof?: DecisionProof;
  /** The hash chain's links for each change of this record (lib/db/chain.ts). */
  chain?: ChainLink[];
  /** Derived on every write, for the history's indexes. */
  outcome?: Outcome;
  words?: string[];
}

/**
 * An approval's passkey answer as kept with the record: with the nonce its challenge was bound
 * from, anyone holding the public key can check later that it signed this very action.
 */
export interface PasskeyProof {
  /** The action's fingerprint the answer was bound to: a verifier recomputes it from the row. */
  fingerprint?: string;
  credentialId: string;
  /** COSE public key, base64url. */
  publicKey: string;
  nonce: string;
  rpID: string;
  origin: string;
  authenticatorData: string;
  clientDataJSON: string;
  signature: string;
}

/** What a team reviewer signs: one verdict on one action of one browser, as the card showed it. */
export interface DecisionStatement {
  browser: string;
  id: string;
  fingerprint: string;
  verdict: Verdict;
  at: number;
  note?: string;
  edits?: { index: number; value: string }[];
  /** The answer to the agent's question (with `approve`): signed as part of the statement. */
  answer?: string;
}

export interface SignedDecision extends DecisionStatement {
  /** The reviewer's name, as the reviewer set it: shown, never trusted. */
  reviewer: string;
  /** The reviewer's public key (Ed25519, raw, base64url): the agent browser must know it. */
  key: string;
  signature: string;
}

/** Kept with a decision so it can be checked later, away from this browser (`countersign verify`). */
export interface DecisionProof {
  passkey?: PasskeyProof;
  team?: SignedDecision;
}

/** A request on the agent's channel that was refused (it claimed to decide, or was malformed). */
export interface ChannelRefusal {
  at: number;
  type: string;
  error: string;
}

/** `withheld`: secrets on the page could not all be located, so no picture was kept. */
export type ScreenshotState = 'captured' | 'background' | 'unavailable' | 'withheld' | 'pruned';

/** Approvals came too fast: refused until `until`. Stored, so a worker restart keeps it. */
export interface FatigueState {
  until: number;
  /** The pause in English; `values` fill the panel's words for it (absent in a state stored before they were kept). */
  message: string;
  values?: Record<string, number>;
  /** Recent approvals and how long each card had been up, for the next warning. */
  approvals: { at: number; dwellMs: number }[];
}

export interface ScreenshotRecord {
  blob: Blob;
  capturedAt: number;
}

/** Requests a guarded tab's page sent to one endpoint with no agent input before them. */
export interface TrafficSummary {
  /** `site METHOD /path`: what "silence" names. */
  key: string;
  count: number;
  firstAt: number;
  lastAt: number;
}

export interface Settings {
  guardMode: GuardMode;
  /** A pending action not decided within this time is rejected, logged as `timeout`. */
  timeoutSeconds: number;
  /** Consecutive unedited approvals of one kind on one site before a rule is suggested. */
  suggestAfter: number;
  defaultThreshold: Threshold;
  /** `site kind` pairs whose suggestion the person declined. */
  silencedSuggestions: string[];
  /** `site METHOD /path` keys of page traffic the person chose not to log any more. */
  silencedEndpoints: string[];
  /** Retention: decided actions beyond these are removed, oldest first; pending ones never. */
  historyMaxEntries: number;
  historyMaxDays: number;
  /** Only the newest this many screenshots are kept: pictures go before records do. */
  screenshotMaxCount: number;
  /** Approve stays disabled this long after a card becomes visible. */
  dwellMs: number;
  /** A tab raising more consequential actions than this in a minute is paused. */
  floodLimit: number;
  /** This many quick approvals within a minute set off the fatigue pause. */
  fatigueCount: number;
  /** Approvals made sooner than this after the card appeared count as quick. */
  fatigueDwellMs: number;
  fatiguePauseSeconds: number;
  /** With a passkey registered: which approvals need it (see lib/broker/passkey.ts). */
  passkeyFor: PasskeyScope[];
  /** A desktop notification for a held action when no Countersign panel is open. */
  notifications: boolean;
  /** While the agent's stated confidence is below this (0 to 1), its actions ask even under a rule. */
  confidenceThreshold: number;
  /** Where to post when an action waits too long (lib/policy/webhook.ts); null: nowhere. */
  webhook: WebhookSettings | null;
}

/** `devtools`: approvals from a panel that a DevTools-protocol client is attached to. */
export const PASSKEY_SCOPES = ['high-risk', 'every', 'devtools'] as const;
export type PasskeyScope = (typeof PASSKEY_SCOPES)[number];

/** The reviewer's passkey: its public key (COSE, base64url) and credential id. */
export interface StoredPasskey {
  credentialId: string;
  publicKey: string;
  counter: number;
  createdAt: number;
}

/** The key this browser signs team decisions with (Ed25519); the private half cannot be exported. */
export interface TeamSigningKey {
  privateKey: CryptoKey;
  publicKey: string;
  createdAt: number;
}

export const DEFAULT_SETTINGS: Settings = {
  guardMode: 'automation',
  notifications: true,
  timeoutSeconds: 600,
  suggestAfter: 5,
  defaultThreshold: { amount: 100, currency: 'USD' },
  silencedSuggestions: [],
  silencedEndpoints: [],
  historyMaxEntries: 100_000,
  historyMaxDays: 365,
  screenshotMaxCount: 500,
  dwellMs: 600,
  floodLimit: 20,
  fatigueCount: 8,
  fatigueDwellMs: 1500,
  fatiguePauseSeconds: 10,
  passkeyFor: ['high-risk', 'devtools'],
  confidenceThreshold: 0.5,
  webhook: null,
};

export interface CountersignSchema extends DBSchema {
  actions: {
    key: string;
    value: ActionRecord;
    indexes: {
      byStatusCreated: [string, number];
      byCreated: number;
      byTab: number;
      bySiteCreated: [string, number];
      byOutcomeCreated: [string, number];
      byKindCreated: [string, number];
      byWord: string;
    };
  };
  rules: {
    key: string;
    value: Rule;
    indexes: { byPattern: string };
  };
  screenshots: {
    key: string;
    value: ScreenshotRecord;
  };
  settings: {
    key: string;
    value: unknown;
  };
}
