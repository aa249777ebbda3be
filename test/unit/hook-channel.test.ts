import { Window as HappyWindow } from 'happy-dom';
import { afterEach, describe, expect, it } from 'vitest';
import { createOffer } from '@/lib/intercept/hook-channel';
import { REQUEST_DECISION_EVENT } from '@/lib/intercept/hook-events';
import type { RequestDecision } from '@/lib/messaging/frames';

// The MAIN world's side of a hold: a decision it cannot read rejects what waits on it.

let happy: HappyWindow;
afterEach(() => happy.happyDOM.close());

function offered() {
  happy = new HappyWindow({ url: 'https://shop.example/' });
  const win = happy as unknown as Window & typeof globalThis;
  const offer = createOffer(win);
  let nonce = '';
  win.addEventListener('countersign:request', (event) => {
    nonce = JSON.parse(String((event as CustomEvent).detail)).nonce;
    event.preventDefault();
  });
  const decisions: RequestDecision[] = [];
  expect(offer('countersign:request', { url: 'https://shop.example/pay' }, (decision) => decisions.push(decision))).toBe(true);
  const answer = (detail: unknown) => win.dispatchEvent(new win.CustomEvent(REQUEST_DECISION_EVENT, { detail: JSON.stringify(detail) }));
  return { nonce, decisions, answer };
}

describe('hook channel', () => {
  it('resumes what waits on a nonce once, with the decision', () => {
    const { nonce, decisions, answer } = offered();
    answer({ nonce, verdict: 'approve', reviewed: true });
    answer({ nonce, verdict: 'approve', reviewed: true });
    expect(decisions).toEqual([{ nonce, verdict: 'approve', reviewed: true }]);
  });

  it('rejects on a decision it cannot read, and ignores one for a nonce nobody waits on', () => {
    const { nonce, decisions, answer } = offered();
    answer({ nonce: 'someone-else', verdict: 'approve' });
    expect(decisions).toEqual([]);
    answer({ nonce, verdict: 'approve', reviewed: 'yes' });
    expect(decisions).toEqual([{ nonce, verdict: 'reject' }]);
  });
});
