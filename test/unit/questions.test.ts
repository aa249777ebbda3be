import { describe, expect, it } from 'vitest';
import { AGENT_TAB } from '@/lib/actions/types';
import { Broker, type Origin } from '@/lib/broker/broker';
import { approvesSomething } from '@/lib/broker/gate';
import { handleAgentRequest, handlePanelRequest } from '@/lib/broker/router';
import { openCountersignDb } from '@/lib/db/open';
import { outcomeOf } from '@/lib/db/outcome';
import { ActionStore } from '@/lib/db/store';
import { FakePlatform } from './fake-platform';
import { proposal } from './helpers';

// The agent's questions and stated confidence, through the real router and broker, as the
// agent's channel and the panel send them.

let dbCounter = 0;

async function setup({ dwellMs = 0 } = {}) {
  const store = new ActionStore(await openCountersignDb(`questions-${dbCounter++}`));
  await store.saveSettings({ ...(await store.settings()), dwellMs });
  const platform = new FakePlatform();
  const broker = new Broker(store, platform);
  const agent = (request: Record<string, unknown>) => handleAgentRequest(broker, { id: 1, ...request });
  const panel = (request: Record<string, unknown>) => handlePanelRequest(broker, request) as Promise<{ ok: boolean; error?: string }>;
  const ask = async (question = 'The blue kettle is sold out. Buy the red one?', more: Record<string, unknown> = {}) =>
    ((await agent({ type: 'ask-person', question, ...more })) as { question: string }).question;
  return { store, platform, broker, agent, panel, ask };
}

const origin: Origin = { tabId: 1, frameId: 0, tabUrl: 'https://shop.example/checkout', tabTitle: 'Checkout' };

