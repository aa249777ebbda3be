import { describe, expect, it } from 'vitest';
import type { Amount } from '@/lib/actions/types';
import { evaluate, evaluateAcross, type PolicyAction, type Verdict } from '@/lib/policy/evaluate';
import type { RiskReason } from '@/lib/policy/risk';
import { parsePattern, specificity, type Rule, type RuleSource, type TrustLevel } from '@/lib/policy/rules';

const NOW = 1_800_000_000_000;
const SITE = 'https://shop.example.com';

function rule(pattern: string, trust: TrustLevel, over: Partial<Rule> = {}): Rule {
  return { id: `${pattern}-${trust}-${over.createdBy ?? 'person'}`, pattern, trust, createdBy: 'person' as RuleSource, createdAt: 0, updatedAt: 0, applied: 0, ...over };
}

function action(over: Partial<PolicyAction> = {}): PolicyAction {
  return { kind: 'submit', site: SITE, tabId: 1, risks: [], ...over };
}

const usd = (value: number): Amount => ({ value, currency: 'USD', text: `$${value}` });
const settings = { defaultThreshold: { amount: 100, currency: 'USD' } };
const stats = { knownRecipients: new Set(['ada@example.com', '#general']) };

type Case = [string, Partial<PolicyAction>, Rule[], Verdict, string?];

