// A minimal DevTools-protocol connection over the WebSocket built into Node 22: commands with
// replies, events to listeners. Enough for the launcher's own checks; agents bring real clients.

/** Opens `webSocketUrl`; rejects with `unreachable` when the socket cannot open. */
export async function openCdp(webSocketUrl, unreachable = `could not reach ${webSocketUrl}`) {
  const socket = new WebSocket(webSocketUrl);
  await new Promise((done, fail) => {
    socket.onopen = done;
    socket.onerror = () => fail(new Error(unreachable));
  });
  let nextId = 1;
  const replies = new Map();
  const listeners = new Set();
  socket.onmessage = (event) => {
    const message = JSON.parse(String(event.data));
    if (message.id === undefined) {
      for (const listener of listeners) listener(message);
      return;
    }
    const reply = replies.get(message.id);
    replies.delete(message.id);
    if (message.error) reply?.fail(new Error(`${reply.method}: ${message.error.message}`));
    else reply?.done(message.result ?? {});
  };
  socket.onclose = () => {
    for (const { method, fail } of replies.values()) fail(new Error(`${method}: the connection closed`));
    replies.clear();
  };
  return {
    /** Sends a command (to a flattened session when `sessionId` is given) and resolves with its result. */
    send(method, params = {}, sessionId) {
      if (socket.readyState !== WebSocket.OPEN) return Promise.reject(new Error(`${method}: the connection closed`));
      const id = nextId++;
      socket.send(JSON.stringify({ id, method, params, ...(sessionId ? { sessionId } : {}) }));
      return new Promise((done, fail) => replies.set(id, { method, done, fail }));
    },
    /** Calls `listener({ method, params, sessionId })` for every event; returns the unsubscribe. */
    onEvent(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    close() {
      socket.onclose?.();
      socket.onclose = null;
      socket.close();
    },
  };
}