describe('the agent’s questions', () => {
  it('become a card about the tab the agent last acted in; the answer is what the agent reads, and History keeps it', async () => {
    const { broker, store, agent, panel, ask } = await setup();
    broker.traffic.noteInput(2, 'Compose', false, 1000);
    const id = await ask('Send it to both Adas?', { options: ['Only ada@example.com', 'Both'], context: 'Two contacts are named Ada', confidence: 0.4 });

    const record = await store.get(id);
    expect(record).toMatchObject({
      kind: 'question',
      trigger: 'channel',
      tabId: AGENT_TAB,
      status: 'pending',
      site: 'https://mail.example',
      screenshot: 'background', // tab 2 is not the visible tab: no other tab's pixels
      question: { text: 'Send it to both Adas?', options: ['Only ada@example.com', 'Both'], context: 'Two contacts are named Ada', confidence: 0.4 },
    });
    expect(record?.question?.concerns).toMatchObject({ tabId: 2, url: 'https://mail.example/inbox' });
    expect((await broker.view.queue()).actions.map((action) => action.id)).toEqual([id]);
    expect(await agent({ type: 'await-answer', question: id, waitMs: 0 })).toEqual({ status: 'pending' });

    expect(await panel({ type: 'answer', id, answer: 'Only ada@example.com', dwellMs: 2000 })).toEqual({ ok: true });
    expect(await agent({ type: 'await-answer', question: id })).toEqual({ status: 'answered', answer: 'Only ada@example.com' });
    const answered = await store.get(id);
    expect(outcomeOf(answered!)).toBe('answered');
    expect(answered).toMatchObject({ decidedBy: 'person', question: { answer: 'Only ada@example.com' } });
    const decisions = (await agent({ type: 'get-decisions' })) as { decisions: { id: string; outcome: string; answer?: string }[] };
    expect(decisions.decisions.find((decision) => decision.id === id)).toMatchObject({ outcome: 'answered', answer: 'Only ada@example.com' });
    expect(await panel({ type: 'answer', id, answer: 'Both' })).toMatchObject({ ok: false });
    expect((await store.get(id))?.question?.answer).toBe('Only ada@example.com');
  });

  it('hold the agent’s wait until the person answers, then return at once', async () => {
    const { agent, panel, ask } = await setup();
    const id = await ask();
    const started = Date.now();
    const waiting = agent({ type: 'await-answer', question: id, waitMs: 20_000 });
    await new Promise((done) => setTimeout(done, 50));
    await panel({ type: 'answer', id, answer: 'No, stop here' });
    expect(await waiting).toEqual({ status: 'answered', answer: 'No, stop here' });
    expect(Date.now() - started).toBeLessThan(5000);
  });

  it('are answered, never approved; an answer waits for the dwell, and one that says go ahead for a fatigue pause', async () => {
    const { broker, store, panel, ask } = await setup({ dwellMs: 60_000 });
    const id = await ask();
    expect(await panel({ type: 'decide', id, verdict: 'approve' })).toMatchObject({ ok: false, error: expect.stringMatching(/answered, not approved/) });
    expect(await panel({ type: 'grant', id, durationMs: 60_000 })).toMatchObject({ ok: false });
    expect(await panel({ type: 'always', id, level: 'trust' })).toMatchObject({ ok: false });
    expect(await panel({ type: 'answer', id, answer: 'Yes' })).toMatchObject({ ok: false, error: expect.stringMatching(/Read the card first/) });
    expect((await store.get(id))?.status).toBe('pending');

    await broker.updateSettings({ dwellMs: 0, fatigueCount: 2, fatigueDwellMs: 1000, fatiguePauseSeconds: 10 });
    const actions = [proposal({ label: 'Send 1' }), proposal({ label: 'Send 2' })];
    for (const action of actions) await broker.holds.hold(action, origin);
    for (const action of actions) expect((await broker.decisions.fromPanel({ id: action.id, verdict: 'approve', dwellMs: 100 })).ok).toBe(true);
    expect(await panel({ type: 'answer', id, answer: 'Yes, go ahead' })).toMatchObject({ ok: false, error: expect.stringMatching(/paused/) });
    expect(await panel({ type: 'answer', id, answer: 'No: buy nothing' })).toEqual({ ok: true });
  });

  it('count a quick answer that says go ahead toward the fatigue pause', async () => {
    const { broker, panel, ask } = await setup();
    await broker.updateSettings({ fatigueCount: 2, fatigueDwellMs: 1000, fatiguePauseSeconds: 10 });
    for (const answer of ['ok', 'Proceed']) {
      const id = await ask();
      expect(await panel({ type: 'answer', id, answer, dwellMs: 100 })).toEqual({ ok: true });
    }
    expect((await broker.view.queue()).fatigue?.message).toMatch(/paused/);
  });

  it('time out as the settings say, and the agent reads that no answer came', async () => {
    const { broker, store, platform, agent, ask } = await setup();
    await broker.updateSettings({ timeoutSeconds: 5 });
    const id = await ask();
    expect(platform.timers.get(`timeout:${id}`)).toBeDefined();
    platform.clock += 6000;
    await broker.onTimer(`timeout:${id}`);
    expect(outcomeOf((await store.get(id))!)).toBe('timeout');
    expect(await agent({ type: 'await-answer', question: id })).toEqual({ status: 'timed-out', note: 'no decision within 5 seconds' });
  });

  it('are declined with the person’s note', async () => {
    const { agent, panel, ask } = await setup();
    const id = await ask();
    expect(await panel({ type: 'decide', id, verdict: 'reject', note: 'ask me after lunch' })).toEqual({ ok: true });
    expect(await agent({ type: 'await-answer', question: id })).toEqual({ status: 'declined', note: 'ask me after lunch' });
  });

  it('outlive the agent’s navigations and closed tabs, and a worker restart', async () => {
    const { broker, store, platform, ask } = await setup();
    const id = await ask();
    await broker.abandonTab(1, 'navigated');
    await broker.abandonTab(2, 'tab closed');
    platform.tabs = new Set([1]);
    await new Broker(store, platform).reconcile();
    expect((await store.get(id))?.status).toBe('pending');
  });

  it('in a flood are paused as one card, and resumed or declined together', async () => {
    const { broker, agent, ask } = await setup();
    await broker.updateSettings({ floodLimit: 2 });
    const ids = [await ask('One?'), await ask('Two?'), await ask('Three?'), await ask('Four?')];
    let queue = await broker.view.queue();
    expect(queue.actions.map((action) => action.label)).toEqual(['One?', 'Two?']);
    expect(queue.paused).toEqual([expect.objectContaining({ tabId: AGENT_TAB, count: 2 })]);
    expect(await agent({ type: 'await-answer', question: ids[3] })).toEqual({ status: 'pending', paused: true });
    expect(await handlePanelRequest(broker, { type: 'reject-paused', tabId: AGENT_TAB })).toEqual({ ok: true });
    expect(await agent({ type: 'await-answer', question: ids[3] })).toEqual({ status: 'declined', note: 'paused: too many questions at once' });
    queue = await broker.view.queue();
    expect(queue.paused).toEqual([]);
    expect(queue.actions).toHaveLength(2);
  });

  it('cannot be answered on the agent’s channel, and a wait for anything else is refused', async () => {
    const { store, agent, ask } = await setup();
    const id = await ask();
    expect(await agent({ type: 'answer', id, answer: 'Yes' })).toMatchObject({ error: expect.stringMatching(/cannot send "answer"/) });
    const action = proposal();
    expect(await agent({ type: 'await-answer', question: action.id })).toMatchObject({ error: expect.stringMatching(/no question/) });
    expect((await store.get(id))?.status).toBe('pending');
    const state = (await agent({ type: 'ask-person', question: '' })) as { error?: string };
    expect(state.error).toMatch(/malformed ask-person/);
    expect((await store.channelRefusals()).map((refusal) => refusal.type)).toEqual(['answer', 'ask-person']);
    // Refusals arriving together are all kept.
    await Promise.all(['decide', 'set-settings', 'reveal'].map((type) => agent({ type })));
    expect((await store.channelRefusals()).map((refusal) => refusal.type).slice(2).sort()).toEqual(['decide', 'reveal', 'set-settings']);
  });
});

