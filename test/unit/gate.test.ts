import { describe, expect, it } from 'vitest';
import type { ActionRecord } from '@/lib/db/schema';
import { approvalGate, teamCardGate, type GateCheck } from '@/lib/broker/gate';
import { afterApproval, pauseNotice } from '@/lib/broker/fatigue';
import { proposal } from './helpers';

const record = (over: Partial<ActionRecord> = {}): ActionRecord => ({
  ...proposal(),
  tabId: 1,
  frameId: 0,
  tabUrl: 'https://shop.example/',
  tabTitle: 'Shop',
  site: 'https://shop.example',
  status: 'pending',
  createdAt: 0,
  evaluatedAt: 100,
  risks: [],
  ...over,
});
const check = (over: Partial<GateCheck> = {}): GateCheck => ({ record: record(), now: 2000, dwellMs: 600, fatigue: null, path: 'approve', ...over });
const paused = { until: 5000, message: 'Approvals are paused for 30 s', approvals: [] };
const highRisk = record({ confirm: { value: '250', reasons: ['the amount is over 100 USD'] } });

describe('the approval gate', () => {
  it.each<[string, Partial<GateCheck>, RegExp | null]>([
    ['a pending, evaluated action after the dwell', {}, null],
    ['an action already decided', { record: record({ status: 'approved' }) }, /already decided/],
    ['an action that no longer exists', { record: undefined }, /already decided/],
    ['an action not yet evaluated', { record: record({ evaluatedAt: undefined }) }, /still checking/],
    ['during a fatigue pause', { fatigue: paused }, /paused for 30 s/],
    ['after a fatigue pause', { fatigue: paused, now: 5000 }, null],
    ['before the dwell', { now: 650 }, /Read the card first: it can be approved 1 s after/],
    ['at the end of the dwell', { now: 700 }, null],
    ['a high-risk Approve without the typed value', { record: highRisk }, /Type 250/],
    ['a high-risk Approve with a wrong value', { record: highRisk, confirmation: '25' }, /Type 250/],
    ['a high-risk Approve with the typed value', { record: highRisk, confirmation: '250' }, null],
    ['a shortcut on a high-risk action (which it leaves pending)', { record: highRisk, path: 'shortcut' }, null],
    ['a shortcut before the evaluation', { record: record({ evaluatedAt: undefined }), path: 'shortcut' }, /still checking/],
    ['a shortcut during a pause', { path: 'shortcut', fatigue: paused }, /paused/],
  ])('%s', (_name, over, refusal) => {
    const checked = check(over);
    const verdict = approvalGate(checked);
    if (refusal) expect(verdict).toMatchObject({ ok: false, error: expect.stringMatching(refusal) });
    else expect(verdict).toEqual({ ok: true, record: checked.record });
  });
});

describe('fatigue', () => {
  const settings = { fatigueCount: 3, fatigueDwellMs: 1000, fatiguePauseSeconds: 20 };

  it('pauses on the Nth quick approval within a minute, and starts counting afresh', () => {
    let state = afterApproval(null, { at: 0, dwellMs: 300 }, settings).state;
    state = afterApproval(state, { at: 5000, dwellMs: 5000 }, settings).state; // considered: not counted
    state = afterApproval(state, { at: 6000, dwellMs: 200 }, settings).state;
    const third = afterApproval(state, { at: 9000, dwellMs: 100 }, settings);
    expect(third.warning).toBe('3 approvals in 9 s, each within 1 s of the card appearing. Approvals are paused for 20 s: take a breath and read the next card.');
    expect(third.state).toMatchObject({ until: 29_000, approvals: [] });
  });

  it('refuses by name during the pause, so the panel says it in the person’s language', () => {
    const { state } = afterApproval({ until: 0, message: '', approvals: [{ at: 0, dwellMs: 100 }, { at: 1000, dwellMs: 100 }] }, { at: 2000, dwellMs: 100 }, settings);
    const verdict = approvalGate(check({ fatigue: state, now: 3000 }));
    expect(verdict).toMatchObject({ ok: false, refusal: { name: 'fatiguePaused', values: { count: 3, within: 2, dwell: 1, pause: 20 } } });
    expect(pauseNotice(state, 3000)).toMatchObject({ until: 22_000, refusal: { name: 'fatiguePaused' } });
    expect(pauseNotice(state, 22_000)).toBeUndefined();
    // A pause stored before its values were kept still refuses, in its own words.
    expect(approvalGate(check({ fatigue: paused, now: 3000 }))).toEqual({ ok: false, error: 'Approvals are paused for 30 s' });
  });

  it('forgets quick approvals older than a minute', () => {
    let state = afterApproval(null, { at: 0, dwellMs: 100 }, settings).state;
    state = afterApproval(state, { at: 1000, dwellMs: 100 }, settings).state;
    const later = afterApproval(state, { at: 60_500, dwellMs: 100 }, settings);
    expect(later.warning).toBeUndefined();
    expect(later.state.approvals).toHaveLength(2);
  });
});

describe('a team card’s way through the gate', () => {
  it('takes Approve for an action, and the answer path for a question, approving only where the answer says go ahead', () => {
    expect(teamCardGate({ kind: 'submit' }, undefined)).toEqual({ path: 'approve', approving: true });
    expect(teamCardGate({ kind: 'question' }, 'Yes, buy the red one')).toEqual({ path: 'answer', approving: true });
    expect(teamCardGate({ kind: 'question' }, 'No, wait for me')).toEqual({ path: 'answer', approving: false });
  });

  it('holds an approving answer back during a fatigue pause, and lets a refusing one through', () => {
    const question = record({ kind: 'question' });
    for (const [answer, ok] of [['go ahead', false], ['no', true]] as const) {
      const { path, approving } = teamCardGate(question, answer);
      expect(approvalGate({ ...check(), record: question, fatigue: approving ? paused : null, path }).ok).toBe(ok);
    }
  });
});
