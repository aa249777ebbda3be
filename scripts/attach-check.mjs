// Attaches to a browser the way Playwright's connectOverCDP does, to prove a client gets
// through before the launcher says it is ready.
import { openCdp } from './cdp.mjs';

/**
 * Connects to the browser target and auto-attaches to every target, waiting for the debugger
 * on start (Playwright's and Playwright MCP's attach). Resolves once every page has committed
 * a real document: Playwright waits for that on each page and stalls forever on one that never
 * does. Rejects with a sentence naming the tabs that did not get through. Detaches on return.
 */
export async function checkAttach(webSocketDebuggerUrl, { timeoutMs = 10_000 } = {}) {
  const cdp = await openCdp(webSocketDebuggerUrl, 'could not open the browser’s DevTools WebSocket');
  const waiting = new Map(); // sessionId → what the page showed when attached
  const pages = [];
  const off = cdp.onEvent(({ method, params }) => {
    if (method !== 'Target.attachedToTarget') return;
    const { sessionId, targetInfo } = params;
    // A page that closes while being checked holds no client up.
    if (targetInfo.type === 'page') pages.push(pageCommitted(cdp, sessionId, targetInfo, waiting).catch(() => waiting.delete(sessionId)));
    // Let paused targets (workers, new pages) run, as every client does.
    cdp.send('Runtime.runIfWaitingForDebugger', {}, sessionId).catch(() => undefined);
  });
  let timer;
  try {
    // Existing targets are announced before this reply.
    await cdp.send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: true, flatten: true });
    const timedOut = new Promise((_, fail) => {
      timer = setTimeout(() => {
        const tabs = [...waiting.values()].map((url) => (url ? `"${url}"` : 'a tab with no URL yet')).join(', ');
        fail(
          new Error(
            `a DevTools client attaching as Playwright does (connectOverCDP, Playwright MCP --cdp-endpoint) did not get through within ${timeoutMs} ms: ` +
              `${tabs || 'a tab'} never committed its first page. See "Troubleshooting" in the README.`,
          ),
        );
      }, timeoutMs);
    });
    await Promise.race([Promise.all(pages), timedOut]);
    return pages.length;
  } finally {
    clearTimeout(timer);
    off();
    cdp.close();
  }
}

/** Resolves when the page's main frame has a committed URL (an empty one is the initial document). */
async function pageCommitted(cdp, sessionId, targetInfo, waiting) {
  waiting.set(sessionId, targetInfo.url);
  const navigated = new Promise((done) => {
    const off = cdp.onEvent(({ method, params, sessionId: from }) => {
      if (from === sessionId && method === 'Page.frameNavigated' && !params.frame.parentId && params.frame.url) {
        off();
        done();
      }
    });
  });
  await cdp.send('Page.enable', {}, sessionId);
  const { frameTree } = await cdp.send('Page.getFrameTree', {}, sessionId);
  if (!frameTree.frame.url) await navigated;
  waiting.delete(sessionId);
}