const cases: Case[] = [
  // no rule
  ['no rule asks', {}, [], 'ask'],
  ['a rule for another site does not apply', {}, [rule('https://other.example', 'trust')], 'ask'],
  ['a domain rule for another domain does not apply', {}, [rule('*.other.example', 'block')], 'ask'],
  ['a domain rule does not match a look-alike host', { site: 'https://evilexample.com' }, [rule('*.example.com', 'trust')], 'ask'],
  ['http and https are different origins', { site: 'http://shop.example.com' }, [rule(SITE, 'trust')], 'ask'],
  ['ports make different origins', { site: 'https://shop.example.com:8443' }, [rule(SITE, 'trust')], 'ask'],
  // trust levels on the exact origin
  ['trust allows', {}, [rule(SITE, 'trust')], 'allow', SITE],
  ['block blocks', {}, [rule(SITE, 'block')], 'block', SITE],
  ['ask asks', {}, [rule(SITE, 'ask')], 'ask', SITE],
  ['ask-risky allows a plain action', {}, [rule(SITE, 'ask-risky')], 'allow', SITE],
  ['ask-risky asks for sensitive fields', { risks: ['sensitive-fields'] }, [rule(SITE, 'ask-risky')], 'ask'],
  ['ask-risky asks for a cross-origin post', { risks: ['cross-origin-post'] }, [rule(SITE, 'ask-risky')], 'ask'],
  ['ask-risky asks for a purchase over the threshold', { kind: 'purchase', amount: usd(500) }, [rule(SITE, 'ask-risky')], 'ask'],
  ['ask-risky allows a purchase under the threshold', { kind: 'purchase', amount: usd(20) }, [rule(SITE, 'ask-risky')], 'allow'],
  ['ask-risky asks for a send to a new recipient', { kind: 'send', recipients: ['eve@example.com'] }, [rule(SITE, 'ask-risky')], 'ask'],
  ['ask-risky allows a send to a known recipient', { kind: 'send', recipients: ['ada@example.com'] }, [rule(SITE, 'ask-risky')], 'allow'],
  ['known recipients compare without case', { kind: 'send', recipients: ['ADA@example.com'] }, [rule(SITE, 'ask-risky')], 'allow'],
  ['a send with one new among known recipients asks', { kind: 'send', recipients: ['ada@example.com', 'x@y.z'] }, [rule(SITE, 'trust')], 'ask'],
  // trust still asks for the always-ask risks
  ['trust allows sensitive fields', { risks: ['sensitive-fields'] }, [rule(SITE, 'trust')], 'allow'],
  ['trust asks for a cross-origin post', { risks: ['cross-origin-post'] }, [rule(SITE, 'trust')], 'ask'],
  ['trust asks for a purchase over the default threshold', { kind: 'purchase', amount: usd(100.01) }, [rule(SITE, 'trust')], 'ask'],
  ['trust allows a purchase at the threshold', { kind: 'purchase', amount: usd(100) }, [rule(SITE, 'trust')], 'allow'],
  ['a purchase whose amount cannot be read asks, even on a trusted site', { kind: 'purchase' }, [rule(SITE, 'trust')], 'ask'],
  ['trust allows a deletion', { kind: 'delete' }, [rule(SITE, 'trust')], 'allow'],
  ['a kind override asks for deletions on a trusted site', { kind: 'delete' }, [rule(SITE, 'trust', { kinds: { delete: 'ask' } })], 'ask'],
  ['an unreadable action asks, even on a trusted site', { kind: 'unclassified' }, [rule(SITE, 'trust')], 'ask'],
  ['an unreadable action is still blocked by a block rule', { kind: 'unclassified' }, [rule(SITE, 'block')], 'block'],
  ['an action whose description failed validation asks, even on a trusted site', { descriptionUnreadable: true }, [rule(SITE, 'trust')], 'ask'],
  ['trust asks for an action in a frame of another site', { risks: ['cross-origin-frame'] }, [rule(SITE, 'trust')], 'ask'],
  ['trust asks for a first send to a new recipient', { kind: 'send', recipients: ['new@example.com'] }, [rule(SITE, 'trust')], 'ask'],
  ['trust allows a send to a known channel', { kind: 'send', recipients: ['#general'] }, [rule(SITE, 'trust')], 'allow'],
  ['trust allows a send with no recipients', { kind: 'send' }, [rule(SITE, 'trust')], 'allow'],
  ['the threshold applies to purchases only', { kind: 'submit', amount: usd(5000) }, [rule(SITE, 'trust')], 'allow'],
  ['a site threshold replaces the default', { kind: 'purchase', amount: usd(400) }, [rule(SITE, 'trust', { threshold: { amount: 500, currency: 'USD' } })], 'allow'],
  ['over a site threshold asks', { kind: 'purchase', amount: usd(600) }, [rule(SITE, 'trust', { threshold: { amount: 500, currency: 'USD' } })], 'ask'],
  ['a zero threshold asks for every priced purchase', { kind: 'purchase', amount: usd(1) }, [rule(SITE, 'trust', { threshold: { amount: 0, currency: 'USD' } })], 'ask'],
  ['another currency than the threshold counts as over', { kind: 'purchase', amount: { value: 1, currency: 'EUR', text: '1 €' } }, [rule(SITE, 'trust')], 'ask'],
  ['a block rule blocks even with risks', { risks: ['cross-origin-post'] }, [rule(SITE, 'block')], 'block'],
  // per-kind overrides
  ['a kind override trusts purchases', { kind: 'purchase', amount: usd(10) }, [rule(SITE, 'ask', { kinds: { purchase: 'trust' } })], 'allow'],
  ['a kind override leaves other kinds to the site level', { kind: 'send' }, [rule(SITE, 'ask', { kinds: { purchase: 'trust' } })], 'ask'],
  ['a kind override blocks sends on a trusted site', { kind: 'send' }, [rule(SITE, 'trust', { kinds: { send: 'block' } })], 'block'],
  ['a kind override can ask-risky', { kind: 'submit', risks: ['sensitive-fields'] }, [rule(SITE, 'trust', { kinds: { submit: 'ask-risky' } })], 'ask'],
  ['a kind override for submit does not touch purchases', { kind: 'purchase' }, [rule(SITE, 'block', { kinds: { submit: 'trust' } })], 'block'],
  // specificity
  ['an exact origin beats a domain', {}, [rule('*.example.com', 'block'), rule(SITE, 'trust')], 'allow', SITE],
  ['an exact origin block beats a domain trust', {}, [rule('*.example.com', 'trust'), rule(SITE, 'block')], 'block', SITE],
  ['a longer domain beats a shorter one', {}, [rule('*.example.com', 'block'), rule('*.shop.example.com', 'trust')], 'allow', '*.shop.example.com'],
  ['a domain covers its apex host', { site: 'https://example.com' }, [rule('*.example.com', 'trust')], 'allow', '*.example.com'],
  ['a domain covers deep subdomains', { site: 'https://a.b.example.com' }, [rule('*.example.com', 'block')], 'block'],
  ['a domain covers any port and scheme', { site: 'http://shop.example.com:8080' }, [rule('*.example.com', 'trust')], 'allow'],
  // equal specificity
  ['at equal specificity block beats allow', {}, [rule(SITE, 'trust'), rule(SITE, 'block', { id: 'b' })], 'block'],
  ['at equal specificity block beats ask', {}, [rule(SITE, 'ask'), rule(SITE, 'block', { id: 'b' })], 'block'],
  ['at equal specificity ask beats allow', {}, [rule(SITE, 'trust'), rule(SITE, 'ask', { id: 'a' })], 'ask'],
  ['at equal specificity ask-risky wins over trust, and asks only when risky', { risks: ['sensitive-fields'] }, [rule(SITE, 'trust'), rule(SITE, 'ask-risky', { id: 'a' })], 'ask', SITE],
  ['equal domain rules: block wins', {}, [rule('*.example.com', 'trust'), rule('*.example.com', 'block', { id: 'b' })], 'block'],
  // managed
  ['a managed rule beats a person’s exact rule', {}, [rule(SITE, 'trust'), rule('*.example.com', 'block', { createdBy: 'managed' })], 'block', '*.example.com'],
  ['a managed trust beats a person’s block', {}, [rule(SITE, 'block'), rule(SITE, 'trust', { createdBy: 'managed', id: 'm' })], 'allow'],
  ['the most specific managed rule wins among managed', {}, [rule('*.example.com', 'block', { createdBy: 'managed' }), rule(SITE, 'trust', { createdBy: 'managed' })], 'allow'],
  ['a managed rule for another site leaves the person’s', {}, [rule('https://other.example', 'block', { createdBy: 'managed' }), rule(SITE, 'trust')], 'allow', SITE],
  ['a managed trust still asks for a cross-origin post', { risks: ['cross-origin-post'] }, [rule(SITE, 'trust', { createdBy: 'managed' })], 'ask'],
  // time-boxed grants
  ['a live grant for this tab allows', {}, [rule(SITE, 'trust', { tabId: 1, expiresAt: NOW + 1000 })], 'allow'],
  ['an expired grant does not apply', {}, [rule(SITE, 'trust', { tabId: 1, expiresAt: NOW })], 'ask'],
  ['a grant for another tab does not apply', {}, [rule(SITE, 'trust', { tabId: 2, expiresAt: NOW + 1000 })], 'ask'],
  ['a grant beats the site’s block rule', {}, [rule(SITE, 'block'), rule(SITE, 'trust', { tabId: 1, expiresAt: NOW + 1000, id: 'g' })], 'allow'],
  ['a grant does not beat a managed block', {}, [rule(SITE, 'block', { createdBy: 'managed' }), rule(SITE, 'trust', { tabId: 1, expiresAt: NOW + 1000, id: 'g' })], 'block'],
  ['a grant still asks for a cross-origin post', { risks: ['cross-origin-post'] }, [rule(SITE, 'trust', { tabId: 1, expiresAt: NOW + 1000 })], 'ask'],
  ['a grant still asks over the threshold', { kind: 'purchase', amount: usd(1000) }, [rule(SITE, 'trust', { tabId: 1, expiresAt: NOW + 1000 })], 'ask'],
  // risks that do not matter without a rule
  ['no rule asks even without risks', { kind: 'purchase', amount: usd(1) }, [], 'ask'],
];

