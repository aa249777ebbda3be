import { describe, expect, it } from 'vitest';
import { RuleBook } from '@/lib/broker/rulebook';
import { openCountersignDb } from '@/lib/db/open';
import { DEFAULT_SETTINGS, type ActionRecord } from '@/lib/db/schema';
import { ActionStore } from '@/lib/db/store';
import { exportRules, parseRulesFile } from '@/lib/policy/rules-file';
import { allowsEndpoint, endpointOf, parseEndpoint } from '@/lib/policy/rules';
import { proposal } from './helpers';

let dbCounter = 0;

async function setup() {
  const store = new ActionStore(await openCountersignDb(`rules-${dbCounter++}`));
  let ids = 0;
  let now = 1000;
  const clock = { now: () => now, newId: () => `r${++ids}`, advance: (ms: number) => (now += ms) };
  return { store, clock, book: new RuleBook(store, clock) };
}

const file = (rules: unknown[], over: object = {}) =>
  JSON.stringify({ schema: 'countersign-rules', version: 1, exportedAt: '2026-11-21T00:00:00Z', rules, ...over });

describe('rules file', () => {
  it('reads a valid file and normalises patterns', () => {
    expect(parseRulesFile(file([{ pattern: 'HTTPS://Shop.Example/', trust: 'trust', kinds: { send: 'block' } }]))).toEqual({
      rules: [{ pattern: 'https://shop.example', trust: 'trust', kinds: { send: 'block' } }],
    });
  });

  it.each([
    ['not JSON', '{', /not JSON/],
    ['a list instead of an object', '[]', /JSON object/],
    ['a wrong schema', file([], { schema: 'other' }), /schema/],
    ['a newer version', file([], { version: 2 }), /version: expected 1/],
    ['rules that are not a list', file([], { rules: {} }), /rules: expected a list/],
    ['a bad pattern', file([{ pattern: 'shop.example', trust: 'trust' }]), /rules\[0\]\.pattern/],
    ['a bad trust level', file([{ pattern: 'https://a.example', trust: 'always' }]), /rules\[0\]\.trust/],
    ['an unknown kind', file([{ pattern: 'https://a.example', trust: 'ask', kinds: { refund: 'trust' } }]), /kinds\.refund/],
    ['a negative threshold', file([{ pattern: 'https://a.example', trust: 'ask', threshold: { amount: -1, currency: 'USD' } }]), /threshold/],
    ['an unknown field', file([{ pattern: 'https://a.example', trust: 'ask', createdBy: 'managed' }]), /createdBy: unknown field/],
    ['an endpoint without a method', file([{ pattern: 'https://a.example', trust: 'ask', endpoints: ['/api/track'] }]), /endpoints\[0\]: must be a method and a path/],
    ['an endpoint that reads', file([{ pattern: 'https://a.example', trust: 'ask', endpoints: ['GET /feed'] }]), /endpoints\[0\]/],
    ['an endpoint with a full URL', file([{ pattern: 'https://a.example', trust: 'ask', endpoints: ['POST https://b.example/x'] }]), /endpoints\[0\]/],
    ['a star inside an endpoint', file([{ pattern: 'https://a.example', trust: 'ask', endpoints: ['POST /a/*/b'] }]), /endpoints\[0\]/],
    ['endpoints that are not a list', file([{ pattern: 'https://a.example', trust: 'ask', endpoints: 'POST /x' }]), /endpoints: expected a list/],
    ['a hostile note', file([{ pattern: 'https://a.example', trust: 'ask', note: 'x'.repeat(5000) }]), /note/],
  ])('refuses %s with a clear reason', (_name, text, reason) => {
    const parsed = parseRulesFile(text);
    expect(parsed).toHaveProperty('errors');
    expect((parsed as { errors: string[] }).errors.join('\n')).toMatch(reason);
  });

  it('reads endpoints, normalising the method and dropping repeats', () => {
    expect(parseRulesFile(file([{ pattern: 'https://a.example', trust: 'ask', endpoints: ['post /api/track', 'POST /api/track', ' DELETE  /api/items/* '] }]))).toEqual({
      rules: [{ pattern: 'https://a.example', trust: 'ask', endpoints: ['POST /api/track', 'DELETE /api/items/*'] }],
    });
  });

  it('lists every problem, not just the first', () => {
    const parsed = parseRulesFile(file([{ pattern: 'x', trust: 'y' }, { pattern: 'https://ok.example', trust: 'ask' }, 5]));
    expect((parsed as { errors: string[] }).errors).toEqual([
      'rules[0].pattern: must be an origin like https://shop.example or a domain like *.example.com',
      'rules[0].trust: expected one of block, ask, ask-risky, trust',
      'rules[2]: expected an object',
    ]);
  });

  it('round-trips through export, leaving out managed rules and grants', () => {
    const base = { createdAt: 0, updatedAt: 0, applied: 3 };
    const exported = exportRules(
      [
        { ...base, id: '1', pattern: 'https://a.example', trust: 'trust', createdBy: 'person', threshold: { amount: 50, currency: 'EUR' }, endpoints: ['POST /t'] },
        { ...base, id: '2', pattern: '*.corp.example', trust: 'block', createdBy: 'managed' },
        { ...base, id: '3', pattern: 'https://b.example', trust: 'trust', createdBy: 'person', tabId: 4, expiresAt: 9 },
      ],
      new Date(0),
    );
    expect(parseRulesFile(JSON.stringify(exported))).toEqual({
      rules: [{ pattern: 'https://a.example', trust: 'trust', threshold: { amount: 50, currency: 'EUR' }, endpoints: ['POST /t'] }],
    });
  });
});

