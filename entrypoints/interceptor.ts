import type { TabGuard } from '@/lib/detect/signals';
import { describerLoader } from '@/lib/intercept/describer-loader';
import { installInterceptor } from '@/lib/intercept/interceptor';
import type { ContentRequest } from '@/lib/messaging/messages';
import type { HoldReply } from '@/lib/messaging/protocol';

// Registered as a content script in wxt.config.ts (isolated world, document_start, all frames,
// about:blank too). It is built as a plain script rather than a WXT content script, and uses
// the bare `chrome` API rather than the polyfill: it runs in every frame of every page, and
// those wrappers would be most of its size and start-up time. MV3 APIs return promises;
// Firefox's promise-returning namespace is `browser`.
interface ExtensionApi {
  runtime: {
    id?: string;
    sendMessage(message: ContentRequest): Promise<unknown>;
    onMessage: { addListener(listener: (message: unknown, sender: unknown, respond: (reply: unknown) => void) => boolean): void };
  };
}
declare const chrome: ExtensionApi;

export default defineUnlistedScript(() => {
  // The extension API is first touched with the first message: a frame that never sends one
  // never sets it up. Replies (decisions, reveals) only ever follow a message of ours.
  let listening = false;
  const api = import.meta.env.FIREFOX ? (globalThis as unknown as { browser: ExtensionApi }).browser : chrome;
  const send = (request: ContentRequest) => {
    if (!listening) {
      listening = true;
      api.runtime.onMessage.addListener((message, _sender, respond) => {
        const reply = interceptor.receive(message);
        if (reply !== undefined) respond(reply);
        return false;
      });
    }
    return api.runtime.sendMessage(request);
  };
  const interceptor = installInterceptor(window, {
    hello: () => send({ type: 'hello' }) as Promise<TabGuard>,
    hold: (action) => send({ type: 'hold', action }) as Promise<HoldReply>,
    input: (label, benign, at) => void send({ type: 'input', label, benign, at }).catch(() => undefined),
    join: (id, request) => send({ type: 'join', id, request }) as Promise<{ joined: boolean }>,
    ran: (action) => void send({ type: 'ran', action }).catch(() => undefined),
    alive: () => Boolean(api.runtime?.id),
  }, describerLoader(() => send({ type: 'describer' })));
});
