import { describe, expect, it } from 'vitest';
import { parseContentRequest, parsePanelRequest, parseProposedAction } from '@/lib/messaging/validate';
import { isContentScript, isExtensionPage } from '@/lib/messaging/senders';
import { proposal } from './helpers';

describe('parseProposedAction', () => {
  it('accepts a well-formed proposal and keeps only known keys', () => {
    const valid = proposal({ amount: { value: 12, currency: 'USD', text: '$12' }, recipients: ['a@b.c'], message: 'hi' });
    const parsed = parseProposedAction({ ...valid, status: 'approved', decidedBy: 'person', extra: '<script>' });
    expect(parsed).toEqual(valid);
    expect(parsed).not.toHaveProperty('status');
  });

  it.each([
    ['not an object', 'hold'],
    ['unknown kind', { ...proposal(), kind: 'delete-account' }],
    ['unknown trigger', { ...proposal(), trigger: 'hover' }],
    ['unknown signal', { ...proposal(), signals: ['approved-by-page'] }],
    ['id with odd characters', { ...proposal(), id: '../../x' }],
    ['too many fields', { ...proposal(), fields: Array.from({ length: 201 }, () => proposal().fields[0]) }],
    ['oversized value', { ...proposal(), fields: [{ name: 'x', label: 'x', type: 'text', value: 'v'.repeat(2001) }] }],
    ['field that is not an object', { ...proposal(), fields: ['x'] }],
    ['amount that is not a number', { ...proposal(), amount: { value: 'lots', currency: 'USD', text: '' } }],
    ['recipients that are not strings', { ...proposal(), recipients: [1] }],
    ['missing heldAt', { ...proposal(), heldAt: undefined }],
    ['infinite heldAt', { ...proposal(), heldAt: Infinity }],
  ])('refuses %s', (_name, value) => {
    expect(parseProposedAction(value)).toBeNull();
  });
});

describe('parseContentRequest', () => {
  it('knows only hello and hold', () => {
    expect(parseContentRequest({ type: 'hello' })).toEqual({ type: 'hello' });
    expect(parseContentRequest({ type: 'decide', id: 'x', verdict: 'approve' })).toBeNull();
    expect(parseContentRequest({ type: 'hold', action: {} })).toBeNull();
    expect(parseContentRequest(null)).toBeNull();
  });
});

describe('parsePanelRequest', () => {
  it.each([
    [{ type: 'queue' }, { type: 'queue' }],
    [{ type: 'decide', id: 'a1', verdict: 'approve' }, { type: 'decide', id: 'a1', verdict: 'approve' }],
    [{ type: 'decide', id: 'a1', verdict: 'reject', note: 'no' }, { type: 'decide', id: 'a1', verdict: 'reject', note: 'no' }],
    [{ type: 'decide', id: 'a1', verdict: 'maybe' }, null],
    [{ type: 'decide', id: 'a1', verdict: 'reject', note: 5 }, null],
    [{ type: 'clear-history' }, { type: 'clear-history' }],
    [{ type: 'set-settings', settings: { historyMaxEntries: 10, timeoutSeconds: 30 } }, { type: 'set-settings', settings: { historyMaxEntries: 10, timeoutSeconds: 30 } }],
    [{ type: 'set-settings', settings: { historyMaxEntries: 0 } }, null],
    [{ type: 'set-settings', settings: { timeoutSeconds: 1.5 } }, null],
    [{ type: 'set-settings', settings: { silencedSuggestions: [] } }, null],
    [{ type: 'grant', id: 'a1', durationMs: 900000 }, { type: 'grant', id: 'a1', durationMs: 900000 }],
    [{ type: 'grant', id: 'a1', durationMs: 10 }, null],
    [{ type: 'import-rules', text: 5 }, null],
    [{ type: 'set-settings', settings: { guardMode: 'off' } }, { type: 'set-settings', settings: { guardMode: 'off' } }],
    [{ type: 'set-settings', settings: { guardMode: 'sometimes' } }, null],
    [{ type: 'arm', tabId: 3, armed: true }, { type: 'arm', tabId: 3, armed: true }],
    [{ type: 'arm', tabId: -1, armed: true }, null],
    [{ type: 'drop-database' }, null],
  ])('%j -> %j', (message, expected) => {
    expect(parsePanelRequest(message)).toEqual(expected);
  });
});

describe('sender checks', () => {
  const id = 'abcdefghijklmnop';
  const origin = `chrome-extension://${id}/`;

  it('lets the side panel decide, also when it is open as a tab', () => {
    expect(isExtensionPage({ id, url: `${origin}sidepanel.html` }, id, origin)).toBe(true);
    expect(isExtensionPage({ id, url: `${origin}sidepanel.html`, tab: { id: 4 }, frameId: 0 }, id, origin)).toBe(true);
  });

  it('never treats a content script as an extension page', () => {
    const content = { id, url: 'https://shop.example/', tab: { id: 4 }, frameId: 0 };
    expect(isExtensionPage(content, id, origin)).toBe(false);
    expect(isContentScript(content, id, origin)).toBe(true);
  });

  it('refuses other extensions', () => {
    expect(isExtensionPage({ id: 'other', url: `${origin}x.html` }, id, origin)).toBe(false);
    expect(isContentScript({ id: 'other', url: 'https://a/', tab: { id: 1 }, frameId: 0 }, id, origin)).toBe(false);
  });
});