describe('evaluate', () => {
  it('has a broad case table', () => expect(cases.length).toBeGreaterThanOrEqual(60));

  it.each(cases)('%s', (_name, over, rules, verdict, decidingPattern) => {
    const result = evaluate(action(over), rules, settings, stats, NOW);
    expect(result.verdict).toBe(verdict);
    expect(result.reasons.length).toBeGreaterThan(0);
    if (decidingPattern) expect(result.rule?.pattern).toBe(decidingPattern);
  });

  it('names the risks that made a trusted site ask', () => {
    const result = evaluate(
      action({ kind: 'purchase', amount: usd(900), risks: ['cross-origin-post'] as RiskReason[] }),
      [rule(SITE, 'trust')],
      settings,
      stats,
      NOW,
    );
    expect(result.reasons).toEqual(['the form sends its data to another site', 'the amount is over 100 USD']);
  });
});

describe('patterns', () => {
  it.each([
    ['https://shop.example.com', 'https://shop.example.com'],
    ['HTTPS://Shop.Example.com/', 'https://shop.example.com'],
    ['http://localhost:8080', 'http://localhost:8080'],
    ['*.example.com', '*.example.com'],
  ])('accepts %s as %s', (input, pattern) => expect(parsePattern(input)).toEqual({ pattern }));

  it.each(['shop.example.com', 'https://shop.example.com/path', '*.com', '*example.com', 'ftp://x.y', 'javascript:alert(1)', '', '*'])(
    'refuses %j',
    (input) => expect(parsePattern(input)).toHaveProperty('error'),
  );

  it.each([
    ['*.example.com', 'https://example.com', 2],
    ['*.shop.example.com', 'https://a.shop.example.com', 3],
    ['*.example.com', 'https://notexample.com', -1],
  ] as const)('specificity(%s, %s) = %i', (pattern, origin, expected) => {
    expect(specificity(pattern, origin)).toBe(expected);
  });

});

