import fc from 'fast-check';
import * as v from 'valibot';
import { describe, expect, it } from 'vitest';
import { nonceOf, readDecision, readRequestDetail, readTabMessage, readToolCall } from '@/lib/intercept/read-messages';
import { requestDecision, requestDetail, tabMessage, toolCallDetail } from '@/lib/messaging/frames';

// The frame reads its messages by hand (no library in every frame); these properties hold each
// reader to its schema in the table: it accepts a value exactly when the schema does.

const ABSENT = Symbol('absent');
const junk = fc.oneof(fc.constant(undefined), fc.constant(null), fc.constant(Number.NaN), fc.integer(), fc.double(), fc.string(), fc.boolean(), fc.array(fc.string(), { maxLength: 2 }), fc.object({ maxDepth: 1 }));

/** An object whose keys are each valid, junk or absent: mostly near misses, some valid. */
function near(keys: Record<string, fc.Arbitrary<unknown>>) {
  const entries = Object.entries(keys).map(([key, valid]) => fc.oneof({ arbitrary: valid, weight: 6 }, { arbitrary: junk, weight: 1 }, { arbitrary: fc.constant(ABSENT), weight: 1 }).map((value) => [key, value] as const));
  return fc.tuple(...entries).map((pairs) => Object.fromEntries(pairs.filter(([, value]) => value !== ABSENT)));
}

const index = fc.oneof(fc.integer({ min: 0, max: 199 }), fc.constantFrom(-1, 200, 1.5, 2 ** 53, -0));
const edits = fc.array(near({ index, value: fc.string() }), { maxLength: 3 });
const tabMessages = fc.oneof(
  near({ type: fc.constant('guard'), guard: near({ mode: fc.constantFrom('automation', 'always', 'off', 'on'), armed: fc.boolean(), debugger: fc.boolean() }) }),
  near({ type: fc.constant('decision'), id: fc.string(), verdict: fc.constantFrom('approve', 'reject', 'maybe'), note: fc.string(), edits, by: fc.constantFrom('timeout', 'person') }),
  near({ type: fc.constantFrom('reveal', 'constructor', '__proto__', 'toString'), id: fc.string(), index }),
);
const pair = fc.oneof(fc.tuple(fc.string(), fc.string()), fc.tuple(fc.string(), fc.integer()), fc.constant(['only']));
const body = near({
  kind: fc.constantFrom('none', 'json', 'form', 'multipart', 'text', 'binary', 'xml'),
  fields: fc.array(pair, { maxLength: 3 }),
  text: fc.string(),
  size: fc.oneof(fc.nat(), fc.constant(Number.NaN), fc.constant(Infinity)),
});
const requests = near({
  nonce: fc.string(),
  method: fc.constantFrom('POST', 'DELETE'),
  url: fc.webUrl(),
  via: fc.constantFrom('fetch', 'xhr', 'beacon', 'websocket'),
  keepalive: fc.boolean(),
  body,
  cause: fc.constantFrom('input', 'script', 'tool', 'timer'),
  override: fc.string(),
  confirmed: fc.string(),
});
const tools = near({ nonce: fc.string(), name: fc.string(), description: fc.string(), inputSchema: fc.anything(), readOnly: fc.boolean(), consequential: fc.boolean(), input: fc.anything() });
const decisions = near({ nonce: fc.string(), verdict: fc.constantFrom('approve', 'reject', 'yes'), input: fc.anything(), message: fc.string(), reviewed: fc.boolean() });

const agrees = (read: (value: unknown) => unknown, schema: v.GenericSchema) => (value: unknown) => {
  expect(read(value) !== null, JSON.stringify(value)).toBe(v.safeParse(schema, value).success);
};

describe('the frames read their messages as the table says', () => {
  it('background to frame: guard, decision, reveal', () => {
    fc.assert(fc.property(fc.oneof(tabMessages, junk), agrees(readTabMessage, tabMessage)), { numRuns: 3000 });
  });

  it('the hook to the isolated world: requests and tool calls', () => {
    fc.assert(fc.property(fc.oneof(requests, junk), agrees(readRequestDetail, requestDetail)), { numRuns: 3000 });
    fc.assert(fc.property(fc.oneof(tools, junk), agrees(readToolCall, toolCallDetail)), { numRuns: 2000 });
  });

  it('the isolated world to the hook: decisions', () => {
    fc.assert(fc.property(fc.oneof(decisions, junk), agrees(readDecision, requestDecision)), { numRuns: 2000 });
  });

  it('holds the limits the schemas hold, at their edges', () => {
    const decision = (edits: unknown) => ({ type: 'decision', id: 'a', verdict: 'approve', edits });
    for (const value of [
      decision([{ index: 199, value: 'x'.repeat(100_000) }]),
      decision([{ index: 199, value: 'x'.repeat(100_001) }]),
      decision(Array.from({ length: 200 }, () => ({ index: 0, value: '' }))),
      decision(Array.from({ length: 201 }, () => ({ index: 0, value: '' }))),
      { type: 'reveal', id: 'a', index: Number.MAX_SAFE_INTEGER },
      { type: 'reveal', id: 'a', index: Number.MAX_SAFE_INTEGER + 1 },
    ]) {
      agrees(readTabMessage, tabMessage)(value);
    }
  });

  it('takes the nonce of a detail it cannot otherwise read, so the hold can still be answered', () => {
    expect(nonceOf({ nonce: 'n-1', url: 42 })).toBe('n-1');
    expect(readRequestDetail({ nonce: 'n-1', url: 42 })).toBeNull();
    expect(nonceOf({ url: 'https://a.example/' })).toBeNull();
    expect(nonceOf('n-1')).toBeNull();
  });
});
