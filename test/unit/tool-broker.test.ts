import { describe, expect, it } from 'vitest';
import { Broker, type Origin } from '@/lib/broker/broker';
import { openCountersignDb } from '@/lib/db/open';
import { ActionStore } from '@/lib/db/store';
import { exportRules, parseRulesFile } from '@/lib/policy/rules-file';
import { FakePlatform } from './fake-platform';
import { proposal } from './helpers';

let dbCounter = 0;

async function setup() {
  const store = new ActionStore(await openCountersignDb(`tool-broker-${dbCounter++}`));
  await store.saveSettings({ ...(await store.settings()), dwellMs: 0 });
  const platform = new FakePlatform();
  return { store, platform, broker: new Broker(store, platform) };
}

const origin: Origin = { tabId: 1, frameId: 0, tabUrl: 'https://bank.example/payments', tabTitle: 'Payments' };

/** A WebMCP call as the page reports it: in a tab nothing else guards. */
const toolCall = (name: string, over: Partial<ReturnType<typeof proposal>> = {}) =>
  proposal({
    kind: 'submit',
    trigger: 'tool',
    label: name,
    frameUrl: 'https://bank.example/payments',
    fields: [{ name: 'month', label: 'month', type: 'text', value: '2026-11' }],
    amount: undefined,
    signals: ['tool-call'],
    tool: { name, description: 'a tool' },
    ...over,
  });

describe('WebMCP tool calls in the broker', () => {
  it('holds a tool call in a tab no client is attached to: the call is the sign of an agent', async () => {
    const { broker, store } = await setup();
    const call = toolCall('transfer_money', { kind: 'purchase' });
    expect(await broker.holds.hold(call, origin)).toEqual({ status: 'held' });
    expect(await store.get(call.id)).toMatchObject({ status: 'pending', signals: ['tool-call'], tool: { name: 'transfer_money' } });
  });

  it('logs a read-only tool the page ran at once as let through on its claim, and nothing else so', async () => {
    const { broker, store } = await setup();
    const call = toolCall('get_balance', { tool: { name: 'get_balance', description: '', readOnly: true } });
    await broker.holds.noteToolRan(call, origin);
    expect(await store.get(call.id)).toMatchObject({ status: 'released', decidedBy: 'system', reason: 'the page marks this tool read-only' });
    // A page cannot log its way past a card: anything but a read-only tool call is ignored.
    for (const other of [toolCall('transfer_money'), toolCall('wipe', { tool: { name: 'wipe', description: '', readOnly: true, consequential: true } }), proposal()]) {
      await broker.holds.noteToolRan(other, origin);
      expect(await store.get(other.id)).toBeUndefined();
    }
    await broker.holds.noteToolRan({ ...call, label: 'again' }, origin); // an id already logged is not overwritten
    expect((await store.get(call.id))?.label).toBe('get_balance');
  });

  it('asks for a tool the page marks both read-only and consequential, and blocks a call a rule blocks', async () => {
    const { broker } = await setup();
    const both = toolCall('wipe', { tool: { name: 'wipe', description: '', readOnly: true, consequential: true } });
    expect(await broker.holds.hold(both, origin)).toEqual({ status: 'held' });
    await broker.rules.save(undefined, { pattern: 'https://bank.example', trust: 'block' });
    expect(await broker.holds.hold(toolCall('transfer_money'), origin)).toMatchObject({ status: 'blocked' });
  });

  it('"Always allow tool" allows that tool by name on that site, and no other; a consequential tool still asks', async () => {
    const { broker, store } = await setup();
    const first = toolCall('get_price');
    await broker.holds.hold(first, origin);
    expect(await broker.shortcuts.allowTool(first.id)).toMatchObject({ ok: true });
    expect((await store.get(first.id))?.status).toBe('approved');
    expect((await broker.rules.list())[0]).toMatchObject({ pattern: 'https://bank.example', trust: 'ask', tools: ['get_price'] });
    expect(await broker.holds.hold(toolCall('get_price'), origin)).toEqual({ status: 'release', approved: true });
    expect(await broker.holds.hold(toolCall('get_prices'), origin)).toEqual({ status: 'held' });
    const marked = toolCall('get_price', { tool: { name: 'get_price', description: '', consequential: true } });
    expect(await broker.holds.hold(marked, origin)).toEqual({ status: 'held' });
    expect((await store.get(marked.id))?.policyReasons).toContain('the page marks this tool as consequential');
  });

  it('makes no tool rule from a card that is not a tool call', async () => {
    const { broker } = await setup();
    const click = proposal({ kind: 'submit' });
    await broker.holds.hold(click, origin);
    expect(await broker.shortcuts.allowTool(click.id)).toMatchObject({ ok: false });
    expect(await broker.rules.list()).toEqual([]);
  });

  it('keeps tool rules through export and import, and refuses a malformed tool name with no rule changed', async () => {
    const { broker } = await setup();
    await broker.rules.save(undefined, { pattern: 'https://bank.example', trust: 'ask', tools: ['get_price', 'list_orders'] });
    const file = exportRules(await broker.rules.list(), new Date(0));
    expect(file.rules[0]?.tools).toEqual(['get_price', 'list_orders']);
    expect(parseRulesFile(JSON.stringify(file))).toEqual({ rules: file.rules });
    const bad = { ...file, rules: [{ pattern: 'https://bank.example', trust: 'ask', tools: ['get price<script>'] }] };
    expect(parseRulesFile(JSON.stringify(bad))).toEqual({ errors: [expect.stringContaining('rules[0].tools[0]')] });
  });
});