describe('RuleBook', () => {
  it('imports all or nothing', async () => {
    const { book } = await setup();
    expect(await book.import(file([{ pattern: 'https://a.example', trust: 'trust' }]))).toEqual({ ok: true });
    const before = await book.list();
    const reply = await book.import(file([{ pattern: 'https://b.example', trust: 'trust' }, { pattern: 'bad', trust: 'trust' }]));
    expect(reply.ok).toBe(false);
    expect(await book.list()).toEqual(before);
  });

  it('replaces the person’s rule for the same pattern on import, keeping its counters', async () => {
    const { book } = await setup();
    await book.save(undefined, { pattern: 'https://a.example', trust: 'block' });
    const [saved] = await book.list();
    await book.noteApplied(saved!);
    await book.import(file([{ pattern: 'https://a.example', trust: 'trust' }]));
    const rules = await book.list();
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({ pattern: 'https://a.example', trust: 'trust', applied: 1, createdBy: 'import' });
  });

  it('keeps managed rules locked', async () => {
    const { book } = await setup();
    expect(await book.syncManaged([{ pattern: '*.corp.example', trust: 'block' }, { pattern: 'nope' }])).toHaveLength(2);
    const [managed] = await book.list();
    expect(managed).toMatchObject({ createdBy: 'managed', pattern: '*.corp.example' });
    expect((await book.remove(managed!.id)).ok).toBe(false);
    expect((await book.save(managed!.id, { pattern: '*.corp.example', trust: 'trust' })).ok).toBe(false);
    await book.syncManaged([]);
    expect(await book.list()).toEqual([]);
  });

  it('sets one kind on the site’s own rule for “Always allow/block”', async () => {
    const { book } = await setup();
    await book.setKindLevel('https://a.example', 'send', 'trust', 'person');
    await book.setKindLevel('https://a.example', 'purchase', 'block', 'person');
    const rules = await book.list();
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({ trust: 'ask', kinds: { send: 'trust', purchase: 'block' } });
  });

  it('adds an endpoint to the site’s own rule, once, keeping its levels', async () => {
    const { book } = await setup();
    await book.setKindLevel('https://a.example', 'send', 'trust', 'person');
    await book.allowEndpoint('https://a.example', 'POST /api/track', 'person');
    await book.allowEndpoint('https://a.example', 'POST /api/track', 'person');
    const rules = await book.list();
    expect(rules).toHaveLength(1);
    expect(rules[0]).toMatchObject({ trust: 'ask', kinds: { send: 'trust' }, endpoints: ['POST /api/track'] });
  });

  it('expires a grant only once its time has come', async () => {
    const { book, clock } = await setup();
    const grant = await book.grant('https://a.example', 3, clock.now() + 5000);
    expect(await book.expireGrant(grant.id)).toBe(false);
    clock.advance(5000);
    expect(await book.expireGrant(grant.id)).toBe(true);
    expect(await book.list()).toEqual([]);
  });

  it('suggests a rule after N unedited approvals in a row, and never after an edit or a rejection', async () => {
    const { book } = await setup();
    const decided = (status: ActionRecord['status'], over: Partial<ActionRecord> = {}): ActionRecord => ({
      ...proposal({ kind: 'send' }),
      tabId: 1,
      frameId: 0,
      tabUrl: 'https://a.example/',
      tabTitle: '',
      site: 'https://a.example',
      status,
      decidedBy: 'person',
      createdAt: 0,
      risks: [],
      ...over,
    });
    const settings = { ...DEFAULT_SETTINGS, suggestAfter: 3 };
    const run = [decided('approved'), decided('approved'), decided('approved'), decided('rejected')];
    expect(await book.suggestions(run, settings)).toEqual([{ site: 'https://a.example', kind: 'send', approvals: 3 }]);
    const edited = [decided('approved'), decided('approved', { edits: [{ label: 'a', before: 'b', after: 'c' }] }), decided('approved')];
    expect(await book.suggestions(edited, settings)).toEqual([]);
    expect(await book.suggestions(run, { ...settings, silencedSuggestions: ['https://a.example send'] })).toEqual([]);
    await book.setKindLevel('https://a.example', 'send', 'trust', 'suggestion');
    expect(await book.suggestions(run, settings)).toEqual([]);
  });
});

