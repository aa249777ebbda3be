import { describe, expect, it } from 'vitest';
import { readContentRequest, readPanelRequest } from '@/lib/messaging/messages';
import { parseProposedAction } from '@/lib/messaging/validate';
import { isContentScript, isExtensionPage } from '@/lib/messaging/senders';
import { parseContentRequest, parsePanelRequest, proposal } from './helpers';


describe('parseProposedAction', () => {
  it('accepts a well-formed proposal and keeps only known keys', () => {
    const valid = proposal({ amount: { value: 12, currency: 'USD', text: '$12' }, recipients: ['a@b.c'], message: 'hi' });
    const parsed = parseProposedAction({ ...valid, status: 'approved', decidedBy: 'person', extra: '<script>' });
    expect(parsed).toEqual(valid);
    expect(parsed).not.toHaveProperty('status');
  });

  it.each([
    ['not an object', 'hold'],
    ['id with odd characters', { ...proposal(), id: '../../x' }],
    ['no id', { ...proposal(), id: undefined }],
  ])('refuses %s: no decision could find its way back', (_name, value) => {
    expect(parseProposedAction(value)).toBeNull();
  });

  // Anything else a page gets wrong still makes a card that says what could not be read.
  it.each([
    ['unknown kind', { kind: 'delete-account' }, { kind: 'unclassified' }, 'kind'],
    ['unknown trigger', { trigger: 'hover' }, { trigger: 'click' }, 'trigger'],
    ['too many fields', { fields: Array.from({ length: 201 }, () => proposal().fields[0]) }, {}, '1 field'],
    ['oversized value', { fields: [{ name: 'x', label: 'x', type: 'text', value: 'v'.repeat(2001) }] }, { fields: [] }, '1 field'],
    ['field that is not an object', { fields: ['x'] }, { fields: [] }, '1 field'],
    ['amount that is not a number', { amount: { value: 'lots', currency: 'USD', text: '' } }, {}, 'amount'],
    ['recipients that are not strings', { recipients: [1] }, {}, 'recipients'],
    ['a form action that is an element, not a string', { form: { action: {}, method: 'post' } }, {}, 'destination'],
    ['a label that is not text', { label: { nodeName: 'INPUT' } }, { label: '' }, 'control label'],
  ])('keeps a proposal with %s, and names the part it could not read', (_name, change, expected, named) => {
    const parsed = parseProposedAction({ ...proposal(), ...change });
    expect(parsed).toMatchObject(expected);
    expect(parsed?.unreadable?.join(' ')).toContain(`the page's description of: `);
    expect(parsed?.unreadable?.join(' ')).toContain(named);
  });

  it.each([
    [{ action: 'https://shop.example/order', method: 'post' }],
    [{ action: 'https://shop.example/order', method: 'post', enctype: 'multipart/form-data', target: '_blank' }],
    [{ action: 'https://api.example/send', method: 'POST', via: 'fetch' }],
  ])('keeps a destination %j with only the parts it has', (form) => {
    const parsed = parseProposedAction({ ...proposal(), form });
    expect(parsed?.form).toEqual(form);
    expect(parsed?.unreadable).toBeUndefined();
  });

  it('keeps only the known signals, and asks the background to check when none is left', () => {
    expect(parseProposedAction({ ...proposal(), signals: ['approved-by-page'] })?.signals).toEqual(['unconfirmed']);
    expect(parseProposedAction({ ...proposal(), signals: ['webdriver', 'nope'] })?.signals).toEqual(['webdriver']);
  });

  it('takes the time of the hold from the background when the page gives none', () => {
    expect(parseProposedAction({ ...proposal(), heldAt: Infinity })?.heldAt).toBeGreaterThan(1_700_000_000_000);
  });
});

describe('parseContentRequest', () => {
  it('knows only hello, hold and input', () => {
    expect(parseContentRequest({ type: 'hello' })).toEqual({ type: 'hello' });
    expect(parseContentRequest({ type: 'decide', id: 'x', verdict: 'approve' })).toBeNull();
    expect(parseContentRequest({ type: 'hold', action: {} })).toBeNull();
    expect(parseContentRequest({ type: 'input', label: 'Login', benign: false, at: 5 })).toEqual({ type: 'input', label: 'Login', benign: false, at: 5 });
    expect(parseContentRequest({ type: 'input', label: 5, benign: false })).toBeNull();
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
    [{ type: 'passkey-scopes', scopes: ['every', 'devtools'] }, { type: 'passkey-scopes', scopes: ['every', 'devtools'] }],
    [{ type: 'passkey-scopes', scopes: ['sometimes'] }, null],
    [{ type: 'passkey-challenge', id: 'a1' }, { type: 'passkey-challenge', id: 'a1' }],
    [{ type: 'passkey-challenge', id: 7 }, null],
    [{ type: 'passkey-remove', current: 'yes' }, null],
  ])('%j -> %j', (message, expected) => {
    expect(parsePanelRequest(message)).toEqual(expected);
  });
});

