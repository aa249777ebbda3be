import type { ActionKind, Amount } from '@/lib/actions/types';
import type { RiskReason } from './risk';
import { allowsEndpoint, allowsTool, endpointOf, isLive, levelFor, specificity, type Rule, type Threshold, type TrustLevel } from './rules';

export type Verdict = 'allow' | 'ask' | 'block';

export interface PolicyAction {
  kind: ActionKind;
  site: string;
  tabId: number;
  risks: readonly RiskReason[];
  amount?: Amount;
  recipients?: readonly string[];
  /** Where a form or request sends its data, for naming it in a confirmation and matching endpoints. */
  formAction?: string;
  formMethod?: string;
  /** Part of the page's description of the action failed validation: no rule lets it through unseen. */
  descriptionUnreadable?: boolean;
  /** The page's WebMCP tool an agent called, with what the page claims of it. */
  tool?: { name: string; consequential?: boolean; declarative?: boolean };
}

export interface PolicySettings {
  defaultThreshold: Threshold;
}

export interface PolicyStats {
  /** Recipients of sends already approved on this site. */
  knownRecipients: ReadonlySet<string>;
}

export interface PolicyResult {
  verdict: Verdict;
  reasons: string[];
  rule?: Rule;
  /** High risk: approving takes a second, typed step. */
  confirm?: Confirmation;
}

/** What the reviewer must type to approve a high-risk action, and why. */
export interface Confirmation {
  value: string;
  reasons: string[];
}

const VERDICT_WEIGHT: Record<Verdict, number> = { block: 3, ask: 2, allow: 1 };
// A grant for one tab is narrower than any site rule.
const GRANT_BONUS = 10_000;

/**
 * Decides whether a guarded action may go through on its own. Precedence: managed rules
 * first; then the most specific pattern; at equal specificity block beats ask beats allow;
 * no rule means ask. Some risks always ask, even on a trusted site.
 */
export function evaluate(
  action: PolicyAction,
  rules: readonly Rule[],
  settings: PolicySettings,
  stats: PolicyStats,
  now: number,
): PolicyResult {
  const live = rules.filter((rule) => isLive(rule, now, action.tabId));
  const managed = live.filter((rule) => rule.createdBy === 'managed');
  const rule = mostSpecific(managed, action) ?? mostSpecific(live, action);
  const confirm = confirmationFor(action, rule?.threshold ?? settings.defaultThreshold, stats);
  const withConfirm = confirm ? { confirm } : {};
  if (!rule) return { verdict: 'ask', reasons: ['no rule for this site'], ...withConfirm };

  const named = allowedEndpoint(rule, action) ?? allowedTool(rule, action);
  const level = named ? 'trust' : levelFor(rule, action.kind);
  const verdict = verdictFor(level, action, rule, settings, stats, named);
  return { ...verdict, rule, ...withConfirm };
}

/**
 * A rule covers only actions that happen in, and send to, the origins its pattern names. The
 * action is evaluated on the rules of each origin it touches (the tab's site, the frame's, the
 * destination's), and the strictest verdict wins: one origin with no rule, or a rule that asks,
 * asks; any block blocks. Confirmation is the tab site's (it names the risk either way).
 */
export function evaluateAcross(
  action: PolicyAction,
  origins: readonly string[],
  rules: readonly Rule[],
  settings: PolicySettings,
  stats: PolicyStats,
  now: number,
): PolicyResult {
  const own = evaluate(action, rules, settings, stats, now);
  let strictest = own;
  for (const origin of new Set(origins)) {
    if (origin === action.site) continue;
    const other = evaluate({ ...action, site: origin }, rules, settings, stats, now);
    const reasons = other.rule ? other.reasons : [`no rule for ${origin}, where this action also goes`];
    if (VERDICT_WEIGHT[other.verdict] > VERDICT_WEIGHT[strictest.verdict]) strictest = { ...other, reasons };
    else if (other.verdict === strictest.verdict && other.verdict !== 'allow') {
      strictest = { ...strictest, reasons: [...new Set([...strictest.reasons, ...reasons])] };
    }
  }
  return own.confirm ? { ...strictest, confirm: own.confirm } : strictest;
}

/**
 * High-risk actions: a purchase over the threshold, a send to a new recipient, a form posting
 * to another site, secret fields. The value to type is the amount, else the new recipient,
 * else the host the data goes to.
 */
