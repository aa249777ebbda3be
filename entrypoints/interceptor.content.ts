import { browser } from 'wxt/browser';
import type { TabGuard } from '@/lib/detect/signals';
import { installInterceptor } from '@/lib/intercept/interceptor';
import type { ContentRequest, HoldReply, TabMessage } from '@/lib/messaging/protocol';

export default defineContentScript({
  matches: ['<all_urls>'],
  runAt: 'document_start',
  allFrames: true,
  matchAboutBlank: true,
  matchOriginAsFallback: true,
  main() {
    const send = (request: ContentRequest) => browser.runtime.sendMessage(request);
    const interceptor = installInterceptor(window, {
      hello: () => send({ type: 'hello' }) as Promise<TabGuard>,
      hold: (action) => send({ type: 'hold', action }) as Promise<HoldReply>,
      alive: () => Boolean(browser.runtime?.id),
    });
    browser.runtime.onMessage.addListener((message) => {
      const reply = interceptor.receive(message as TabMessage);
      return reply === undefined ? undefined : Promise.resolve(reply);
    });
  },
});
