import { describe, expect, it } from 'vitest';
import { LOCALES, messageReader, parsedMessages } from './locale';
import type { ParsedMessage } from '@wxt-dev/i18n/build';

/** What a translation must keep: the message's name, its {names}, its $n count, plural or not. */
const shapeOf = (message: ParsedMessage) => ({
  key: message.key.join('.'),
  named: [...message.namedSubstitutions].sort(),
  substitutions: message.substitutions,
  plural: message.type === 'plural',
});

describe('the panel’s languages', () => {
  const shapes = (locale: string) => parsedMessages(locale).map(shapeOf).sort((a, b) => a.key.localeCompare(b.key));
  const english = shapes('en');

  it('name every message as browser.i18n allows ([A-Za-z0-9_@])', () => {
    for (const { key } of english) expect(key.replaceAll('.', '_')).toMatch(/^[A-Za-z0-9_@]+$/);
  });

  for (const locale of LOCALES.filter((locale) => locale !== 'en')) {
    it(`${locale} translates every English message, keeping its placeholders and plural forms`, () => {
      expect(shapes(locale)).toEqual(english);
    });

    it(`${locale} leaves no message empty or in English where English is a sentence`, () => {
      const read = messageReader(locale);
      const en = messageReader('en');
      const names = english.map(({ key }) => key.replaceAll('.', '_')).filter((name) => !name.startsWith('@@')); // the browser's own
      for (const name of names) expect(read(name), name).not.toBe('');
      // Words that are the same in every language (Countersign, JSON) aside, sentences differ.
      const same = names.filter((name) => read(name) === en(name) && en(name).split(' ').length > 3);
      expect(same).toEqual([]);
    });
  }
});
