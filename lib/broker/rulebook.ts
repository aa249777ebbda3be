import type { ActionRecord, Settings } from '@/lib/db/schema';
import type { ActionStore } from '@/lib/db/store';
import type { RuleChangeReply, Suggestion } from '@/lib/messaging/protocol';
import { UNREADABLE_DESCRIPTION } from '@/lib/messaging/validate';
import { evaluateAcross, type PolicyResult } from '@/lib/policy/evaluate';
import { originOf } from '@/lib/policy/risk';
import type { Rule, RuleKind, RuleSource, RuleSpec, TrustLevel } from '@/lib/policy/rules';
import { exportRules, parseRuleSpec, parseRulesFile, type RulesFile } from '@/lib/policy/rules-file';

const HISTORY_FOR_STATS = 500;

export interface RuleClock {
  now(): number;
  newId(): string;
}

/** Per-site trust rules: the person's, the administrator's (managed), and time-boxed grants. */
export class RuleBook {
  constructor(
    private readonly store: ActionStore,
    private readonly clock: RuleClock,
  ) {}

  list(): Promise<Rule[]> {
    return this.store.rules();
  }

  async evaluate(record: ActionRecord, settings: Settings): Promise<PolicyResult> {
    const [rules, history] = await Promise.all([
      this.store.rules(),
      this.store.siteHistory(record.site, HISTORY_FOR_STATS),
    ]);
    const knownRecipients = new Set(
      history
        .filter((past) => past.kind === 'send' && past.status === 'approved' && past.deliveredAt !== undefined)
        .flatMap((past) => past.recipients ?? [])
        .map((recipient) => recipient.toLowerCase()),
    );
    // The frame's origin and the destination's are judged on their own rules too.
    const origins = [originOf(record.frameUrl), record.form ? originOf(record.form.action) : null];
    return evaluateAcross(
      {
        kind: record.kind,
        site: record.site,
        tabId: record.tabId,
        risks: record.risks,
        amount: record.amount,
        recipients: record.recipients,
        formAction: record.form?.action,
        formMethod: record.form?.asMethod ?? record.form?.method,
        descriptionUnreadable: record.unreadable?.some((note) => note.startsWith(UNREADABLE_DESCRIPTION)),
        ...(record.tool ? { tool: record.tool } : {}),
      },
      origins.filter((origin): origin is string => origin !== null),
      rules,
      { defaultThreshold: settings.defaultThreshold },
      { knownRecipients },
      this.clock.now(),
    );
  }

  async noteApplied(rule: Rule): Promise<void> {
    await this.store.putRule({ ...rule, applied: rule.applied + 1, lastApplied: this.clock.now() });
  }

  /** "Always allow/block <kind> on <site>": sets that kind on the site's own rule. */
  async setKindLevel(site: string, kind: RuleKind, level: TrustLevel, source: RuleSource): Promise<Rule> {
    const own = await this.ownRule(site);
    const now = this.clock.now();
    const rule: Rule = own
      ? { ...own, kinds: { ...own.kinds, [kind]: level }, updatedAt: now }
      : { ...this.fresh({ pattern: site, trust: 'ask', kinds: { [kind]: level } }, source), createdAt: now };
    await this.store.putRule(rule);
    return rule;
  }

  /** "Always allow POST /api/track on <site>": adds the endpoint to the site's own rule. */
  async allowEndpoint(site: string, endpoint: string, source: RuleSource): Promise<Rule> {
    const own = await this.ownRule(site);
    const now = this.clock.now();
    const endpoints = [...new Set([...(own?.endpoints ?? []), endpoint])];
    const rule: Rule = own
      ? { ...own, endpoints, updatedAt: now }
      : this.fresh({ pattern: site, trust: 'ask', endpoints }, source);
    await this.store.putRule(rule);
    return rule;
  }

  /** "Always allow tool get_price on <site>": adds the tool to the site's own rule. */
  async allowTool(site: string, tool: string, source: RuleSource): Promise<Rule> {
    const own = await this.ownRule(site);
    const tools = [...new Set([...(own?.tools ?? []), tool])];
    const rule: Rule = own ? { ...own, tools, updatedAt: this.clock.now() } : this.fresh({ pattern: site, trust: 'ask', tools }, source);
    await this.store.putRule(rule);
    return rule;
  }

  /** Trust one site in one tab until `expiresAt`. */
  async grant(site: string, tabId: number, expiresAt: number): Promise<Rule> {
    const rule: Rule = { ...this.fresh({ pattern: site, trust: 'trust', note: 'time-boxed grant' }, 'person'), tabId, expiresAt };
    await this.store.putRule(rule);
    return rule;
  }

  async expireGrant(id: string): Promise<boolean> {
    const rule = (await this.store.rules()).find((candidate) => candidate.id === id);
    if (!rule || rule.expiresAt === undefined || rule.expiresAt > this.clock.now()) return false;
    await this.store.deleteRule(id);
    return true;
  }

