// Peak JavaScript heap of one page and every worker it starts, sampled over the browser's own
// DevTools endpoint: Playwright's sessions do not reach dedicated workers. The browser must be
// started with --remote-debugging-port=0 (it writes the port into DevToolsActivePort).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export async function heapSampler(userDataDir, pageUrl, intervalMs = 20) {
  const [port, path] = readFileSync(join(userDataDir, 'DevToolsActivePort'), 'utf8').trim().split('\n');
  const socket = new WebSocket(`ws://127.0.0.1:${port}${path}`);
  await new Promise((open, fail) => {
    socket.onopen = open;
    socket.onerror = () => fail(new Error('no DevTools connection'));
  });
  let nextId = 0;
  const waiting = new Map();
  const sessions = new Set();
  socket.onmessage = ({ data }) => {
    const message = JSON.parse(data);
    if (message.id !== undefined) {
      waiting.get(message.id)?.reply(message);
      waiting.delete(message.id);
    } else if (message.method === 'Target.attachedToTarget') {
      sessions.add(message.params.sessionId);
      // A worker's own workers attach through it.
      void send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: true }, message.params.sessionId);
    } else if (message.method === 'Target.detachedFromTarget') {
      // A worker that ended answers nothing more.
      sessions.delete(message.params.sessionId);
      for (const [id, { reply, sessionId }] of waiting) {
        if (sessionId !== message.params.sessionId) continue;
        waiting.delete(id);
        reply({});
      }
    }
  };
  const send = (method, params = {}, sessionId) =>
    new Promise((reply) => {
      const id = ++nextId;
      waiting.set(id, { reply, sessionId });
      socket.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
    });

  const { result } = await send('Target.getTargets');
  const page = result.targetInfos.find((target) => target.type === 'page' && target.url.startsWith(pageUrl));
  if (!page) throw new Error(`no page at ${pageUrl}`);
  const attached = await send('Target.attachToTarget', { targetId: page.targetId, flatten: true });
  const pageSession = attached.result.sessionId;
  sessions.add(pageSession);
  await send('Target.setAutoAttach', { autoAttach: true, waitForDebuggerOnStart: false, flatten: true }, pageSession);

  let peak = 0;
  let sampling = true;
  const loop = (async () => {
    while (sampling) {
      const usages = await Promise.all([...sessions].map((sessionId) => send('Runtime.getHeapUsage', {}, sessionId)));
      peak = Math.max(peak, usages.reduce((sum, { result: usage }) => sum + (usage?.usedSize ?? 0), 0));
      await new Promise((done) => setTimeout(done, intervalMs));
    }
  })();
  return {
    async stop() {
      sampling = false;
      await loop;
      socket.close();
      return peak / 1024 / 1024;
    },
    /** Resets the peak, for a figure per phase. */
    reset() {
      peak = 0;
    },
  };
}
