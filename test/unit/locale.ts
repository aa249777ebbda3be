import { readFileSync } from 'node:fs';
import { fillMessage } from '../../desk/messages';
import { generateChromeMessages, parseMessagesText, type ParsedMessage } from '@wxt-dev/i18n/build';

export const LOCALES = ['en', 'de', 'fr', 'es'] as const;

export function parsedMessages(locale: string): ParsedMessage[] {
  return parseMessagesText(readFileSync(`locales/${locale}.yml`, 'utf8'), 'YAML');
}

/** browser.i18n.getMessage over one locale file, with Chrome's $1…$9 and $$ rules. */
export function messageReader(locale: string): (name: string, substitutions?: string | (string | number)[]) => string {
  const messages = generateChromeMessages(parsedMessages(locale));
  return (name, substitutions) => {
    const message = messages[name]?.message;
    return message === undefined ? '' : fillMessage(message, substitutions);
  };
}
