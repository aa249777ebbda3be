import messages from 'virtual:locale-messages';
import { fillMessage, pickLocale } from './messages';

// The desk is a plain page: the extension's `browser` API is not there. This module stands in
// for the few parts the shared views use (the build maps `wxt/browser` and `@wxt-dev/browser`
// here): the panel's words from locales/*.yml, and messages to the desk in this same page.

type Listener = (message: unknown) => void;
type Handler = (message: unknown) => Promise<unknown>;

const locale = pickLocale(Object.keys(messages), navigator.languages);
const words = messages[locale] ?? messages.en!;
const listeners = new Set<Listener>();
let handler: Handler = () => Promise.reject(new Error('The review desk is not ready.'));

/** What answers `runtime.sendMessage`: the desk, once it is set up. */
export function answerRequests(answer: Handler): void {
  handler = answer;
}

/** Tells the views that the queue or the connection changed, as the background's `changed` does. */
export function announceChange(): void {
  for (const listener of listeners) listener({ type: 'changed' });
}

export const browser = {
  runtime: {
    id: 'countersign-desk',
    getURL: (path: string) => new URL(path, location.origin).href,
    sendMessage: (message: unknown) => handler(message),
    onMessage: {
      addListener: (listener: Listener) => void listeners.add(listener),
      removeListener: (listener: Listener) => void listeners.delete(listener),
    },
  },
  i18n: {
    getUILanguage: () => locale,
    getMessage: (name: string, substitutions?: string | (string | number)[]) => {
      const message = words[name];
      return message === undefined ? '' : fillMessage(message, substitutions);
    },
  },
};
