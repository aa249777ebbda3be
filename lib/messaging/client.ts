import { browser } from 'wxt/browser';
import type { PanelReplies, PanelRequest } from './protocol';

/** Typed request from an extension page to the broker. */
export function request<R extends PanelRequest>(message: R): Promise<PanelReplies[R['type']]> {
  return browser.runtime.sendMessage(message) as Promise<PanelReplies[R['type']]>;
}
