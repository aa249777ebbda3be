import { Window as HappyWindow } from 'happy-dom';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ProposedAction } from '@/lib/actions/types';
import type { TabGuard } from '@/lib/detect/signals';
import { createDescriber, type Describer } from '@/lib/intercept/describer';
import { describerLoader, DESCRIBER_GLOBAL } from '@/lib/intercept/describer-loader';
import { installInterceptor, type Interceptor } from '@/lib/intercept/interceptor';
import type { HoldReply } from '@/lib/messaging/protocol';
import { timerClock as clock } from './helpers';

// Each test gets its own window, so listeners from one never see another's clicks, and runs on
// fake timers: the interceptor reads time only through the clock it is given.
let happy: HappyWindow;
let win: Window & typeof globalThis;
let document: Document;

function setup(
  guard: TabGuard | Promise<TabGuard>,
  reply: () => Promise<HoldReply> = async () => ({ status: 'held' }),
  { touched = true, describer = async () => createDescriber(win) }: { touched?: boolean; describer?: () => Promise<Describer> } = {},
) {
  happy = new HappyWindow({ url: 'https://shop.example/product' });
  win = happy as unknown as Window & typeof globalThis;
  document = win.document;
  const proposals: ProposedAction[] = [];
  inputs.length = 0;
  noteTimes.length = 0;
  const clicks: string[] = [];
  document.body.innerHTML = '<button id="buy" type="button">Buy now</button><button id="tab" role="tab">Reviews</button>';
  for (const id of ['buy', 'tab']) document.getElementById(id)!.addEventListener('click', () => clicks.push(id));
  let hellos = 0;
  loads = 0;
  const interceptor: Interceptor = installInterceptor(win, {
    hello: () => {
      hellos++;
      return Promise.resolve(guard);
    },
    alive: () => alive,
    input: (label, _benign, at) => {
      inputs.push(label);
      noteTimes.push({ at, sentAt: Date.now() });
    },
    hold: (action) => {
      proposals.push(action);
      return reply();
    },
    join: async () => ({ joined: true }),
    ran: () => undefined,
  }, () => (loads++, describer()), clock);
  // The frame asks about its tab at its first input; a press comes before any real click.
  if (touched) document.body.dispatchEvent(new win.Event('pointerdown', { bubbles: true }));
  return { proposals, clicks, interceptor, hellos: () => hellos };
}

let alive = true;
let loads = 0;
const inputs: string[] = [];
const noteTimes: { at: number; sentAt: number }[] = [];
const wait = (ms: number) => vi.advanceTimersByTimeAsync(ms);
const flush = () => wait(5);
const click = (id: string) => document.getElementById(id)!.click();
const statusText = () =>
  document.querySelector('countersign-status')?.shadowRoot?.querySelector('[role=status]')?.textContent;

