import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ProposedAction } from '@/lib/actions/types';
import { createHoldChannel, ORPHANED, UNREACHABLE } from '@/lib/intercept/hold-channel';
import type { HoldReply } from '@/lib/messaging/protocol';
import { timerClock as clock } from './helpers';

// The hold channel as a state machine on fake time: ask, ask again on silence or a lost reply,
// stop when answered or decided, give up (still held) after 8 s, and notice an orphaned script.

const action = { id: 'a-1' } as ProposedAction;

function channel(send: () => Promise<HoldReply>, alive = () => true) {
  const shown: string[] = [];
  const sent: ProposedAction[] = [];
  let held = 1;
  const { ask } = createHoldChannel({
    clock,
    send: (proposal) => (sent.push(proposal), send()),
    alive,
    status: { show: (text) => shown.push(text), hide: () => undefined },
    heldCount: () => held,
  });
  const replies: (HoldReply | undefined)[] = [];
  let stillHeld = true;
  ask(action, () => stillHeld, (reply) => replies.push(reply));
  return { shown, sent, replies, decide: () => ((stillHeld = false), (held = 0)) };
}

describe('hold channel', () => {
  beforeEach(() => vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout', 'setInterval', 'clearInterval', 'Date'] }));
  afterEach(() => vi.useRealTimers());

  it('asks once when answered at once', async () => {
    const { sent, replies } = channel(async () => ({ status: 'held' }));
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sent).toHaveLength(1);
    expect(replies).toEqual([{ status: 'held' }]);
  });

  it('asks again 250 ms after a lost reply, and again after 3 s of silence', async () => {
    let calls = 0;
    const { sent } = channel(() => (++calls === 1 ? Promise.reject(new Error('port closed')) : new Promise<HoldReply>(() => undefined)));
    await vi.advanceTimersByTimeAsync(249);
    expect(sent).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(sent).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(3000 + 250);
    expect(sent).toHaveLength(3);
    expect(sent.every((proposal) => proposal === action)).toBe(true);
  });

  it('says Countersign cannot be reached once 8 s have gone unanswered, and stops asking', async () => {
    const { sent, shown } = channel(() => new Promise<HoldReply>(() => undefined));
    await vi.advanceTimersByTimeAsync(7_000);
    expect(shown).toEqual([]);
    await vi.advanceTimersByTimeAsync(3_000);
    expect(shown).toEqual([UNREACHABLE]);
    const asked = sent.length;
    await vi.advanceTimersByTimeAsync(20_000);
    expect(sent).toHaveLength(asked);
  });

  it('stops asking once the action was decided meanwhile', async () => {
    const { sent, decide } = channel(() => Promise.reject(new Error('port closed')));
    decide();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(sent).toHaveLength(1);
  });

  it('says the page must be reloaded when the extension is gone, while actions are held', async () => {
    let alive = true;
    const { shown } = channel(async () => ({ status: 'held' }), () => alive);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(shown).toEqual([]);
    alive = false;
    await vi.advanceTimersByTimeAsync(1_000);
    expect(shown).toEqual([ORPHANED]);
  });
});