describe('endpoints routed by their query', () => {
  const destination = (url: string, method = 'post') => endpointOf({ method, action: url })!;

  it('names the routes a URL carries, and only those, in the endpoint a card offers', () => {
    expect(destination('https://db.example/index.php?route=/sql&db=shop&table=orders').endpoint).toBe('POST /index.php?route=/sql');
    expect(destination('https://wiki.example/w/api.php?action=stashedit&format=json').endpoint).toBe('POST /w/api.php?action=stashedit');
    expect(destination('https://shop.example/api/cart?id=4').endpoint).toBe('POST /api/cart');
    expect(destination('https://shop.example/issues/9', 'post')).toMatchObject({ method: 'POST' });
    expect(endpointOf({ method: 'post', asMethod: 'DELETE', action: 'https://shop.example/issues/9' })?.endpoint).toBe('DELETE /issues/9');
  });

  it('parses a query in a rule, and matches it against the request’s parameters', () => {
    expect(parseEndpoint('post /index.php?route=/lint')).toEqual({ endpoint: 'POST /index.php?route=/lint' });
    expect(parseEndpoint('POST /index.php?route=/lint#x')).toHaveProperty('error');
    const rule = { pattern: 'https://db.example', trust: 'ask' as const, endpoints: ['POST /index.php?route=/lint'] };
    expect(allowsEndpoint(rule, destination('https://db.example/index.php?route=/lint&db=shop'))).toBe(true);
    expect(allowsEndpoint(rule, destination('https://db.example/index.php?route=/sql'))).toBe(false);
    expect(allowsEndpoint(rule, destination('https://db.example/index.php'))).toBe(false);
    expect(allowsEndpoint(rule, destination('https://db.example/index.php?route=/lint', 'put'))).toBe(false);
    const plain = { ...rule, endpoints: ['POST /index.php'] };
    expect(allowsEndpoint(plain, destination('https://db.example/index.php?route=/sql'))).toBe(true); // no query: any
  });
});
