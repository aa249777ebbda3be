// Opens the URLs given to the launcher so that no navigation is still in flight when an agent
// attaches (see the README's troubleshooting: such a tab can stay uncommitted for good).
import { openCdp } from './cdp.mjs';

/**
 * Navigates the launched blank tab to the first URL and new tabs to the rest, each from a
 * committed about:blank over a plain attach (as Playwright's newPage and goto do), and waits
 * for their load events, at most `timeoutMs`. A page still loading then is left to load; the
 * attach check that follows names it if it never commits.
 */
export async function openUrls(webSocketDebuggerUrl, urls, { timeoutMs = 10_000 } = {}) {
  if (!urls.length) return;
  const cdp = await openCdp(webSocketDebuggerUrl, 'could not open the browser’s DevTools WebSocket');
  let timer;
  try {
    const { targetInfos } = await cdp.send('Target.getTargets');
    const blank = targetInfos.find((target) => target.type === 'page' && target.url === 'about:blank');
    const loads = [];
    for (const [index, url] of urls.entries()) {
      const targetId = index === 0 && blank ? blank.targetId : (await cdp.send('Target.createTarget', { url: 'about:blank' })).targetId;
      loads.push(load(cdp, targetId, url));
    }
    await Promise.race([Promise.all(loads), new Promise((done) => (timer = setTimeout(done, timeoutMs)))]);
  } finally {
    clearTimeout(timer);
    cdp.close();
  }
}

async function load(cdp, targetId, url) {
  const { sessionId } = await cdp.send('Target.attachToTarget', { targetId, flatten: true });
  const loaded = new Promise((done) => {
    const off = cdp.onEvent(({ method, sessionId: from }) => {
      if (from === sessionId && method === 'Page.loadEventFired') {
        off();
        done();
      }
    });
  });
  await cdp.send('Page.enable', {}, sessionId);
  // A refused or unknown address shows Chromium's error page, committed: nothing to wait for.
  const { errorText } = await cdp.send('Page.navigate', { url }, sessionId);
  if (!errorText) await loaded;
}