  async save(id: string | undefined, input: unknown): Promise<RuleChangeReply> {
    const parsed = parseRuleSpec(input);
    if ('errors' in parsed) return { ok: false, errors: parsed.errors };
    const existing = id ? (await this.store.rules()).find((rule) => rule.id === id) : undefined;
    if (id && !existing) return { ok: false, errors: ['this rule no longer exists'] };
    if (existing?.createdBy === 'managed') return { ok: false, errors: ['managed rules are set by your administrator'] };
    const rule: Rule = existing
      ? { ...stripSpec(existing), ...parsed.rule, updatedAt: this.clock.now() }
      : this.fresh(parsed.rule, 'person');
    await this.store.putRule(rule);
    return { ok: true };
  }

  async remove(id: string): Promise<RuleChangeReply> {
    const rule = (await this.store.rules()).find((candidate) => candidate.id === id);
    if (!rule) return { ok: false, errors: ['this rule no longer exists'] };
    if (rule.createdBy === 'managed') return { ok: false, errors: ['managed rules are set by your administrator'] };
    await this.store.deleteRule(id);
    return { ok: true };
  }

  /** All or nothing: a file with any error changes no rule. Same pattern replaces the person's rule. */
  async import(text: string): Promise<RuleChangeReply> {
    const parsed = parseRulesFile(text);
    if ('errors' in parsed) return { ok: false, errors: parsed.errors };
    const existing = await this.store.rules();
    const now = this.clock.now();
    const rules = parsed.rules.map((spec) => {
      const own = existing.find((rule) => rule.pattern === spec.pattern && rule.createdBy !== 'managed' && rule.expiresAt === undefined);
      return own ? { ...stripSpec(own), ...spec, createdBy: 'import' as const, updatedAt: now } : this.fresh(spec, 'import');
    });
    await this.store.putRules(rules);
    return { ok: true };
  }

  async export(): Promise<RulesFile> {
    return exportRules(await this.store.rules(), new Date(this.clock.now()));
  }

  /** The administrator's rules from `storage.managed`; invalid entries are skipped, never half-applied. */
  async syncManaged(managed: unknown): Promise<string[]> {
    const entries = Array.isArray(managed) ? managed : [];
    const errors: string[] = [];
    const now = this.clock.now();
    const rules: Rule[] = [];
    entries.forEach((entry, index) => {
      const parsed = parseRuleSpec(entry, `managed rules[${index}]`);
      if ('errors' in parsed) errors.push(...parsed.errors);
      else rules.push({ ...parsed.rule, id: `managed:${parsed.rule.pattern}`, createdBy: 'managed', createdAt: now, updatedAt: now, applied: 0 });
    });
    const previous = new Map((await this.store.rules()).filter((r) => r.createdBy === 'managed').map((r) => [r.id, r]));
    await this.store.replaceManagedRules(
      rules.map((rule) => {
        const before = previous.get(rule.id);
        return before ? { ...rule, createdAt: before.createdAt, applied: before.applied, lastApplied: before.lastApplied } : rule;
      }),
    );
    return errors;
  }

  /** Sites and kinds where the last `settings.suggestAfter` decisions were unedited approvals. */
  async suggestions(recent: ActionRecord[], settings: Settings): Promise<Suggestion[]> {
    const rules = await this.store.rules();
    const runs = new Map<string, { site: string; kind: RuleKind; approvals: number; broken: boolean }>();
    for (const record of recent) {
      if (record.decidedBy !== 'person' || record.kind === 'unclassified') continue;
      const key = `${record.site} ${record.kind}`;
      const run = runs.get(key) ?? { site: record.site, kind: record.kind as RuleKind, approvals: 0, broken: false };
      if (!run.broken) {
        if (record.status === 'approved' && !record.edits) run.approvals++;
        else run.broken = true;
      }
      runs.set(key, run);
    }
    return [...runs.entries()]
      .filter(([key, run]) => run.approvals >= settings.suggestAfter && !settings.silencedSuggestions.includes(key))
      .filter(([, run]) => !rules.some((rule) => rule.pattern === run.site && rule.kinds?.[run.kind] === 'trust'))
      .map(([, { site, kind, approvals }]) => ({ site, kind, approvals }));
  }

  /** The person's lasting rule for exactly this pattern, which shortcuts amend. */
  private async ownRule(pattern: string): Promise<Rule | undefined> {
    return (await this.store.rules()).find((rule) => rule.pattern === pattern && rule.createdBy !== 'managed' && rule.expiresAt === undefined);
  }

  private fresh(spec: RuleSpec, source: RuleSource): Rule {
    const now = this.clock.now();
    return { ...spec, id: this.clock.newId(), createdBy: source, createdAt: now, updatedAt: now, applied: 0 };
  }
}

const SPEC_KEYS = ['pattern', 'trust', 'kinds', 'threshold', 'endpoints', 'tools', 'note'] as const;

/** A rule without its spec fields, so a new spec replaces them whole (a removed threshold goes). */
function stripSpec(rule: Rule): Omit<Rule, keyof RuleSpec> {
  const rest: Partial<Rule> = { ...rule };
  for (const key of SPEC_KEYS) delete rest[key];
  return rest as Omit<Rule, keyof RuleSpec>;
}
