import { fakeBrowser } from 'wxt/testing/fake-browser';
import { messageReader } from './locale';

// The fake browser has no i18n: the unit tests read the panel's words in English.
const english = messageReader('en');
fakeBrowser.i18n.getMessage = (name: string, substitutions?: string | (string | number)[]) => english(name, substitutions);
