import { parseProposedAction } from '@/lib/messaging/validate';
import { describe, expect, it, vi } from 'vitest';
import { Broker, type ObservedRequest, type Origin } from '@/lib/broker/broker';
import { handlePanelRequest } from '@/lib/broker/router';
import { openCountersignDb } from '@/lib/db/open';
import { ActionStore } from '@/lib/db/store';
import { FakePlatform } from './fake-platform';
import { proposal } from './helpers';

let dbCounter = 0;

/** The dwell is off unless a test is about it: the fake clock only moves when told to. */
async function setup({ dwellMs = 0 } = {}) {
  const store = new ActionStore(await openCountersignDb(`broker-${dbCounter++}`));
  await store.saveSettings({ ...(await store.settings()), dwellMs });
  const platform = new FakePlatform();
  return { store, platform, broker: new Broker(store, platform) };
}

const origin: Origin = { tabId: 1, frameId: 0, tabUrl: 'https://shop.example/checkout', tabTitle: 'Checkout' };
/** A hold whose worker stopped before the evaluation was stored: the record, nothing more. */
async function heldButNotEvaluated(store: ActionStore, platform: FakePlatform, action = proposal({ kind: 'submit' })) {
  const dying = Object.assign(Object.create(Object.getPrototypeOf(platform)), platform, {
    captureTab: async () => {
      throw new Error('the worker stopped');
    },
    debuggerTabs: async () => {
      throw new Error('the worker stopped');
    },
  }) as FakePlatform;
  await new Broker(store, dying).holds.hold(action, origin).catch(() => undefined);
  return action;
}

const decisions = (platform: FakePlatform) => platform.sent.filter((s) => s.message.type === 'decision');

