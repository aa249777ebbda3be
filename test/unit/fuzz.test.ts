import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { handleContentRequest, handlePanelRequest, dropped } from '@/lib/broker/router';
import { Broker } from '@/lib/broker/broker';
import { RuleBook } from '@/lib/broker/rulebook';
import { openCountersignDb } from '@/lib/db/open';
import { ActionStore } from '@/lib/db/store';
import { CONTENT_MESSAGES, PANEL_MESSAGES } from '@/lib/messaging/messages';
import { parseDecisionReply, parseProposedAction } from '@/lib/messaging/validate';
import { parseRulesFile } from '@/lib/policy/rules-file';
import { parseContentRequest, parsePanelRequest, proposal } from './helpers';

const RUNS = 10_000;

// Arbitrary JSON-like values, biased toward the shapes the message table accepts: every
// message type it knows, with every key any of its schemas reads.
const TABLE = { ...PANEL_MESSAGES, ...CONTENT_MESSAGES };
const MESSAGE_KEYS = [...new Set(Object.values(TABLE).flatMap((schema) => Object.keys(schema.entries)))];
const anyValue = fc.oneof(
  fc.anything(),
  fc.jsonValue(),
  fc.record(
    {
      ...Object.fromEntries(MESSAGE_KEYS.map((key) => [key, fc.anything()])),
      type: fc.constantFrom(...Object.keys(TABLE), 'drop-database', '__proto__'),
    },
    { requiredKeys: ['type'] },
  ),
  fc.record({ ...Object.fromEntries(Object.keys(proposal()).map((key) => [key, fc.anything()])) }),
);

describe('validators under fuzzing', () => {
  it(`never throw, and accept only well-formed messages (${RUNS} inputs)`, () => {
    fc.assert(
      fc.property(anyValue, (value) => {
        const content = parseContentRequest(value);
        const panel = parsePanelRequest(value);
        const action = parseProposedAction(value);
        parseDecisionReply(value);
        // Whatever passed is plain data: it survives a JSON round trip unchanged.
        for (const parsed of [content, panel, action]) {
          if (parsed) expect(JSON.parse(JSON.stringify(parsed))).toEqual(parsed);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it('keep a corrupted field exactly when the junk is still valid, or leave it out and say so', () => {
    const valid = proposal();
    fc.assert(
      fc.property(fc.constantFrom(...Object.keys(valid)), fc.oneof(fc.integer(), fc.object(), fc.constant(null), fc.string({ minLength: 5000, maxLength: 9000 })), (key, junk) => {
        const corrupted = { ...valid, [key]: junk };
        const parsed = parseProposedAction(corrupted);
        if (key === 'id') {
          expect(parsed).toBeNull(); // junk ids never pass the pattern
        } else if (key !== 'heldAt' && key !== 'signals') {
          // (heldAt is then taken from the background; signals are checked by it)
          expect(parsed).not.toBeNull();
          const kept = parsed![key as keyof typeof parsed];
          if (JSON.stringify(kept) !== JSON.stringify(junk)) expect(parsed!.unreadable?.join(' ')).toMatch(/description of/);
        }
      }),
      { numRuns: 2_000 },
    );
    expect(parseProposedAction(valid)).toEqual(valid);
  });
});

describe('the rules importer under fuzzing', () => {
  it(`never throws on text, and a refused file changes no rule (${RUNS} inputs)`, async () => {
    const store = new ActionStore(await openCountersignDb('fuzz-rules'));
    let ids = 0;
    const book = new RuleBook(store, { now: () => 1, newId: () => `r${ids++}` });
    await book.save(undefined, { pattern: 'https://keep.example', trust: 'block' });
    const before = await book.list();
    const file = (rules: unknown) => JSON.stringify({ schema: 'countersign-rules', version: 1, rules });
    const texts = fc.oneof(
      fc.string(),
      fc.jsonValue().map((value) => JSON.stringify(value)),
      fc.array(fc.record({ pattern: fc.oneof(fc.string(), fc.webUrl()), trust: fc.oneof(fc.string(), fc.constantFrom('block', 'trust')), kinds: fc.anything(), threshold: fc.anything(), note: fc.anything() })).map(file),
    );
    // Parsing is pure: fuzz it hard.
    fc.assert(fc.property(texts, (text) => void parseRulesFile(text)), { numRuns: RUNS });
    // Importing writes: fewer runs, each checked against the store.
    await fc.assert(
      fc.asyncProperty(texts, async (text) => {
        const parsed = parseRulesFile(text);
        const reply = await book.import(text);
        expect(reply.ok).toBe(!('errors' in parsed));
        if (!reply.ok) expect(await book.list()).toEqual(before);
        else {
          // Valid imports are undone so every run starts from the same rules.
          for (const rule of await book.list()) if (!before.some((kept) => kept.id === rule.id)) await book.remove(rule.id);
          await book.save(before[0]!.id, { pattern: 'https://keep.example', trust: 'block' });
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('the router under fuzzing', () => {
  it('refuses and counts malformed messages with a typed error, storing nothing', async () => {
    const db = await openCountersignDb('fuzz-router');
    const store = new ActionStore(db);
    const platform = {
      debuggerTabs: async () => new Set<number>(),
      armedTabs: async () => new Set<number>(),
      setArmedTabs: async () => undefined,
      openTabs: async () => new Set([1]),
      sendToFrame: async () => ({ delivered: true }),
      injectDescriber: async () => undefined,
      sendToTab: async () => undefined,
      setBadge: async () => undefined,
      notifyHeld: async () => undefined,
      watchNavigation: () => undefined,
      watchNavigationRequests: () => undefined,
      notifyPanels: () => undefined,
      captureTab: async () => 'background' as const,
      agentTab: async () => null,
      managedRules: async () => undefined,
      managedPasskeyScopes: async () => undefined,
      managedTeam: async () => undefined,
      managedWebhook: async () => undefined,
      post: async () => ({ ok: true, status: 200 }),
      setTimer: () => undefined,
      newId: () => 'id',
      now: () => 1,
      sleep: async () => undefined,
      extensionId: 'kfdbnpbgjmmfogbkmjkdlcjpdcnklmla',
      extensionPagesDriven: async () => false,
    };
    const broker = new Broker(store, platform);
    const before = { ...dropped };
    let malformed = 0;
    await fc.assert(
      fc.asyncProperty(anyValue, async (message) => {
        const sender = { id: 'ext', url: 'https://page.example/', tab: { id: 1, url: 'https://page.example/', title: 't' }, frameId: 0 };
        if (!parseContentRequest(message)) {
          malformed++;
          expect(await handleContentRequest(broker, message, sender)).toMatchObject({ ok: false, refused: true, error: expect.any(String) });
        }
        if (!parsePanelRequest(message)) {
          expect(await handlePanelRequest(broker, message)).toMatchObject({ ok: false, refused: true, error: expect.any(String) });
        }
      }),
      { numRuns: 2_000 },
    );
    expect(dropped.content - before.content).toBe(malformed);
    expect(await db.count('actions')).toBe(0);
  });
});
