import { afterEach, describe, expect, it } from 'vitest';
import { fakeBrowser } from 'wxt/testing/fake-browser';
import { refusalText } from '@/components/errorText';
import { approvalGate } from '@/lib/broker/gate';
import { REFUSALS, refused, type RefusalName } from '@/lib/messaging/refusals';
import { LOCALES, messageReader } from './locale';
import { proposal } from './helpers';

const english = fakeBrowser.i18n.getMessage;
afterEach(() => {
  fakeBrowser.i18n.getMessage = english;
});

describe('refusals by name', () => {
  it('say in English, word for word, what locales/en.yml says', () => {
    const en = messageReader('en');
    for (const [name, words] of Object.entries(REFUSALS)) expect(en(`refusal_${name}`), name).toBe(words);
  });

  it('carry their values, and fill them into the English error', () => {
    expect(refused('readFirst', { seconds: 3 })).toEqual({
      ok: false,
      error: 'Read the card first: it can be approved 3 s after it appeared.',
      refusal: { name: 'readFirst', values: { seconds: 3 } },
    });
  });

  it('reach the panel in the person’s language, values filled in', () => {
    const record = { ...proposal(), tabId: 1, frameId: 0, tabUrl: 'https://shop.example/', tabTitle: 'Shop', site: 'https://shop.example', status: 'pending' as const, createdAt: 0, evaluatedAt: 100, risks: [] };
    const reply = approvalGate({ record, now: 600, dwellMs: 2500, fatigue: null, path: 'approve' });
    expect(reply).toMatchObject({ refusal: { name: 'readFirst', values: { seconds: 2 } } });
    for (const [locale, words] of [
      ['de', 'Lesen Sie zuerst die Karte: Sie kann 2 s nach ihrem Erscheinen freigegeben werden.'],
      ['fr', 'Lisez d’abord la carte : elle peut être approuvée 2 s après son apparition.'],
      ['en', 'Read the card first: it can be approved 2 s after it appeared.'],
    ] as const) {
      const read = messageReader(locale);
      fakeBrowser.i18n.getMessage = (name: string, substitutions?: string | (string | number)[]) => read(name, substitutions);
      expect(refusalText(reply.ok ? undefined : reply, 'fallback')).toBe(words);
    }
  });

  it('fall back to the reply’s own words where the broker named none', () => {
    expect(refusalText({ error: 'Set by your administrator: url.' }, 'fallback')).toBe('Set by your administrator: url.');
    expect(refusalText(undefined, 'fallback')).toBe('fallback');
  });

  it('are translated in every language the panel speaks', () => {
    for (const locale of LOCALES) {
      const read = messageReader(locale);
      for (const name of Object.keys(REFUSALS) as RefusalName[]) expect(read(`refusal_${name}`), `${locale} ${name}`).not.toBe('');
    }
  });
});