describe('Broker', () => {
  it('persists a held action as pending and counts it on the badge', async () => {
    const { broker, store, platform } = await setup();
    const action = proposal();
    expect(await broker.holds.hold(action, origin)).toEqual({ status: 'held' });
    const stored = await store.get(action.id);
    expect(stored).toMatchObject({ status: 'pending', site: 'https://shop.example', tabId: 1 });
    await expect.poll(() => platform.badge).toBe(1);
  });

  it('refuses a second proposal with the same id instead of overwriting the first', async () => {
    const { broker, store } = await setup();
    const action = proposal();
    await broker.holds.hold(action, origin);
    await broker.decisions.deliverDecision(action.id, 'reject');
    await expect(broker.holds.hold({ ...action, label: 'Other' }, origin)).rejects.toThrow();
    expect((await store.get(action.id))?.status).toBe('rejected');
  });

  it('answers a page that asks again after a lost reply with what became of its action', async () => {
    const { broker, store } = await setup();
    await broker.rules.save(undefined, { pattern: 'https://shop.example', trust: 'block' });
    const action = proposal({ kind: 'submit' });
    expect(await broker.holds.hold(action, origin)).toMatchObject({ status: 'blocked' });
    expect(await broker.holds.hold(action, origin)).toMatchObject({ status: 'blocked' });
    await broker.rules.remove((await broker.rules.list())[0]!.id);
    const pending = proposal({ kind: 'submit' });
    await broker.holds.hold(pending, origin);
    expect(await broker.holds.hold(pending, origin)).toEqual({ status: 'held' });
    await expect(broker.holds.hold(pending, { ...origin, frameId: 3 })).rejects.toThrow('exists already');
    expect((await store.pending()).map((record) => record.id)).toEqual([pending.id]);
  });

  it('releases an unconfirmed hold in an unguarded tab, and logs it', async () => {
    const { broker, store } = await setup();
    const action = proposal({ signals: ['unconfirmed'] });
    expect(await broker.holds.hold(action, origin)).toEqual({ status: 'release' });
    expect(await store.get(action.id)).toMatchObject({ status: 'released', decidedBy: 'system' });
  });

  it('keeps an unconfirmed hold when a debugger is attached to the tab', async () => {
    const { broker, store, platform } = await setup();
    platform.attached.add(1);
    const action = proposal({ signals: ['unconfirmed'] });
    expect(await broker.holds.hold(action, origin)).toEqual({ status: 'held' });
    expect((await store.get(action.id))?.signals).toEqual(['debugger']);
  });

  it('delivers an approval once, however often Approve arrives', async () => {
    const { broker, store, platform } = await setup();
    const action = proposal();
    await broker.holds.hold(action, origin);
    const replies = await Promise.all([broker.decisions.deliverDecision(action.id, 'approve'), broker.decisions.deliverDecision(action.id, 'approve')]);
    expect(replies.filter((reply) => reply.ok)).toHaveLength(1);
    expect(decisions(platform)).toHaveLength(1);
    expect(await store.get(action.id)).toMatchObject({ status: 'approved', decidedBy: 'person' });
    expect((await store.get(action.id))?.deliveredAt).toBeTypeOf('number');
  });

  it('cannot approve what was rejected', async () => {
    const { broker, platform } = await setup();
    const action = proposal();
    await broker.holds.hold(action, origin);
    expect(await broker.decisions.deliverDecision(action.id, 'reject', 'wrong address')).toEqual({ ok: true });
    expect((await broker.decisions.deliverDecision(action.id, 'approve')).ok).toBe(false);
    expect(decisions(platform).map((d) => d.message)).toEqual([
      { type: 'decision', id: action.id, verdict: 'reject', note: 'wrong address' },
    ]);
  });

  it('marks an approval the page can no longer carry out as abandoned', async () => {
    const { broker, store, platform } = await setup();
    platform.answer = () => {
      throw new Error('Could not establish connection. Receiving end does not exist.');
    };
    const action = proposal();
    await broker.holds.hold(action, origin);
    expect((await broker.decisions.deliverDecision(action.id, 'approve')).ok).toBe(false);
    expect(await store.get(action.id)).toMatchObject({ status: 'abandoned' });
  });

  it('abandons the pending actions of a closed tab, and only those', async () => {
    const { broker, store } = await setup();
    const mine = proposal();
    const other = proposal();
    await broker.holds.hold(mine, origin);
    await broker.holds.hold(other, { ...origin, tabId: 2 });
    await broker.abandonTab(1, 'tab closed');
    expect(await store.get(mine.id)).toMatchObject({ status: 'abandoned', reason: 'tab closed' });
    expect((await store.get(other.id))?.status).toBe('pending');
  });

  it('abandons only the navigating frame, unless it is the top frame', async () => {
    const { broker, store } = await setup();
    const top = proposal();
    const framed = proposal();
    await broker.holds.hold(top, origin);
    await broker.holds.hold(framed, { ...origin, frameId: 5 });
    await broker.abandonTab(1, 'page navigated away', 5);
    expect((await store.get(top.id))?.status).toBe('pending');
    expect((await store.get(framed.id))?.status).toBe('abandoned');
    await broker.abandonTab(1, 'page navigated away', 0);
    expect((await store.get(top.id))?.status).toBe('abandoned');
  });

  it('watches frames\' navigations only while an action is pending', async () => {
    const { broker, platform } = await setup();
    const settled = () => new Promise((done) => setTimeout(done, 20));
    expect(platform.watchingNavigation).toBe(false);
    const action = proposal();
    const holding = broker.holds.hold(action, origin);
    expect(platform.watchingNavigation).toBe(true); // before the record is even written
    await holding;
    await settled();
    expect(platform.watchingNavigation).toBe(true);
    await broker.decisions.deliverDecision(action.id, 'reject');
    await settled();
    expect(platform.watchingNavigation).toBe(false);
  });

  it('reads a tab\'s pending actions twice, not fifty times, when fifty frames commit at once', async () => {
    const { broker, store } = await setup();
    const framed = proposal();
    await broker.holds.hold(framed, { ...origin, frameId: 7 });
    let reads = 0;
    const pendingForTab = store.pendingForTab.bind(store);
    store.pendingForTab = (tabId: number) => {
      reads++;
      return pendingForTab(tabId);
    };
    await Promise.all(Array.from({ length: 50 }, (_, frameId) => broker.abandonTab(1, 'page navigated away', frameId + 1)));
    expect(reads).toBe(2);
    expect((await store.get(framed.id))?.status).toBe('abandoned');
  });

  it('after a restart, abandons pending actions whose tab is gone and keeps the rest', async () => {
    const { broker, store, platform } = await setup();
    const alive = proposal();
    const orphan = proposal();
    await broker.holds.hold(alive, origin);
    await broker.holds.hold(orphan, { ...origin, tabId: 2 });
    platform.tabs.delete(2);
    const restarted = new Broker(store, platform);
    await restarted.reconcile();
    expect((await store.get(alive.id))?.status).toBe('pending');
    expect((await store.get(orphan.id))?.status).toBe('abandoned');
    expect((await restarted.view.queue()).actions.map((r) => r.id)).toEqual([alive.id]);
  });

  it('tells a tab when a debugger attaches, and when the person arms it', async () => {
    const { broker, platform } = await setup();
    platform.attached.add(2);
    await broker.guard.refreshDebuggers();
    expect(platform.sent).toContainEqual({ tabId: 2, message: { type: 'guard', guard: { mode: 'automation', armed: false, debugger: true } } });
    expect(await broker.guard.arm(1, true)).toEqual({ mode: 'automation', armed: true, debugger: false });
  });

  it('lists the queue oldest first', async () => {
    const { broker } = await setup();
    const first = proposal({ label: 'Place order' });
    const second = proposal({ label: 'Buy again' });
    await broker.holds.hold(first, origin);
    await broker.holds.hold(second, origin);
    expect((await broker.view.queue()).actions.map((r) => r.id)).toEqual([first.id, second.id]);
  });

  it('prunes screenshots first, then the oldest decided actions, and never pending ones', async () => {
    const { broker, store, platform } = await setup();
    const ids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const action = proposal();
      ids.push(action.id);
      await broker.holds.hold(action, origin);
      platform.clock += 1000;
      if (i < 5) await broker.decisions.deliverDecision(action.id, 'reject');
    }
    await broker.updateSettings({ screenshotMaxCount: 2 });
    expect((await Promise.all(ids.map((id) => store.get(id)))).map((r) => r?.screenshot)).toEqual([
      'pruned', 'pruned', 'pruned', 'pruned', 'captured', 'captured',
    ]);
    expect(await store.screenshot(ids[0]!)).toBeUndefined();
    await broker.updateSettings({ historyMaxEntries: 3 });
    expect((await store.recent(10)).map((r) => r.id)).toEqual([ids[5], ids[4], ids[3]]);
    await broker.updateSettings({ historyMaxEntries: 1 });
    // The pending one stays whatever the limit; the decided ones go.
    expect((await store.recent(10)).map((r) => r.id)).toEqual([ids[5]]);
    expect(await broker.clearHistory()).toEqual({ removed: 0 });
    expect((await broker.view.queue()).actions.map((r) => r.id)).toEqual([ids[5]]);
  });

  it('prunes actions older than the age limit', async () => {
    const { broker, store, platform } = await setup();
    const old = proposal();
    await broker.holds.hold(old, origin);
    await broker.decisions.deliverDecision(old.id, 'reject');
    platform.clock += 3 * 24 * 60 * 60 * 1000;
    const recent = proposal();
    await broker.holds.hold(recent, origin);
    await broker.decisions.deliverDecision(recent.id, 'reject');
    await broker.updateSettings({ historyMaxDays: 2 });
    expect((await store.recent(10)).map((r) => r.id)).toEqual([recent.id]);
  });

  it('pictures the visible tab only, and says when the tab was in the background', async () => {
    const { broker, store } = await setup();
    const visible = proposal();
    const hidden = proposal({ label: 'Buy in the background' });
    await broker.holds.hold(visible, origin);
    await broker.holds.hold(hidden, { ...origin, tabId: 2 });
    expect((await store.get(visible.id))?.screenshot).toBe('captured');
    expect(await store.screenshot(visible.id)).toMatchObject({ capturedAt: expect.any(Number) });
    expect((await store.get(hidden.id))?.screenshot).toBe('background');
    expect(await store.screenshot(hidden.id)).toBeUndefined();
  });

  it('keeps the hold when the capture fails', async () => {
    const { broker, store, platform } = await setup();
    platform.captureTab = async () => {
      throw new Error('MAX_CAPTURE_VISIBLE_TAB_CALLS_PER_SECOND');
    };
    const action = proposal();
    expect(await broker.holds.hold(action, origin)).toEqual({ status: 'held' });
    expect(await store.get(action.id)).toMatchObject({ status: 'pending', screenshot: 'unavailable' });
  });

  it('keeps no picture when secrets on the page cannot all be covered', async () => {
    const { broker, store } = await setup();
    const secretField = { name: 'card', label: 'Card', type: 'text', value: '•••• 4242', masked: true };
    const located = proposal({
      fields: [secretField],
      target: { x: 1, y: 1, width: 10, height: 10, viewportWidth: 800, viewportHeight: 600 },
      redactions: [{ x: 5, y: 5, width: 100, height: 20 }],
    });
    const unlocated = proposal({ fields: [secretField] });
    await broker.holds.hold(located, origin);
    await broker.holds.hold(unlocated, origin);
    expect((await store.get(located.id))?.screenshot).toBe('captured');
    expect((await store.get(unlocated.id))?.screenshot).toBe('withheld');
    expect(await store.screenshot(unlocated.id)).toBeUndefined();
  });

  it('records risk reasons and a cross-origin frame', async () => {
    const { broker, store } = await setup();
    const action = proposal({
      frameUrl: 'https://pay.example/widget',
      form: { action: 'https://collector.example/steal', method: 'post' },
      fields: [{ name: 'card', label: 'Card', type: 'text', value: '•••• 4242', masked: true }],
      amount: { value: 10, currency: 'USD', text: '$10' },
    });
    await broker.holds.hold(action, origin);
    expect(await store.get(action.id)).toMatchObject({
      frameCrossOrigin: true,
      risks: ['sensitive-fields', 'cross-origin-post', 'amount', 'cross-origin-frame'],
    });
  });

  it('sends the reviewer’s edits to the page and keeps before and after, secrets masked', async () => {
    const { broker, store, platform } = await setup();
    const action = proposal({
      fields: [
        { name: 'qty', label: 'Quantity', type: 'text', value: '10' },
        { name: 'pw', label: 'Password', type: 'password', value: '••••••', masked: true },
      ],
    });
    await broker.holds.hold(action, origin);
    const edits = [
      { index: 0, value: '1' },
      { index: 1, value: 'correct horse' },
    ];
    expect(await broker.decisions.deliverDecision(action.id, 'approve', undefined, edits)).toEqual({ ok: true });
    expect(decisions(platform)[0]!.message).toEqual({ type: 'decision', id: action.id, verdict: 'approve', edits });
    const stored = await store.get(action.id);
    expect(stored?.edits).toEqual([
      { label: 'Quantity', before: '10', after: '1' },
      { label: 'Password', before: '••••••', after: '••••••' },
    ]);
    expect(JSON.stringify(stored)).not.toContain('correct horse');
  });

  it('puts an action the page changed after the hold back in the queue, with the differences', async () => {
    const { broker, store, platform } = await setup();
    const action = proposal();
    await broker.holds.hold(action, origin);
    const changed = [{ label: 'Name', before: 'Ada', after: 'Eve' }];
    const fields = [{ name: 'name', label: 'Name', type: 'text', value: 'Eve' }];
    platform.answer = () => ({ delivered: false, changed, fields, amount: null });
    const reply = await broker.decisions.deliverDecision(action.id, 'approve');
    expect(reply.ok).toBe(false);
    const stored = await store.get(action.id);
    expect(stored).toMatchObject({ status: 'pending', changedSinceHeld: changed, fields });
    expect(stored).not.toHaveProperty('decidedBy');
    expect((await broker.view.queue()).actions.map((r) => r.id)).toEqual([action.id]);

    platform.answer = () => ({ delivered: true });
    expect(await broker.decisions.deliverDecision(action.id, 'approve')).toEqual({ ok: true });
    expect(decisions(platform)).toHaveLength(2);
  });

  it('treats a malformed answer from the page as no delivery', async () => {
    const { broker, store, platform } = await setup();
    platform.answer = () => ({ delivered: 'yes' });
    const action = proposal();
    await broker.holds.hold(action, origin);
    expect((await broker.decisions.deliverDecision(action.id, 'approve')).ok).toBe(false);
    expect((await store.get(action.id))?.status).toBe('abandoned');
  });

  it('reveals a masked value only while the action is pending', async () => {
    const { broker, platform } = await setup();
    const action = proposal();
    await broker.holds.hold(action, origin);
    platform.answer = () => ({ value: 'secret' });
    expect(await broker.reveal(action.id, 0)).toEqual({ value: 'secret' });
    // Why not, by name for the panel's language: the frame's own refusal, or no answer at all.
    platform.answer = () => ({ error: 'The page no longer holds this action.' });
    expect(await broker.reveal(action.id, 0)).toEqual({ error: 'The page no longer holds this action.', refusal: { name: 'revealNotHeld' } });
    platform.answer = () => ({ value: 42 });
    expect(await broker.reveal(action.id, 0)).toEqual({ error: 'The page did not answer.', refusal: { name: 'revealNoAnswer' } });
    await broker.decisions.deliverDecision(action.id, 'reject');
    expect(await broker.reveal(action.id, 0)).toEqual({ error: 'Only a pending action can be revealed.', refusal: { name: 'revealNotPending' } });
  });

  it('lets a rule allow or block, logging the rule as the decider and counting it', async () => {
    const { broker, store } = await setup();
    await broker.rules.save(undefined, { pattern: 'https://shop.example', trust: 'trust', kinds: { send: 'block' } });
    const allowed = proposal({ kind: 'submit' });
    const blocked = proposal({ kind: 'send' });
    expect(await broker.holds.hold(allowed, origin)).toEqual({ status: 'release', approved: true });
    expect(await broker.holds.hold(blocked, origin)).toMatchObject({ status: 'blocked' });
    const [rule] = await broker.rules.list();
    expect(await store.get(allowed.id)).toMatchObject({ status: 'approved', decidedBy: 'rule', ruleId: rule!.id });
    expect(await store.get(blocked.id)).toMatchObject({ status: 'rejected', decidedBy: 'rule', ruleId: rule!.id });
    expect(rule!.applied).toBe(2);
    expect((await broker.view.queue()).actions).toEqual([]);
  });

  it('a trusted site still asks when the page described where its form goes in a way that could not be read', async () => {
    const { broker } = await setup();
    await broker.rules.save(undefined, { pattern: 'https://shop.example', trust: 'trust' });
    const clobbered = parseProposedAction({ ...proposal({ kind: 'submit' }), form: { action: { nodeName: 'INPUT' }, method: 'post' } })!;
    expect(await broker.holds.hold(clobbered, origin)).toEqual({ status: 'held' });
    const [card] = (await broker.view.queue()).actions;
    expect(card!.policyReasons?.join(' ')).toContain("could not read all of the page's description");
    expect(await broker.holds.hold(proposal({ kind: 'submit' }), origin)).toEqual({ status: 'release', approved: true }); // a readable one still passes
  });

  it('rejects a pending action when its time runs out, logged as timeout', async () => {
    const { broker, store, platform } = await setup();
    await broker.updateSettings({ timeoutSeconds: 5 });
    const action = proposal();
    await broker.holds.hold(action, origin);
    const timer = `timeout:${action.id}`;
    expect(platform.timers.get(timer)).toBe((await store.get(action.id))!.createdAt + 5000);
    await broker.onTimer(timer); // too early: re-armed, not expired
    expect((await store.get(action.id))?.status).toBe('pending');
    platform.clock += 5000;
    await broker.onTimer(timer);
    expect(await store.get(action.id)).toMatchObject({ status: 'rejected', decidedBy: 'timeout', note: 'no decision within 5 seconds' });
    expect(decisions(platform).at(-1)!.message).toMatchObject({ verdict: 'reject', by: 'timeout' });
    expect((await broker.decisions.deliverDecision(action.id, 'approve')).ok).toBe(false);
  });

  it('expires overdue actions when the worker starts again', async () => {
    const { broker, store, platform } = await setup();
    await broker.updateSettings({ timeoutSeconds: 1 });
    const action = proposal();
    await broker.holds.hold(action, origin);
    platform.clock += 60_000;
    await new Broker(store, platform).reconcile();
    expect((await store.get(action.id))?.decidedBy).toBe('timeout');
  });

  it('grants a tab a time-boxed trust that ends by itself', async () => {
    const { broker, platform, store } = await setup();
    const first = proposal({ kind: 'submit' });
    await broker.holds.hold(first, origin);
    expect(await broker.shortcuts.grant(first.id, 60_000)).toEqual({ ok: true });
    expect((await store.get(first.id))?.status).toBe('approved');
    const second = proposal({ kind: 'submit' });
    expect(await broker.holds.hold(second, origin)).toEqual({ status: 'release', approved: true });
    const otherTab = proposal({ kind: 'submit' });
    expect(await broker.holds.hold(otherTab, { ...origin, tabId: 2 })).toEqual({ status: 'held' });
    const [grant] = await broker.rules.list();
    platform.clock += 60_000;
    await broker.onTimer(`grant:${grant!.id}`);
    expect(await broker.rules.list()).toEqual([]);
    expect(await broker.holds.hold(proposal({ kind: 'submit' }), origin)).toEqual({ status: 'held' });
  });

  it('"Always allow" decides this action as the person and the next ones by rule', async () => {
    const { broker, store } = await setup();
    const first = proposal({ kind: 'submit' });
    await broker.holds.hold(first, origin);
    expect(await broker.shortcuts.always(first.id, 'trust')).toEqual({ ok: true });
    expect((await store.get(first.id))?.decidedBy).toBe('person');
    const next = proposal({ kind: 'submit' });
    expect(await broker.holds.hold(next, origin)).toEqual({ status: 'release', approved: true });
    expect((await store.get(next.id))?.decidedBy).toBe('rule');
  });

  it('"Always allow POST /api/track" decides this request and lets the next one to that endpoint through', async () => {
    const { broker, store } = await setup();
    const track = (path: string) =>
      proposal({ kind: 'submit', trigger: 'request', amount: undefined, form: { action: `https://shop.example${path}`, method: 'POST', via: 'fetch' } });
    const first = track('/api/track');
    await broker.holds.hold(first, origin);
    expect(await broker.shortcuts.allowEndpoint(first.id)).toEqual({ ok: true });
    expect((await store.get(first.id))?.decidedBy).toBe('person');
    const next = track('/api/track');
    expect(await broker.holds.hold(next, origin)).toEqual({ status: 'release', approved: true });
    expect((await store.get(next.id))?.policyReasons).toEqual(['POST /api/track allowed by the rule for https://shop.example']);
    expect(await broker.holds.hold(track('/api/orders'), origin)).toEqual({ status: 'held' });
  });

  it('refuses an endpoint rule for a request to another site', async () => {
    const { broker, store } = await setup();
    const beacon = proposal({ kind: 'submit', trigger: 'request', amount: undefined, form: { action: 'https://tracker.example/collect', method: 'POST', via: 'beacon' } });
    await broker.holds.hold(beacon, origin);
    expect(await broker.shortcuts.allowEndpoint(beacon.id)).toMatchObject({ ok: false });
    expect((await store.get(beacon.id))?.status).toBe('pending');
    expect(await broker.rules.list()).toEqual([]);
  });

  it('approves a high-risk action only with the typed confirmation', async () => {
    const { broker, store, platform } = await setup();
    const action = proposal({ amount: { value: 250, currency: 'USD', text: '$250.00' } });
    await broker.holds.hold(action, origin);
    expect((await store.get(action.id))?.confirm).toEqual({ value: '250', reasons: ['the amount is over 100 USD'] });
    expect(await broker.decisions.fromPanel({ id: action.id, verdict: 'approve' })).toMatchObject({ ok: false, error: 'Type 250 to confirm this approval.' });
    expect(await broker.decisions.fromPanel({ id: action.id, verdict: 'approve', confirmation: '25' })).toMatchObject({ ok: false });
    expect(decisions(platform)).toEqual([]);
    expect(await broker.decisions.fromPanel({ id: action.id, verdict: 'approve', confirmation: '250' })).toEqual({ ok: true });
    expect(decisions(platform)).toHaveLength(1);
  });

  it('groups identical low-risk actions into one card decided once', async () => {
    const { broker, store, platform } = await setup();
    const first = proposal({ kind: 'submit', label: 'Save' });
    const again = proposal({ kind: 'submit', label: 'Save' });
    const other = proposal({ kind: 'submit', label: 'Save', fields: [{ name: 'name', label: 'Name', type: 'text', value: 'Eve' }] });
    for (const action of [first, again, other]) await broker.holds.hold(action, origin);
    const queue = await broker.view.queue();
    expect(queue.actions.map((a) => [a.id, a.groupSize])).toEqual([
      [first.id, 2],
      [other.id, 1],
    ]);
    await broker.decisions.fromPanel({ id: first.id, verdict: 'approve' });
    expect((await store.get(again.id))?.status).toBe('approved');
    expect(decisions(platform).map((d) => (d.message as { id: string }).id)).toEqual([first.id, again.id]);
    expect((await broker.view.queue()).actions.map((a) => a.id)).toEqual([other.id]);
  });

  it('groups identical actions held at the same moment, from two tabs, into one card', async () => {
    const { broker, store } = await setup();
    const [first, again] = [proposal({ kind: 'submit', label: 'Join' }), proposal({ kind: 'submit', label: 'Join' })];
    // Each evaluation looks for an identical pending action; let both look before either writes.
    const pending = store.pending.bind(store);
    let looking = 0;
    let bothLooked = (): void => undefined;
    const gate = new Promise<void>((open) => (bothLooked = open));
    const spy = vi.spyOn(store, 'pending').mockImplementation(async () => {
      const list = await pending();
      if (++looking === 2) bothLooked();
      await Promise.race([gate, new Promise((done) => setTimeout(done, 200))]);
      return list;
    });
    await Promise.all([broker.holds.hold(first, origin), broker.holds.hold(again, { ...origin, tabId: origin.tabId + 1 })]);
    spy.mockRestore();
    const queue = await broker.view.queue();
    expect(queue.actions).toHaveLength(1);
    expect(queue.actions[0]?.groupSize).toBe(2);
  });

  it('approves a whole card’s group from a rule made on it, as from Approve', async () => {
    const { broker, store, platform } = await setup();
    const [first, again] = [proposal({ kind: 'submit', label: 'Save' }), proposal({ kind: 'submit', label: 'Save' })];
    for (const action of [first, again]) await broker.holds.hold(action, origin);
    expect((await broker.view.queue()).actions.map((a) => [a.id, a.groupSize])).toEqual([[first.id, 2]]);
    expect(await broker.shortcuts.always(first.id, 'trust')).toEqual({ ok: true });
    expect([(await store.get(first.id))?.status, (await store.get(again.id))?.status]).toEqual(['approved', 'approved']);
    expect(decisions(platform).map((d) => (d.message as { id: string }).id)).toEqual([first.id, again.id]);
  });

  it('notifies once per new card: not for a rule’s decision, an identical action joining a card, or with notifications off', async () => {
    const { broker, platform } = await setup();
    const first = proposal({ kind: 'submit', label: 'Save' });
    const again = proposal({ kind: 'submit', label: 'Save' });
    await broker.holds.hold(first, origin);
    await broker.holds.hold(again, origin);
    expect(platform.notified).toEqual([first.id]);

    await broker.updateSettings({ notifications: false });
    await broker.holds.hold(proposal({ kind: 'submit', label: 'Other' }), origin);
    expect(platform.notified).toEqual([first.id]);

    await broker.updateSettings({ notifications: true });
    await broker.rules.save(undefined, { pattern: 'https://shop.example', trust: 'block' });
    const blocked = proposal({ kind: 'submit', label: 'Post' });
    expect(await broker.holds.hold(blocked, origin)).toMatchObject({ status: 'blocked' });
    expect(platform.notified).toEqual([first.id]);
  });

  it('pauses a flooding tab: one card, no new ones, until resumed', async () => {
    const { broker, store } = await setup();
    await broker.updateSettings({ floodLimit: 3 });
    const actions = Array.from({ length: 6 }, (_, i) => proposal({ label: `Send ${i}` }));
    for (const action of actions) await broker.holds.hold(action, origin);
    let queue = await broker.view.queue();
    expect(queue.actions).toHaveLength(3);
    expect(queue.paused).toEqual([{ tabId: 1, site: 'https://shop.example', count: 3, seconds: 1 }]);
    expect((await store.get(actions[5]!.id))?.status).toBe('pending'); // held, not dropped
    await broker.holds.resumeTab(1);
    queue = await broker.view.queue();
    expect(queue.actions).toHaveLength(6);
    expect(queue.paused).toEqual([]);
  });

  it('pauses approvals that come too fast, and notes it in the history', async () => {
    const { broker, store } = await setup();
    await broker.updateSettings({ fatigueCount: 3, fatigueDwellMs: 1000, fatiguePauseSeconds: 10 });
    const actions = Array.from({ length: 5 }, (_, i) => proposal({ label: `Send ${i}` }));
    for (const action of actions) await broker.holds.hold(action, origin);
    for (const action of actions.slice(0, 2)) expect((await broker.decisions.fromPanel({ id: action.id, verdict: 'approve', dwellMs: 700 })).ok).toBe(true);
    expect((await broker.decisions.fromPanel({ id: actions[2]!.id, verdict: 'approve', dwellMs: 650 })).ok).toBe(true);
    expect((await store.get(actions[2]!.id))?.fatigue).toMatch(/^3 approvals in \d+ s/);
    expect((await broker.view.queue()).fatigue?.message).toMatch(/paused for 10 s/);
    const refused = await broker.decisions.fromPanel({ id: actions[3]!.id, verdict: 'approve', dwellMs: 5000 });
    expect(refused).toMatchObject({ ok: false, error: expect.stringMatching(/paused/) });
    expect((await broker.decisions.fromPanel({ id: actions[3]!.id, verdict: 'reject' })).ok).toBe(true); // rejecting is never paused
  });

  it('does not count slow, considered approvals toward fatigue', async () => {
    const { broker, platform } = await setup();
    await broker.updateSettings({ fatigueCount: 2, fatigueDwellMs: 1000 });
    const actions = Array.from({ length: 3 }, (_, i) => proposal({ label: `Send ${i}` }));
    for (const action of actions) await broker.holds.hold(action, origin);
    platform.clock += 5_000; // the cards have been up that long
    for (const action of actions) expect((await broker.decisions.fromPanel({ id: action.id, verdict: 'approve', dwellMs: 4000 })).ok).toBe(true);
    expect((await broker.view.queue()).fatigue).toBeUndefined();
  });

  it('keeps the action held when IndexedDB refuses the write: the hold fails and nothing is sent', async () => {
    const { store, platform } = await setup();
    const failing = Object.assign(Object.create(Object.getPrototypeOf(store)), store, {
      add: async () => {
        throw new DOMException('The quota has been exceeded.', 'QuotaExceededError');
      },
    }) as ActionStore;
    const broker = new Broker(failing, platform);
    await expect(broker.holds.hold(proposal(), origin)).rejects.toThrow('quota');
    expect(platform.sent).toEqual([]);
  });

  it('approves nothing when a decision cannot be written', async () => {
    const { store, platform } = await setup();
    const action = proposal();
    await new Broker(store, platform).holds.hold(action, origin);
    const failing = Object.assign(Object.create(Object.getPrototypeOf(store)), store, {
      settle: async () => {
        throw new DOMException('The transaction was aborted.', 'AbortError');
      },
    }) as ActionStore;
    await expect(new Broker(failing, platform).decisions.fromPanel({ id: action.id, verdict: 'approve' })).rejects.toThrow('aborted');
    expect(decisions(platform)).toEqual([]);
    expect((await store.get(action.id))?.status).toBe('pending');
  });

  it('answers a hello with a debugger check that began after it, sharing checks among a burst', async () => {
    const { broker, platform } = await setup();
    let calls = 0;
    platform.debuggerTabs = async () => {
      calls++;
      const seen = new Set(platform.attached); // what getTargets reports at the moment it is called
      await new Promise((done) => setTimeout(done, 20));
      return seen;
    };
    const early = broker.guard.hello(1); // a check starts now, before anything is attached
    platform.attached.add(2); // a client attaches to a new tab, whose frames then say hello
    const late = await Promise.all([broker.guard.hello(2), broker.guard.hello(2), broker.guard.hello(2)]);
    await early;
    expect(late.every((guard) => guard.debugger)).toBe(true);
    expect(calls).toBe(2);
  });

  describe('requests that left a guarded tab unreviewed', () => {
    const request = (over: Partial<ObservedRequest> = {}): ObservedRequest => ({
      tabId: origin.tabId,
      frameId: 0,
      method: 'POST',
      url: 'https://shop.example/api/worker/sync',
      type: 'xmlhttprequest',
      documentUrl: 'https://shop.example/notes',
      body: { formData: { password: ['hunter2'], note: ['tea'] } },
      at: 0,
      ...over,
    });

    it('watches page and frame loads only while some tab may be guarded', async () => {
      const { broker, platform } = await setup();
      await broker.reconcile();
      expect(platform.watchingNavigationRequests).toBe(false);

      platform.attached.add(2);
      await broker.guard.refreshDebuggers();
      expect(platform.watchingNavigationRequests).toBe(true);
      platform.attached.clear();
      await broker.guard.refreshDebuggers();
      expect(platform.watchingNavigationRequests).toBe(false);

      await broker.guard.arm(1, true);
      expect(platform.watchingNavigationRequests).toBe(true);
      await broker.guard.arm(1, false);
      expect(platform.watchingNavigationRequests).toBe(false);

      await broker.updateSettings({ guardMode: 'always' });
      expect(platform.watchingNavigationRequests).toBe(true);
      await broker.updateSettings({ guardMode: 'automation' });
      expect(platform.watchingNavigationRequests).toBe(false);

      // Guarded by what only the page sees (webdriver, untrusted events): on with its first
      // reported input, until the tab closes.
      broker.traffic.noteInput(2, 'Send', false, platform.clock);
      expect(platform.watchingNavigationRequests).toBe(true);
      platform.attached.add(1);
      await broker.guard.refreshDebuggers();
      platform.attached.clear();
      await broker.guard.refreshDebuggers();
      expect(platform.watchingNavigationRequests).toBe(true);
      await broker.forgetTab(2);
      expect(platform.watchingNavigationRequests).toBe(false);

      await broker.updateSettings({ guardMode: 'off' });
      platform.attached.add(1);
      await broker.guard.refreshDebuggers();
      expect(platform.watchingNavigationRequests).toBe(false);
    });

    it('logs a state-changing request soon after an agent input that nothing covered, secrets masked', async () => {
      const { broker, platform } = await setup();
      broker.traffic.noteInput(origin.tabId, 'Sync now', false, platform.clock);
      const logged = await broker.traffic.observeRequest(request({ at: platform.clock + 1 }));
      expect(logged).toMatchObject({ status: 'unreviewed', trigger: 'request', form: { method: 'post' } });
      expect(logged?.reason).toContain('"Sync now"');
      expect(logged?.fields).toEqual([
        { name: 'password', label: 'password', type: 'request', value: '••••••', masked: true },
        { name: 'note', label: 'note', type: 'request', value: 'tea' },
      ]);
    });

    it('names a JSON body\'s nested fields as the card does (a.b.0), secrets inside masked', async () => {
      const { broker, platform } = await setup();
      broker.traffic.noteInput(origin.tabId, 'Sync now', false, platform.clock);
      const json = JSON.stringify({ user: { email: 'ada@example.com', password: 'hunter2' }, tags: ['tea'] });
      const body = { raw: [{ bytes: new TextEncoder().encode(json).buffer }] };
      const logged = await broker.traffic.observeRequest(request({ at: platform.clock + 1, body }));
      expect(logged?.fields.map((field) => [field.name, field.value])).toEqual([
        ['user.email', 'ada@example.com'],
        ['user.password', '••••••'],
        ['tags.0', 'tea'],
      ]);
    });

    it.each([
      ['a GET', { method: 'GET' }],
      ['a request of a tab with no agent input', { tabId: 999 }],
      ['a GraphQL query', { body: { formData: { query: ['query Q { a }'] } } }],
      ['a beacon to another site', { type: 'ping', url: 'https://analytics.example/collect' }],
      ['a search endpoint', { url: 'https://shop.example/api/search' }],
    ])('leaves %s alone', async (_name, over) => {
      const { broker, platform } = await setup();
      broker.traffic.noteInput(origin.tabId, 'Sync now', false, platform.clock);
      expect(await broker.traffic.observeRequest(request({ at: platform.clock + 1, ...over }))).toBeUndefined();
    });

    it('leaves requests after a benign input alone, and those an approval covered', async () => {
      const { broker, platform } = await setup();
      broker.traffic.noteInput(origin.tabId, 'Add to cart', true, platform.clock);
      expect(await broker.traffic.observeRequest(request({ at: platform.clock + 1 }))).toBeUndefined();
      const held = proposal();
      await broker.holds.hold(held, origin);
      broker.traffic.noteInput(origin.tabId, 'Place order', false, platform.clock);
      await broker.decisions.fromPanel({ id: held.id, verdict: 'approve', confirmation: '12' });
      expect(await broker.traffic.observeRequest(request({ at: platform.clock + 1 }))).toBeUndefined();
    });
  });

  describe("a page's own traffic in a guarded tab", () => {
    const beat = (at: number, over: Partial<ObservedRequest> = {}): ObservedRequest => ({
      tabId: origin.tabId,
      frameId: 0,
      method: 'POST',
      url: 'https://shop.example/api/session/heartbeat?from=timer',
      type: 'xmlhttprequest',
      documentUrl: 'https://shop.example/notes',
      body: null,
      at,
      ...over,
    });
    const traffic = async (store: ActionStore) => (await store.recent(100)).filter((record) => record.traffic);

    it('is counted per endpoint in one unreviewed entry, with no agent input before it', async () => {
      const { broker, store, platform } = await setup();
      platform.attached.add(origin.tabId);
      await broker.guard.refreshDebuggers();
      const start = platform.clock;
      for (const at of [1, 2, 3]) expect(await broker.traffic.observeRequest(beat(start + at))).toBeUndefined();
      await broker.traffic.observeRequest(beat(start + 4, { url: 'https://shop.example/api/drafts/current', method: 'PUT' }));
      await broker.traffic.flushTraffic();
      const entries = await traffic(store);
      expect(entries.map((entry) => [entry.label, entry.status, entry.traffic?.count])).toEqual(
        expect.arrayContaining([
          ['POST /api/session/heartbeat', 'unreviewed', 3],
          ['PUT /api/drafts/current', 'unreviewed', 1],
        ]),
      );
      expect(entries).toHaveLength(2);
      // Later requests add to the same entry, after a restart too (its id comes from the endpoint).
      const restarted = new Broker(store, platform);
      await restarted.guard.refreshDebuggers();
      await restarted.traffic.observeRequest(beat(start + 9));
      await restarted.traffic.flushTraffic();
      const heartbeat = (await traffic(store)).find((entry) => entry.label === 'POST /api/session/heartbeat');
      expect(heartbeat?.traffic).toMatchObject({ count: 4, firstAt: start + 1, lastAt: start + 9 });
    });

    it('is left alone in a tab nothing guards, and once the person silenced its endpoint', async () => {
      const { broker, store, platform } = await setup();
      await broker.traffic.observeRequest(beat(platform.clock + 1));
      await broker.traffic.flushTraffic();
      expect(await traffic(store)).toEqual([]);
      platform.attached.add(origin.tabId);
      await broker.guard.refreshDebuggers();
      await broker.traffic.observeRequest(beat(platform.clock + 2));
      await broker.traffic.flushTraffic();
      const [entry] = await traffic(store);
      expect(await broker.traffic.silenceEndpoint(entry!.id)).toEqual({ ok: true });
      expect((await store.settings()).silencedEndpoints).toEqual(['https://shop.example POST /api/session/heartbeat']);
      await broker.traffic.observeRequest(beat(platform.clock + 3));
      await broker.traffic.flushTraffic();
      expect((await traffic(store))[0]?.traffic?.count).toBe(1);
      expect(await broker.traffic.silenceEndpoint(proposal().id)).toMatchObject({ ok: false });
      await broker.traffic.unsilenceEndpoint('https://shop.example POST /api/session/heartbeat');
      await broker.traffic.observeRequest(beat(platform.clock + 4));
      await broker.traffic.flushTraffic();
      expect((await traffic(store))[0]?.traffic?.count).toBe(2);
    });

    it('still gets an entry of its own when an agent input came just before it', async () => {
      const { broker, platform } = await setup();
      platform.attached.add(origin.tabId);
      await broker.guard.refreshDebuggers();
      broker.traffic.noteInput(origin.tabId, 'Sync now', false, platform.clock);
      expect(await broker.traffic.observeRequest(beat(platform.clock + 1))).toMatchObject({ status: 'unreviewed', reason: expect.stringContaining('"Sync now"') });
    });
  });

  describe('one approval gate for every approving path', () => {
    it('refuses Approve and every shortcut until the action is evaluated, and makes no rule', async () => {
      const { broker, store, platform } = await setup();
      const action = await heldButNotEvaluated(store, platform);
      const refused = { ok: false, error: expect.stringMatching(/still checking/) };
      expect(await broker.decisions.fromPanel({ id: action.id, verdict: 'approve' })).toMatchObject(refused);
      expect(await broker.shortcuts.always(action.id, 'trust')).toMatchObject(refused);
      expect(await broker.shortcuts.grant(action.id, 60_000)).toMatchObject(refused);
      expect(await broker.rules.list()).toEqual([]);
      expect(decisions(platform)).toEqual([]);
      expect(await broker.decisions.fromPanel({ id: action.id, verdict: 'reject' })).toEqual({ ok: true }); // rejecting needs no gate
    });

    it("counts the dwell on the broker's clock, whatever the panel says", async () => {
      const { broker, platform } = await setup({ dwellMs: 1000 });
      const action = proposal({ kind: 'submit' });
      await broker.holds.hold(action, origin);
      expect(await broker.decisions.fromPanel({ id: action.id, verdict: 'approve', dwellMs: 60_000 })).toMatchObject({ ok: false, error: /Read the card first/ });
      expect(await broker.shortcuts.always(action.id, 'trust')).toMatchObject({ ok: false, error: /Read the card first/ });
      platform.clock += 1000;
      expect(await broker.shortcuts.always(action.id, 'trust')).toEqual({ ok: true });
      expect(decisions(platform)).toHaveLength(1);
    });

    it('counts shortcuts toward fatigue and refuses them, and trusting a suggestion, during the pause', async () => {
      const { broker, store, platform } = await setup();
      await broker.updateSettings({ fatigueCount: 2, fatigueDwellMs: 1000, fatiguePauseSeconds: 30 });
      const [a, b, c] = [proposal({ kind: 'submit', label: 'A' }), proposal({ kind: 'send', label: 'B' }), proposal({ kind: 'submit', label: 'C' })];
      for (const action of [a, b]) await broker.holds.hold(action, origin);
      await broker.holds.hold(c, { ...origin, tabId: 2, tabUrl: 'https://other.example/' });
      expect(await broker.shortcuts.always(a.id, 'trust')).toEqual({ ok: true });
      expect(await broker.shortcuts.grant(b.id, 60_000)).toEqual({ ok: true });
      expect((await store.get(b.id))?.fatigue).toMatch(/^2 approvals/);
      expect(await broker.shortcuts.always(c.id, 'trust')).toMatchObject({ ok: false, error: /paused for 30 s/ });
      expect(await broker.shortcuts.answerSuggestion('https://other.example', 'submit', true)).toMatchObject({ ok: false, error: /paused/ });
      expect((await broker.rules.list()).map((rule) => rule.pattern)).toEqual(['https://shop.example', 'https://shop.example']);
      platform.clock += 30_000;
      expect(await broker.shortcuts.always(c.id, 'trust')).toEqual({ ok: true });
    });

    it('keeps a fatigue pause across a worker restart', async () => {
      const { broker, store, platform } = await setup();
      await broker.updateSettings({ fatigueCount: 1, fatigueDwellMs: 1000, fatiguePauseSeconds: 30 });
      const [first, second] = [proposal({ kind: 'submit', label: 'One' }), proposal({ kind: 'submit', label: 'Two' })];
      for (const action of [first, second]) await broker.holds.hold(action, origin);
      expect(await broker.decisions.fromPanel({ id: first.id, verdict: 'approve' })).toEqual({ ok: true });
      const restarted = new Broker(store, platform);
      await restarted.reconcile();
      expect((await restarted.view.queue()).fatigue?.message).toMatch(/paused for 30 s/);
      expect(await restarted.decisions.fromPanel({ id: second.id, verdict: 'approve' })).toMatchObject({ ok: false, error: /paused/ });
    });
  });

  describe('a worker stopped between hold and evaluation', () => {
    it('is evaluated again on restart: the card becomes approvable and Approve delivers once', async () => {
      const { store, platform } = await setup();
      const action = await heldButNotEvaluated(store, platform, proposal({ amount: { value: 250, currency: 'USD', text: '$250.00' } }));
      platform.clock += 500;
      const restarted = new Broker(store, platform);
      await restarted.reconcile();
      const record = await store.get(action.id);
      expect(record).toMatchObject({ status: 'pending', confirm: { value: '250' }, screenshot: 'captured' });
      expect(record?.evaluatedAt).toBeGreaterThan(record!.createdAt);
      expect(platform.timers.has(`timeout:${action.id}`)).toBe(true);
      expect(await restarted.decisions.fromPanel({ id: action.id, verdict: 'approve', confirmation: '250' })).toEqual({ ok: true });
      expect(decisions(platform)).toHaveLength(1);
    });

    it('tells the page what a rule decided, since the reply it waited for was lost', async () => {
      const { store, platform, broker } = await setup();
      await broker.rules.save(undefined, { pattern: 'https://shop.example', trust: 'trust' });
      await broker.rules.save(undefined, { pattern: 'https://blocked.example', trust: 'block' });
      const allowed = await heldButNotEvaluated(store, platform);
      const blocked = await heldButNotEvaluated(store, platform, proposal({ kind: 'submit', frameUrl: 'https://blocked.example/' }));
      await store.update(blocked.id, { tabUrl: 'https://blocked.example/', site: 'https://blocked.example' });
      await new Broker(store, platform).reconcile();
      expect(await store.get(allowed.id)).toMatchObject({ status: 'approved', decidedBy: 'rule' });
      expect(await store.get(blocked.id)).toMatchObject({ status: 'rejected', decidedBy: 'rule' });
      expect(decisions(platform).map((d) => [(d.message as { id: string }).id, (d.message as { verdict: string }).verdict])).toEqual([
        [allowed.id, 'approve'],
        [blocked.id, 'reject'],
      ]);
    });

    it('leaves a hold that arrives as the worker starts to its own evaluation', async () => {
      const { store, platform } = await setup();
      const restarted = new Broker(store, platform);
      const action = proposal({ kind: 'submit' });
      await Promise.all([restarted.holds.hold(action, origin), restarted.reconcile()]);
      expect(decisions(platform)).toEqual([]);
      expect((await store.get(action.id))?.status).toBe('pending');
    });
  });

  describe('with a reviewer passkey registered', () => {
    const key = { credentialId: 'cred-1', publicKey: 'pQECAyYgASFYIA', counter: 0, createdAt: 1 };
    const forged = (challenge: string) => ({
      id: 'cred-1',
      rawId: 'cred-1',
      type: 'public-key' as const,
      response: { clientDataJSON: btoa(JSON.stringify({ type: 'webauthn.get', challenge })).replace(/=+$/, ''), authenticatorData: 'AAAA', signature: 'AAAA' },
      clientExtensionResults: {},
    });

    async function withKey() {
      const setup_ = await setup();
      await setup_.store.savePasskey(key);
      return setup_;
    }

    it('asks for it for high-risk approvals and from a driven panel, not for a plain approval from a panel nobody drives', async () => {
      const { broker, store, platform } = await withKey();
      const plain = proposal({ kind: 'submit', label: 'Save' });
      const costly = proposal({ amount: { value: 250, currency: 'USD', text: '$250.00' } });
      for (const action of [plain, costly]) await broker.holds.hold(action, origin);
      const queue = await broker.view.queue();
      expect(queue.passkeyRegistered).toBe(true);
      expect(queue.actions.map((a) => [a.label, a.needsPasskey])).toEqual([
        ['Save', false],
        [costly.label, true],
      ]);
      expect(await broker.decisions.fromPanel({ id: costly.id, verdict: 'approve', confirmation: '250' })).toMatchObject({ ok: false, error: 'This needs your passkey.' });
      expect((await store.get(costly.id))?.refusals).toEqual([{ at: expect.any(Number), reason: 'This needs your passkey.' }]);
      platform.panelDriven = true;
      expect(await broker.decisions.fromPanel({ id: plain.id, verdict: 'approve' })).toMatchObject({ ok: false });
      platform.panelDriven = false;
      expect(await broker.decisions.fromPanel({ id: plain.id, verdict: 'approve' })).toEqual({ ok: true });
      expect(decisions(platform)).toHaveLength(1);
    });

    it('refuses an answer to no challenge of ours, and one that cannot be read, leaving the action held', async () => {
      const { broker, store, platform } = await withKey();
      await store.saveSettings({ ...(await store.settings()), passkeyFor: ['every'] });
      const action = proposal({ kind: 'submit' });
      await broker.holds.hold(action, origin);
      expect(await broker.decisions.fromPanel({ id: action.id, verdict: 'approve', passkey: forged('made-up') })).toEqual({
        ok: false,
        error: 'This passkey answer was already used or has expired.',
        refusal: { name: 'passkeyUsed' },
      });
      const unreadable = { ...forged('x'), response: { ...forged('x').response, clientDataJSON: 'bm90IGpzb24' } };
      expect(await broker.decisions.fromPanel({ id: action.id, verdict: 'approve', passkey: unreadable })).toMatchObject({ ok: false, error: 'The passkey answer could not be read.' });
      const options = await broker.reviewerKey.challenge(action.id);
      expect('challenge' in options && options.allowCredentials).toEqual([{ id: 'cred-1', type: 'public-key' }]);
      const badSignature = await broker.decisions.fromPanel({ id: action.id, verdict: 'approve', passkey: forged((options as { challenge: string }).challenge) });
      expect(badSignature).toMatchObject({ ok: false, error: expect.stringMatching(/^The passkey did not confirm this/) });
      expect((await store.get(action.id))?.status).toBe('pending');
      expect((await store.get(action.id))?.refusals).toHaveLength(3);
      expect(decisions(platform)).toEqual([]);
    });

    it('takes the key for every rule that trusts, and for lowering or removing the key itself', async () => {
      const { broker, store } = await withKey();
      const action = proposal({ kind: 'submit' });
      await broker.holds.hold(action, origin);
      expect(await broker.shortcuts.always(action.id, 'trust')).toMatchObject({ ok: false, error: 'This needs your passkey.' });
      expect(await broker.shortcuts.grant(action.id, 60_000)).toMatchObject({ ok: false, error: 'This needs your passkey.' });
      expect(await broker.shortcuts.answerSuggestion('https://shop.example', 'submit', true)).toMatchObject({ ok: false, error: 'This needs your passkey.' });
      expect(await broker.shortcuts.saveRule(undefined, { pattern: 'https://a.example', trust: 'ask', kinds: { send: 'trust' } })).toMatchObject({ ok: false, errors: ['This needs your passkey.'] });
      const file = JSON.stringify({ schema: 'countersign-rules', version: 1, exportedAt: '', rules: [{ pattern: 'https://b.example', trust: 'ask', endpoints: ['POST /t'] }] });
      expect(await broker.shortcuts.importRules(file)).toMatchObject({ ok: false, errors: ['This needs your passkey.'] });
      expect(await broker.rules.list()).toEqual([]);
      expect(await broker.shortcuts.saveRule(undefined, { pattern: 'https://a.example', trust: 'block' })).toEqual({ ok: true }); // stricter needs nothing
      expect(await broker.reviewerKey.setScopes(['high-risk', 'devtools', 'every'])).toEqual({ ok: true });
      expect(await broker.reviewerKey.setScopes(['every'])).toMatchObject({ ok: false, error: 'This needs your passkey.' });
      expect(await broker.reviewerKey.remove()).toMatchObject({ ok: false, error: 'This needs your passkey.' });
      expect(await store.passkey()).toEqual(key);
      expect(await broker.shortcuts.always(action.id, 'block')).toEqual({ ok: true }); // refusing never needs it
    });

    it('answers a malformed answer from the panel with a clear error, keeps the action held, and logs the attempt', async () => {
      const { broker, store, platform } = await withKey();
      await store.saveSettings({ ...(await store.settings()), passkeyFor: ['every'] });
      const action = proposal({ kind: 'submit' });
      await broker.holds.hold(action, origin);
      const reply = await handlePanelRequest(broker, { type: 'decide', id: action.id, verdict: 'approve', passkey: { type: 'public-key', id: '<img>' } });
      expect(reply).toMatchObject({ ok: false, error: 'The passkey answer could not be read.' });
      expect(await store.get(action.id)).toMatchObject({ status: 'pending', refusals: [{ reason: 'The passkey answer could not be read.' }] });
      expect(decisions(platform)).toEqual([]);
    });

    it('lets an administrator force scopes the person cannot lower', async () => {
      const { broker, store, platform } = await withKey();
      await store.saveSettings({ ...(await store.settings()), passkeyFor: [] });
      platform.managedPasskey = ['every', 'bogus'];
      expect(await broker.reviewerKey.status()).toEqual({ registered: true, scopes: ['every'], forced: ['every'] });
      const plain = proposal({ kind: 'submit', label: 'Save' });
      await broker.holds.hold(plain, origin);
      expect(await broker.decisions.fromPanel({ id: plain.id, verdict: 'approve' })).toMatchObject({ ok: false, error: 'This needs your passkey.' });
    });
  });
});

