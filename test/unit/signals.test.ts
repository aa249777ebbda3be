import { describe, expect, it } from 'vitest';
import { confirmedSignals, contentSignals, toolSignals, type TabGuard } from '@/lib/detect/signals';

const guard = (over: Partial<TabGuard> = {}): TabGuard => ({ mode: 'automation', armed: false, debugger: false, ...over });

describe('contentSignals', () => {
  it.each([
    ['a person in an unguarded tab', guard(), false, true, []],
    ['navigator.webdriver', guard(), true, true, ['webdriver']],
    ['a synthetic event', guard(), false, false, ['untrusted-event']],
    ['a DevTools-protocol client', guard({ debugger: true }), false, true, ['debugger']],
    ['an armed tab', guard({ armed: true }), false, true, ['armed']],
    ['mode always', guard({ mode: 'always' }), false, true, ['always']],
    ['mode off, even under automation', guard({ mode: 'off', debugger: true }), true, false, []],
    ['before the background answered', null, false, true, ['unconfirmed']],
  ] as const)('%s', (_name, tabGuard, webdriver, trusted, expected) => {
    expect(contentSignals(tabGuard, webdriver, trusted)).toEqual(expected);
  });
});

describe('confirmedSignals', () => {
  it('releases an unconfirmed hold when the tab turns out unguarded', () => {
    expect(confirmedSignals(['unconfirmed'], guard())).toEqual([]);
  });
  it('adds what only the background knows', () => {
    expect(confirmedSignals(['unconfirmed'], guard({ debugger: true }))).toEqual(['debugger']);
  });
  it('keeps what only the page could see', () => {
    expect(confirmedSignals(['webdriver', 'untrusted-event'], guard())).toEqual(['webdriver', 'untrusted-event']);
  });
  it('never trusts a page that claims the tab is armed or always guarded', () => {
    expect(confirmedSignals(['armed', 'always', 'debugger'], guard())).toEqual([]);
  });
});

describe('toolSignals', () => {
  it('holds a WebMCP tool call in any tab, before the background answered too, unless the guard is off', () => {
    expect(toolSignals(null, false)).toEqual(['tool-call']);
    expect(toolSignals(guard(), false)).toEqual(['tool-call']);
    expect(toolSignals(guard({ debugger: true }), true)).toEqual(['tool-call', 'webdriver', 'debugger']);
    expect(toolSignals(guard({ mode: 'off' }), true)).toEqual([]);
  });
  it('keeps a tool call held when the background confirms the tab, and lets the guard switched off release it', () => {
    expect(confirmedSignals(['tool-call'], guard())).toEqual(['tool-call']);
    expect(confirmedSignals(['tool-call'], guard({ mode: 'off' }))).toEqual([]);
  });
});