describe('refusals', () => {
  it.each([
    [{ type: 'drop-database' }, /unknown message type "drop-database"/],
    [{ type: 'toString' }, /unknown message type "toString"/],
    [{ type: 'decide', id: 'a1', verdict: 'maybe' }, /^decide: .*verdict/s],
    [{ type: 'set-settings', settings: { silencedSuggestions: [] } }, /^set-settings: .*silencedSuggestions/s],
    ['queue', /unknown message type/],
  ])('%j is refused with a typed error that says why', (message, error) => {
    const read = readPanelRequest(message);
    expect(read).toMatchObject({ ok: false, refused: true });
    expect(read.ok ? '' : read.error).toMatch(error);
  });

  it('a frame cannot send a panel message, nor the panel a frame message it has no handler for', () => {
    expect(readContentRequest({ type: 'queue' })).toMatchObject({ ok: false, error: /unknown message type "queue"/ });
    expect(readPanelRequest({ type: 'hold', action: {} })).toMatchObject({ ok: false, error: /unknown message type "hold"/ });
  });

  it.each([
    ['a hole in an array', { pattern: 'https://a.example', trust: 'trust', endpoints: [undefined] }],
    ['a number JSON cannot carry', { pattern: 'https://a.example', trust: 'trust', threshold: { amount: NaN, currency: 'USD' } }],
    ['a class instance', { pattern: 'https://a.example', trust: 'trust', note: new Date(0) }],
  ])('a rule spec holding %s is refused: only JSON data reaches the rule book', (_name, spec) => {
    expect(parsePanelRequest({ type: 'save-rule', spec })).toBeNull();
    expect(parsePanelRequest({ type: 'save-rule', spec: { ...spec, endpoints: ['POST /api'], threshold: undefined, note: 'ok' } })).toMatchObject({ type: 'save-rule' });
  });

  it('a settings key present with no value is refused, not stored as missing', () => {
    expect(parsePanelRequest({ type: 'set-settings', settings: { guardMode: undefined } })).toBeNull();
  });
});

describe('passkey registrations', () => {
  const registration = { id: 'Y3JlZA', rawId: 'Y3JlZA', type: 'public-key', response: { clientDataJSON: 'eyJ9', attestationObject: 'o2Nm' } };

  it('accepts one that names no transports, and keeps only the transports it knows', () => {
    expect(parsePanelRequest({ type: 'passkey-register', response: registration })).toMatchObject({ response: { response: { transports: [] } } });
    const withTransports = { ...registration, response: { ...registration.response, transports: ['internal', 'carrier-pigeon'] } };
    expect(parsePanelRequest({ type: 'passkey-register', response: withTransports })).toMatchObject({ response: { response: { transports: ['internal'] } } });
  });
});

describe('passkey answers', () => {
  const answer = {
    id: 'Y3JlZA',
    rawId: 'Y3JlZA',
    type: 'public-key',
    response: { clientDataJSON: 'eyJ9', authenticatorData: 'AAAA', signature: 'MEUC', userHandle: 'dXNlcg' },
    clientExtensionResults: { appid: true },
    authenticatorAttachment: 'platform',
    injected: '<script>',
  };

  it('keeps only what verification reads', () => {
    expect(parsePanelRequest({ type: 'decide', id: 'a1', verdict: 'approve', passkey: answer })).toEqual({
      type: 'decide',
      id: 'a1',
      verdict: 'approve',
      passkey: { id: 'Y3JlZA', rawId: 'Y3JlZA', type: 'public-key', response: { clientDataJSON: 'eyJ9', authenticatorData: 'AAAA', signature: 'MEUC', userHandle: 'dXNlcg' }, clientExtensionResults: {} },
    });
  });

  it.each([
    ['a wrong type', { ...answer, type: 'password' }],
    ['text that is not base64url', { ...answer, response: { ...answer.response, signature: 'a+b/c=' } }],
    ['a missing signature', { ...answer, response: { ...answer.response, signature: undefined } }],
    ['an oversized field', { ...answer, response: { ...answer.response, clientDataJSON: 'A'.repeat(20_000) } }],
    ['a user handle that is not text', { ...answer, response: { ...answer.response, userHandle: 5 } }],
  ])('passes %s on as an answer that cannot be read, so the refusal is logged on the action', (_name, passkey) => {
    const parsed = parsePanelRequest({ type: 'decide', id: 'a1', verdict: 'approve', passkey }) as { passkey: { response: { clientDataJSON: string } } };
    expect(parsed.passkey.response.clientDataJSON).toBe('');
    expect(parsePanelRequest({ type: 'passkey-remove', current: passkey })).toBeNull(); // managing the key: refused outright
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