describe('the agent’s stated confidence', () => {
  it('below the threshold makes what a rule allows ask, with the agent’s words; at or above it the rule applies', async () => {
    const { broker, store, agent } = await setup();
    await broker.rules.save(undefined, { pattern: 'https://shop.example', trust: 'trust' });
    expect(await broker.holds.hold(proposal({ kind: 'submit' }), origin)).toMatchObject({ status: 'release' });

    expect(await agent({ type: 'report-confidence', confidence: 0.3, about: 'two carts; I picked the newer' })).toEqual({ ok: true, asking: true });
    const unsure = proposal({ kind: 'submit' });
    expect(await broker.holds.hold(unsure, origin)).toEqual({ status: 'held' });
    const held = await store.get(unsure.id);
    expect(held?.unsure).toMatchObject({ value: 0.3, about: 'two carts; I picked the newer' });
    expect(held?.policyReasons?.join('; ')).toMatch(/the agent said it is unsure \(30 %\)/);

    expect(await agent({ type: 'report-confidence', confidence: 0.5, about: 'checked the cart' })).toEqual({ ok: true, asking: false });
    const sure = proposal({ kind: 'submit' });
    expect(await broker.holds.hold(sure, origin)).toMatchObject({ status: 'release' });
    expect((await store.get(sure.id))?.unsure).toBeUndefined();
  });

  it('is cleared by a new task, and a rule that blocks still blocks', async () => {
    const { broker, agent } = await setup();
    await broker.rules.save(undefined, { pattern: 'https://shop.example', trust: 'block' });
    await agent({ type: 'report-confidence', confidence: 0.1, about: 'guessing' });
    expect(await broker.holds.hold(proposal({ kind: 'submit' }), origin)).toMatchObject({ status: 'blocked' });
    await agent({ type: 'declare-task', task: 'Buy a kettle' });
    expect((await broker.agent.agentState()).confidence).toBeNull();
  });

  it('counts a question’s confidence as reported', async () => {
    const { broker, ask } = await setup();
    await ask('Which Ada?', { confidence: 0.2 });
    expect((await broker.agent.agentState()).confidence).toMatchObject({ value: 0.2, about: 'Which Ada?' });
  });
});

describe('an answer that says go ahead', () => {
  it('is read from its first words, in the panel’s languages', () => {
    for (const yes of ['Yes', 'ok, buy it', 'Go ahead', 'Proceed with the red one', 'Buy the red one', 'ja', 'Oui', 'sí']) expect(approvesSomething(yes)).toBe(true);
    for (const no of ['No', 'Stop', 'Don’t buy anything', 'Wait for me', 'Only ada@example.com', 'yesterday’s order']) expect(approvesSomething(no)).toBe(false);
  });
});