describe('evaluateAcross: a rule covers only the origins its pattern names', () => {
  const SHOP = 'https://shop.example';
  const CHARITY = 'https://charity.example';
  const across = (origins: string[], rules: Rule[], over: Partial<PolicyAction> = {}) =>
    evaluateAcross({ kind: 'submit', site: SHOP, tabId: 1, risks: [], ...over }, origins, rules, { defaultThreshold: { amount: 100, currency: 'USD' } }, { knownRecipients: new Set() }, 0);

  it.each([
    ['same origin everywhere, trusted', [SHOP, SHOP], [rule(SHOP, 'trust')], 'allow'],
    ['a frame of another site with no rule asks', [CHARITY], [rule(SHOP, 'trust')], 'ask'],
    ['a destination on another site with no rule asks', [SHOP, CHARITY], [rule(SHOP, 'trust')], 'ask'],
    ['both sites trusted allows', [CHARITY], [rule(SHOP, 'trust'), rule(CHARITY, 'trust')], 'allow'],
    ['the other site blocked blocks', [CHARITY], [rule(SHOP, 'trust'), rule(CHARITY, 'block')], 'block'],
    ['the tab site blocked blocks whatever the frame', [CHARITY], [rule(SHOP, 'block'), rule(CHARITY, 'trust')], 'block'],
    ['a wildcard naming both allows', [`https://pay.shop.example`], [rule('*.shop.example', 'trust')], 'allow'],
  ] as const)('%s', (_name, origins, rules, verdict) => {
    expect(across([...origins], [...rules]).verdict).toBe(verdict);
  });

  it('names the origin that had no rule', () => {
    expect(across([CHARITY], [rule(SHOP, 'trust')]).reasons).toContain(`no rule for ${CHARITY}, where this action also goes`);
  });
});

describe('endpoint rules: "Always allow POST /api/track on this site"', () => {
  const SHOP = 'https://shop.example';
  const track = (over: Partial<Rule> = {}) => rule(SHOP, 'ask', { endpoints: ['POST /api/track', 'PUT /api/cart/*'], ...over });
  const to = (url: string, method = 'POST', over: Partial<PolicyAction> = {}): PolicyAction =>
    action({ site: SHOP, formAction: url, formMethod: method, ...over });
  const across = (act: PolicyAction, rules: Rule[]) =>
    evaluateAcross(act, [SHOP, new URL(act.formAction!).origin], rules, settings, stats, NOW);

  it.each([
    ['the named endpoint passes on an asking site', to(`${SHOP}/api/track`), [track()], 'allow'],
    ['a query string does not matter', to(`${SHOP}/api/track?v=2`), [track()], 'allow'],
    ['a trailing * covers the rest of the path', to(`${SHOP}/api/cart/42`, 'PUT'), [track()], 'allow'],
    ['another method asks', to(`${SHOP}/api/track`, 'DELETE'), [track()], 'ask'],
    ['another path asks', to(`${SHOP}/api/track/more`), [track()], 'ask'],
    ['a prefix without * does not match', to(`${SHOP}/api/trackers`), [track()], 'ask'],
    ['the same path on another site asks', to('https://evil.example/api/track'), [track()], 'ask'],
    ['an unreadable action is never allowed', to(`${SHOP}/api/track`, 'POST', { kind: 'unclassified' }), [track()], 'ask'],
    ['the endpoint outranks a block of its kind', to(`${SHOP}/api/track`), [track({ trust: 'block' })], 'allow'],
    ['a managed rule for the site wins over the person’s endpoint', to(`${SHOP}/api/track`), [track(), rule(SHOP, 'block', { createdBy: 'managed' })], 'block'],
    ['an amount over the threshold still asks', to(`${SHOP}/api/track`, 'POST', { kind: 'purchase', amount: usd(500) }), [track()], 'ask'],
  ] as const)('%s', (_name, act, rules, verdict) => {
    expect(across(act, [...rules]).verdict).toBe(verdict);
  });

  it('says which endpoint let it through', () => {
    expect(across(to(`${SHOP}/api/track`), [track()]).reasons).toEqual([`POST /api/track allowed by the rule for ${SHOP}`]);
  });
});