export function confirmationFor(action: PolicyAction, threshold: Threshold, stats: PolicyStats): Confirmation | undefined {
  const reasons: string[] = [];
  const values: string[] = [];
  if (action.kind === 'purchase' && action.amount && overThreshold(action.amount, threshold)) {
    reasons.push(`the amount is over ${threshold.amount} ${threshold.currency}`);
    values.push(plainAmount(action.amount.value));
  }
  if (action.kind === 'purchase' && !action.amount) {
    reasons.push('the amount could not be read');
    values.push(hostOf(action.site) ?? action.site);
  }
  const fresh = action.kind === 'send' ? newRecipients(action, stats) : [];
  if (fresh.length) {
    reasons.push(`first send to ${fresh.join(', ')}`);
    values.push(fresh[0]!);
  }
  if (action.risks.includes('cross-origin-post')) {
    reasons.push('the form sends its data to another site');
    values.push(hostOf(action.formAction) ?? hostOf(action.site) ?? action.site);
  }
  if (action.risks.includes('sensitive-fields')) {
    reasons.push('it carries passwords, card numbers or codes');
    values.push(hostOf(action.site) ?? action.site);
  }
  return reasons.length ? { value: values[0]!, reasons } : undefined;
}

function plainAmount(value: number): string {
  return Number.isInteger(value) ? String(value) : value.toFixed(2);
}

function hostOf(url: string | undefined): string | undefined {
  try {
    return url ? new URL(url).host : undefined;
  } catch {
    return undefined;
  }
}

function newRecipients(action: PolicyAction, stats: PolicyStats): string[] {
  return (action.recipients ?? []).filter((recipient) => !stats.knownRecipients.has(recipient.toLowerCase()));
}

function mostSpecific(rules: readonly Rule[], action: PolicyAction): Rule | undefined {
  let best: { rule: Rule; score: number; weight: number } | undefined;
  for (const rule of rules) {
    const base = specificity(rule.pattern, action.site);
    if (base < 0) continue;
    const score = base + (rule.tabId !== undefined ? GRANT_BONUS : 0);
    const weight = VERDICT_WEIGHT[plainVerdict(levelFor(rule, action.kind))];
    if (!best || score > best.score || (score === best.score && weight > best.weight)) best = { rule, score, weight };
  }
  return best?.rule;
}

/** A tool the rule names outranks its level for the kind: the person named this very tool. */
function allowedTool(rule: Rule, action: PolicyAction): string | undefined {
  if (action.kind === 'unclassified' || !action.tool || action.tool.declarative) return undefined;
  return allowsTool(rule, action.tool.name) ? `tool ${action.tool.name}` : undefined;
}

/** An endpoint the rule names outranks its level for the kind: the person named this very request. */
function allowedEndpoint(rule: Rule, action: PolicyAction): string | undefined {
  if (action.kind === 'unclassified' || !action.formAction || !action.formMethod) return undefined;
  const destination = endpointOf({ method: action.formMethod, action: action.formAction });
  return destination && allowsEndpoint(rule, destination) ? destination.endpoint : undefined;
}

function plainVerdict(level: TrustLevel): Verdict {
  if (level === 'block') return 'block';
  return level === 'trust' ? 'allow' : 'ask';
}

function verdictFor(
  level: TrustLevel,
  action: PolicyAction,
  rule: Rule,
  settings: PolicySettings,
  stats: PolicyStats,
  endpoint?: string,
): { verdict: Verdict; reasons: string[] } {
  if (level === 'block') return { verdict: 'block', reasons: [`blocked by the rule for ${rule.pattern}`] };
  if (level === 'ask') return { verdict: 'ask', reasons: [`the rule for ${rule.pattern} asks`] };
  const always = alwaysAsk(action, rule, settings, stats);
  if (always.length) return { verdict: 'ask', reasons: always };
  if (level === 'ask-risky' && action.risks.includes('sensitive-fields')) {
    return { verdict: 'ask', reasons: ['it carries passwords, card numbers or codes'] };
  }
  const by = endpoint ? `${endpoint} allowed by the rule for` : 'allowed by the rule for';
  return { verdict: 'allow', reasons: [`${by} ${rule.pattern}`] };
}

/** Risks that ask even on a trusted site. */
function alwaysAsk(action: PolicyAction, rule: Rule, settings: PolicySettings, stats: PolicyStats): string[] {
  const reasons: string[] = [];
  if (action.risks.includes('cross-origin-post')) reasons.push('the form sends its data to another site');
  if (action.risks.includes('cross-origin-frame')) reasons.push('it comes from a frame of another site');
  if (action.descriptionUnreadable) reasons.push("Countersign could not read all of the page's description of it");
  if (action.tool?.consequential) reasons.push('the page marks this tool as consequential');
  const threshold = rule.threshold ?? settings.defaultThreshold;
  if (action.kind === 'purchase' && !action.amount) reasons.push('the amount could not be read');
  if (action.kind === 'purchase' && action.amount && overThreshold(action.amount, threshold)) {
    reasons.push(`the amount is over ${threshold.amount} ${threshold.currency}`);
  }
  const fresh = action.kind === 'send' ? newRecipients(action, stats) : [];
  if (fresh.length) reasons.push(`first send to ${fresh.join(', ')}`);
  return reasons;
}

/** An amount in another currency than the threshold's cannot be compared, so it counts as over. */
function overThreshold(amount: Amount, threshold: Threshold): boolean {
  return amount.currency !== threshold.currency || amount.value > threshold.amount;
}