describe('interceptor', () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] });
  });
  afterEach(async () => {
    vi.useRealTimers();
    await happy.happyDOM.close();
  });

  it('holds a synthetic purchase click before the page handler sees it', async () => {
    const { proposals, clicks } = setup({ mode: 'automation', armed: false, debugger: false });
    await flush();
    click('buy');
    await flush();
    expect(clicks).toEqual([]);
    expect(proposals).toHaveLength(1);
    expect(proposals[0]).toMatchObject({ kind: 'purchase', label: 'Buy now', trigger: 'click' });
    expect(proposals[0]!.signals).toContain('untrusted-event');
    expect(statusText()).toBe('Held for review by a person');
  });

  it('replays an approved action exactly once', async () => {
    const { proposals, clicks, interceptor } = setup({ mode: 'automation', armed: false, debugger: false });
    await flush();
    click('buy');
    await flush();
    const id = proposals[0]!.id;
    expect(interceptor.receive({ type: 'decision', id, verdict: 'approve' })).toEqual({ delivered: true });
    expect(interceptor.receive({ type: 'decision', id, verdict: 'approve' })).toEqual({ delivered: false });
    await flush();
    expect(clicks).toEqual(['buy']);
    expect(proposals).toHaveLength(1); // the replay is not held again
    expect(statusText()).toBe('Approved by reviewer');
  });

  it('drops a rejected action and tells the page why', async () => {
    const { proposals, clicks, interceptor } = setup({ mode: 'automation', armed: false, debugger: false });
    await flush();
    click('buy');
    await flush();
    interceptor.receive({ type: 'decision', id: proposals[0]!.id, verdict: 'reject', note: 'too expensive' });
    await flush();
    expect(clicks).toEqual([]);
    expect(statusText()).toBe('Rejected by reviewer: too expensive');
  });

  it('lets benign clicks through untouched', async () => {
    const { proposals, clicks } = setup({ mode: 'automation', armed: false, debugger: false });
    await flush();
    click('tab');
    expect(clicks).toEqual(['tab']);
    expect(proposals).toEqual([]);
  });

  it('says nothing to the background until the frame sees its first input, then asks once', async () => {
    const { hellos } = setup({ mode: 'automation', armed: false, debugger: true }, undefined, { touched: false });
    await flush();
    document.body.dispatchEvent(new win.Event('scroll'));
    expect(hellos()).toBe(0);
    document.body.dispatchEvent(new win.Event('focusin', { bubbles: true }));
    click('tab');
    document.body.dispatchEvent(new win.Event('pointerdown', { bubbles: true }));
    expect(hellos()).toBe(1);
  });

  it('holds a synthetic click with no input before it as unconfirmed, asking about the tab then', async () => {
    const { proposals, clicks, hellos } = setup({ mode: 'off', armed: false, debugger: false }, async () => ({ status: 'release' }), { touched: false });
    click('buy');
    expect(hellos()).toBe(1);
    expect(clicks).toEqual([]);
    await flush();
    expect(proposals[0]!.signals).toContain('unconfirmed');
    expect(clicks).toEqual(['buy']);
  });

  it('treats a refused hello as no answer: actions stay unconfirmed, for the background to judge', async () => {
    const refusal = { ok: false, refused: true, error: 'hello: not sent from a tab' } as unknown as TabGuard;
    const { proposals, clicks } = setup(refusal, async () => ({ ok: false, refused: true, error: 'hold: bad id' }) as unknown as HoldReply);
    await flush();
    click('buy');
    await flush();
    expect(proposals[0]!.signals).toContain('unconfirmed');
    expect(clicks).toEqual([]); // a refused hold is not a release
    expect(statusText()).toMatch(/refused .*nothing was sent/);
  });

  it('holds nothing when the guard is off', async () => {
    const { proposals, clicks } = setup({ mode: 'off', armed: false, debugger: false });
    await flush();
    click('buy');
    expect(clicks).toEqual(['buy']);
    expect(proposals).toEqual([]);
  });

  it('holds an action raised before the guard state is known, and releases it when the background says so', async () => {
    const { proposals, clicks } = setup(new Promise<TabGuard>(() => undefined), async () => ({ status: 'release' }));
    click('buy');
    expect(clicks).toEqual([]);
    await flush();
    expect(proposals[0]!.signals).toContain('unconfirmed');
    expect(clicks).toEqual(['buy']);
  });

  it('asks again when the reply to a hold is lost, with the same action, and keeps it held', async () => {
    let calls = 0;
    const { clicks, proposals } = setup({ mode: 'automation', armed: false, debugger: false }, () =>
      ++calls === 1 ? Promise.reject(new Error('message port closed')) : Promise.resolve({ status: 'held' }),
    );
    await flush();
    click('buy');
    await wait(400);
    expect(proposals).toHaveLength(2);
    expect(proposals[1]).toEqual(proposals[0]);
    expect(clicks).toEqual([]);
    expect(statusText()).toBe('Held for review by a person');
  });

  it('asks again when a hold gets no answer at all (sent while the worker was stopping), and a late answer still counts', async () => {
    let calls = 0;
    let lateAnswer: (reply: HoldReply) => void = () => undefined;
    const { clicks, proposals } = setup({ mode: 'automation', armed: false, debugger: false }, () =>
      ++calls === 1 ? new Promise<HoldReply>((answer) => (lateAnswer = answer)) : Promise.resolve({ status: 'held' }),
    );
    await flush();
    click('buy');
    await flush();
    expect(proposals).toHaveLength(1);
    await wait(3400);
    expect(proposals).toHaveLength(2);
    expect(proposals[1]).toEqual(proposals[0]);
    expect(clicks).toEqual([]);
    expect(statusText()).toBe('Held for review by a person');
    // Answered: no more asking. The first attempt's answer, arriving late, releases it once.
    await wait(3400);
    expect(proposals).toHaveLength(2);
    lateAnswer({ status: 'release' });
    await flush();
    await flush();
    expect(clicks).toEqual(['buy']);
  });

  it('says Countersign cannot be reached when no attempt is ever answered, and keeps the action held', async () => {
    const { clicks, proposals } = setup({ mode: 'automation', armed: false, debugger: false }, () => new Promise<HoldReply>(() => undefined));
    await flush();
    click('buy');
    await wait(7000);
    expect(statusText()).toBe('Held for review by a person');
    await wait(3500);
    expect(statusText()).toBe('Held: Countersign could not reach its reviewer; nothing was sent');
    expect(proposals.length).toBeGreaterThan(1);
    expect(clicks).toEqual([]);
  });

  it('keeps the action held, and says so, when the extension is gone', async () => {
    alive = false;
    const { clicks } = setup({ mode: 'automation', armed: false, debugger: false }, () => Promise.reject(new Error('gone')));
    await flush();
    click('buy');
    await flush();
    expect(clicks).toEqual([]);
    expect(statusText()).toContain('nothing was sent');
    alive = true;
  });

  it('ignores decisions for ids it never held', async () => {
    const { interceptor } = setup({ mode: 'automation', armed: false, debugger: false });
    expect(interceptor.receive({ type: 'decision', id: 'forged', verdict: 'approve' })).toEqual({ delivered: false });
    expect(interceptor.receive({ type: 'unknown' } as never)).toBeUndefined();
  });

  it('keeps holding when the extension is reloaded, and tells the page', async () => {
    alive = true;
    const { clicks } = setup({ mode: 'automation', armed: false, debugger: false });
    await flush();
    click('buy');
    await flush();
    alive = false;
    await wait(1100);
    expect(statusText()).toContain('Countersign was reloaded, so these actions were not sent');
    expect(clicks).toEqual([]);
    alive = true;
  });

  it.each([
    ['a tab a DevTools client drives', { mode: 'automation', armed: false, debugger: true }, ['Reviews']],
    ['a tab where the click itself is synthetic', { mode: 'automation', armed: false, debugger: false }, ['Reviews']],
    ['guard mode off', { mode: 'off', armed: false, debugger: true }, []],
  ] as const)('reports control activations for the unreviewed log in %s', async (_name, guard, expected) => {
    setup({ ...guard });
    await flush();
    click('tab'); // synthetic here, as an agent extension's click would be
    await flush();
    expect(inputs).toEqual(expected);
  });

  it('sends one note for a burst of inputs: the first at once, the latest at the end with its own time', async () => {
    setup({ mode: 'automation', armed: false, debugger: true });
    await flush();
    for (let i = 0; i < 50; i++) click('tab');
    document.getElementById('tab')!.textContent = 'Details';
    const lastAt = Date.now();
    click('tab');
    expect(inputs).toEqual(['Reviews']);
    await wait(150);
    expect(inputs).toEqual(['Reviews', 'Details']);
    expect(noteTimes[1]!.at).toBeGreaterThanOrEqual(lastAt);
    expect(noteTimes[1]!.at).toBeLessThan(noteTimes[1]!.sentAt);
  });

  it('holds a request event it cannot read as unclassified, and answers it under its nonce', async () => {
    const { proposals, interceptor } = setup({ mode: 'automation', armed: false, debugger: true });
    await flush();
    const answers: unknown[] = [];
    win.addEventListener('countersign:request-decision', (event) => answers.push(JSON.parse(String((event as CustomEvent).detail))));
    const event = new win.CustomEvent('countersign:request', { cancelable: true, detail: JSON.stringify({ nonce: 'n-1', url: 42 }) });
    win.dispatchEvent(event);
    expect(event.defaultPrevented).toBe(true);
    await flush();
    expect(proposals).toHaveLength(1);
    expect(proposals[0]).toMatchObject({ kind: 'unclassified', trigger: 'request' });
    expect(proposals[0]!.unreadable?.[0]).toContain('malformed');
    interceptor.receive({ type: 'decision', id: proposals[0]!.id, verdict: 'reject' });
    expect(answers).toEqual([{ nonce: 'n-1', verdict: 'reject' }]);
  });

  it('ignores a request event with no nonce: nothing could answer it, and the hook always sends one', async () => {
    const { proposals } = setup({ mode: 'automation', armed: false, debugger: true });
    await flush();
    const event = new win.CustomEvent('countersign:request', { cancelable: true, detail: JSON.stringify({ url: 'https://shop.example/pay' }) });
    win.dispatchEvent(event);
    await flush();
    expect(event.defaultPrevented).toBe(false);
    expect(proposals).toEqual([]);
  });

  it('ignores a malformed message from the background, and the action stays held', async () => {
    const { proposals, clicks, interceptor } = setup({ mode: 'automation', armed: false, debugger: false });
    await flush();
    click('buy');
    await flush();
    const id = proposals[0]!.id;
    expect(interceptor.receive({ type: 'decision', id, verdict: 'approve', edits: 'all' })).toBeUndefined();
    expect(interceptor.receive({ type: 'decision', id, verdict: 'yes' })).toBeUndefined();
    expect(interceptor.receive({ type: 'reveal', id, index: -1 })).toBeUndefined();
    await flush();
    expect(clicks).toEqual([]);
    expect(interceptor.heldCount()).toBe(1);
    expect(interceptor.receive({ type: 'decision', id, verdict: 'approve' })).toEqual({ delivered: true });
  });

  it('asks for the describing half only when the frame holds something', async () => {
    const { proposals, interceptor } = setup({ mode: 'automation', armed: false, debugger: false });
    await flush();
    click('tab');
    await flush();
    expect(loads).toBe(0);
    click('buy');
    await flush();
    click('buy');
    await flush();
    expect(proposals).toHaveLength(2);
    expect(loads).toBeGreaterThan(0);
    expect(proposals[0]).toMatchObject({ kind: 'purchase', label: 'Buy now' });
    expect(interceptor.heldCount()).toBe(2);
  });

  it('holds an action as unreadable when its description cannot be loaded, and sends nothing', async () => {
    const { proposals, clicks, interceptor } = setup({ mode: 'automation', armed: false, debugger: false }, undefined, {
      describer: () => Promise.reject(new Error('the extension was reloaded')),
    });
    await flush();
    click('buy');
    await flush();
    expect(clicks).toEqual([]);
    expect(proposals[0]).toMatchObject({ kind: 'unclassified', fields: [] });
    expect(proposals[0]!.unreadable?.[0]).toContain('could not be loaded');
    expect(interceptor.receive({ type: 'decision', id: proposals[0]!.id, verdict: 'reject' })).toEqual({ delivered: true });
    await flush();
    expect(clicks).toEqual([]);
  });

  it('injects the describer once, and again only after a load that failed', async () => {
    const scope = globalThis as unknown as Record<string, unknown>;
    let injections = 0;
    let fail = true;
    const load = describerLoader(async () => {
      injections++;
      if (!fail) scope[DESCRIBER_GLOBAL] = { read: () => undefined };
    });
    try {
      await expect(load()).rejects.toThrow('the describer did not load');
      fail = false;
      const first = await load();
      expect(await load()).toBe(first);
      expect(injections).toBe(2);
    } finally {
      delete scope[DESCRIBER_GLOBAL];
    }
  });
});
