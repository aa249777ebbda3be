import { browser } from 'wxt/browser';
import { isRefusal, type PanelReplies, type PanelRequest } from './messages';

/** Typed request from an extension page to the broker; rejects when the broker refuses it. */
export async function request<R extends PanelRequest>(message: R): Promise<PanelReplies[R['type']]> {
  const reply: unknown = await browser.runtime.sendMessage(message);
  if (isRefusal(reply)) throw new Error(`The background refused the request: ${reply.error}`);
  return reply as PanelReplies[R['type']];
}
