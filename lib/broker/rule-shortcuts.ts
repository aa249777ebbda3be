import type { AuthenticationResponseJSON } from '@simplewebauthn/server';
import type { ActionStore } from '@/lib/db/store';
import type { DecideReply, RuleChangeReply, Verdict } from '@/lib/messaging/protocol';
import { endpointOf, grantsTrust, parseToolName, type RuleKind } from '@/lib/policy/rules';
import { parseRuleSpec, parseRulesFile } from '@/lib/policy/rules-file';
import type { Decisions } from './decisions';
import type { BrokerPlatform } from './platform';
import type { RuleBook } from './rulebook';
import { refused } from '@/lib/messaging/refusals';

export const GRANT_TIMER = 'grant:';

export interface RuleShortcutDeps {
  store: ActionStore;
  platform: BrokerPlatform;
  rules: RuleBook;
  decisions: Decisions;
  claim(id: string, verdict: Verdict): Promise<DecideReply>;
  /** Why approvals are paused for fatigue, or null. */
  fatiguePaused(): Promise<DecideReply | undefined>;
  /** The passkey, when one is registered, before anything that grants trust. */
  trustProof(passkey: AuthenticationResponseJSON | undefined): Promise<DecideReply>;
}

/**
 * Rules made by the person: from a card ("Always allow", an endpoint, a tool, a grant), from the
 * Sites view and a rules file, from suggestions; and the administrator's managed rules.
 */
export class RuleShortcuts {
  private lastManaged: string | null = null;

  constructor(private readonly deps: RuleShortcutDeps) {}

  /** "Always allow/block <kind> on <site>": the rule decides from the next action; this one is the person's. */
  async always(id: string, level: 'trust' | 'block', passkey?: AuthenticationResponseJSON): Promise<DecideReply> {
    const record = await this.deps.store.get(id);
    if (record?.status !== 'pending') return refused('alreadyDecided');
    if (record.kind === 'unclassified') return refused('unreadableNoRule');
    if (record.kind === 'question') return refused('questionsNoRule');
    const kind = record.kind;
    if (level === 'trust') return this.deps.decisions.byShortcut(record, passkey, () => this.deps.rules.setKindLevel(record.site, kind, 'trust', 'person'));
    const claim = await this.deps.claim(id, 'reject');
    if (!claim.ok) return claim;
    await this.deps.rules.setKindLevel(record.site, kind, 'block', 'person');
    return this.deps.decisions.reject(id, `${kind} blocked on this site`, { claim: false });
  }

  /** "Always allow POST /api/track on <site>": for an action whose destination is on its own site. */
  async allowEndpoint(id: string, passkey?: AuthenticationResponseJSON): Promise<DecideReply> {
    const record = await this.deps.store.get(id);
    if (record?.status !== 'pending') return refused('alreadyDecided');
    if (record.kind === 'unclassified') return refused('unreadableNoRule');
    const destination = record.form ? endpointOf(record.form) : undefined;
    if (!destination || destination.origin !== record.site) {
      return refused('endpointOffSite');
    }
    return this.deps.decisions.byShortcut(record, passkey, () => this.deps.rules.allowEndpoint(record.site, destination.endpoint, 'person'));
  }

  /** "Always allow tool get_price on <site>": for a call of one of the page's own WebMCP tools. */
  async allowTool(id: string, passkey?: AuthenticationResponseJSON): Promise<DecideReply> {
    const record = await this.deps.store.get(id);
    if (record?.status !== 'pending') return refused('alreadyDecided');
    if (record.kind === 'unclassified') return refused('unreadableNoRule');
    const tool = record.tool && !record.tool.declarative ? parseToolName(record.tool.name) : undefined;
    if (!tool || 'error' in tool) return refused('toolUnnamed');
    return this.deps.decisions.byShortcut(record, passkey, () => this.deps.rules.allowTool(record.site, tool.tool, 'person'));
  }

  /** Trust this site in this tab for a while, starting with this action. */
  async grant(id: string, durationMs: number, passkey?: AuthenticationResponseJSON): Promise<DecideReply> {
    return this.deps.decisions.byShortcut(await this.deps.store.get(id), passkey, async (record) => {
      const expiresAt = this.deps.platform.now() + durationMs;
      const rule = await this.deps.rules.grant(record.site, record.tabId, expiresAt);
      this.deps.platform.setTimer(`${GRANT_TIMER}${rule.id}`, expiresAt);
    });
  }

  async saveRule(id: string | undefined, spec: unknown, passkey?: AuthenticationResponseJSON): Promise<RuleChangeReply> {
    const parsed = parseRuleSpec(spec);
    if ('rule' in parsed && grantsTrust(parsed.rule)) {
      const proof = await this.deps.trustProof(passkey);
      if (!proof.ok) return { ok: false, errors: [proof.error] };
    }
    const reply = await this.deps.rules.save(id, spec);
    return reply;
  }

  async importRules(text: string, passkey?: AuthenticationResponseJSON): Promise<RuleChangeReply> {
    const parsed = parseRulesFile(text);
    if ('rules' in parsed && parsed.rules.some(grantsTrust)) {
      const proof = await this.deps.trustProof(passkey);
      if (!proof.ok) return { ok: false, errors: [proof.error] };
    }
    const reply = await this.deps.rules.import(text);
    return reply;
  }

  /**
   * Brings managed rules in line with `storage.managed`. Policies can arrive after the
   * worker starts without a change event, so this runs before each evaluation too.
   */
  async syncManaged(): Promise<string[]> {
    const managed = await this.deps.platform.managedRules().catch(() => undefined);
    const text = JSON.stringify(managed ?? null);
    if (text === this.lastManaged) return [];
    this.lastManaged = text;
    const problems = await this.deps.rules.syncManaged(managed);
    return problems;
  }

  async listRules() {
    await this.syncManaged();
    return this.deps.rules.list();
  }

  async suggestions() {
    return this.deps.rules.suggestions(await this.deps.store.recent(500), await this.deps.store.settings());
  }

  async answerSuggestion(site: string, kind: RuleKind, accept: boolean, passkey?: AuthenticationResponseJSON): Promise<DecideReply> {
    if (accept) {
      // Trusting a site is an approval of everything to come: not during a fatigue pause.
      const paused = await this.deps.fatiguePaused();
      if (paused) return paused;
      const proof = await this.deps.trustProof(passkey);
      if (!proof.ok) return proof;
      await this.deps.rules.setKindLevel(site, kind, 'trust', 'suggestion');
    } else {
      const settings = await this.deps.store.settings();
      const key = `${site} ${kind}`;
      if (!settings.silencedSuggestions.includes(key)) {
        await this.deps.store.saveSettings({ ...settings, silencedSuggestions: [...settings.silencedSuggestions, key] });
      }
    }
    return { ok: true };
  }

  async deleteRule(id: string): Promise<RuleChangeReply> {
    const reply = await this.deps.rules.remove(id);
    return reply;
  }
}
