// The agent's channel: a loopback WebSocket relay between `countersign mcp` (any number of
// them) and Countersign in the launched browser. It checks the secret and passes messages on;
// what a message may ask is the extension's to decide (lib/agent/), never the relay's.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { WebSocketServer } from 'ws';

export const CHANNEL_FILE = 'agent-channel.json';
/** A message larger than this is refused before it is read. */
const MAX_MESSAGE_BYTES = 64 * 1024;
/** Keeps the extension's worker awake: Chromium counts a received message as activity. */
const PING_MS = 20_000;

/**
 * Starts the relay on 127.0.0.1 with a fresh secret, written (owner-only) to the profile's
 * `agent-channel.json` for `countersign mcp` to read. Returns its address, the secret and `close`.
 */
export async function startAgentChannel(profile) {
  const secret = randomBytes(32).toString('hex');
  const server = new WebSocketServer({ host: '127.0.0.1', port: 0, maxPayload: MAX_MESSAGE_BYTES });
  await new Promise((done, fail) => server.once('listening', done).once('error', fail));
  const url = `ws://127.0.0.1:${server.address().port}`;
  const file = join(profile, CHANNEL_FILE);
  writeFileSync(file, JSON.stringify({ url, secret }), { mode: 0o600 });

  let browserSocket = null;
  const agents = new Map();
  let nextAgent = 1;
  const send = (socket, message) => socket.readyState === socket.OPEN && socket.send(JSON.stringify(message));
  const knows = (given) => {
    const a = Buffer.from(String(given ?? ''));
    const b = Buffer.from(secret);
    return a.length === b.length && timingSafeEqual(a, b);
  };

  server.on('connection', (socket) => {
    let role = null;
    let agentId = 0;
    // An oversized or broken frame ends that connection (ws closes it); it never stops the relay.
    socket.on('error', () => undefined);
    socket.on('message', (data) => {
      let message;
      try {
        message = JSON.parse(String(data));
      } catch {
        return socket.close(4400, 'not JSON');
      }
      if (!role) {
        // The first message says who connects, with the secret; anything else ends the connection.
        if (!knows(message?.secret) || (message?.hello !== 'browser' && message?.hello !== 'agent')) return socket.close(4401, 'wrong secret');
        role = message.hello;
        if (role === 'browser') {
          browserSocket?.close(4000, 'replaced by a newer connection');
          browserSocket = socket;
        } else {
          agentId = nextAgent++;
          agents.set(agentId, socket);
        }
        return send(socket, { welcome: role });
      }
      if (role === 'agent') {
        if (!browserSocket) return send(socket, { id: message?.id, error: 'Countersign is not connected to this channel (is the browser running?)' });
        return send(browserSocket, { agent: agentId, request: message });
      }
      // From the browser: a reply for one agent.
      const target = agents.get(message?.agent);
      if (target) send(target, message.reply);
    });
    socket.on('close', () => {
      if (role === 'agent') agents.delete(agentId);
      if (socket === browserSocket) browserSocket = null;
    });
  });
  const ping = setInterval(() => browserSocket && send(browserSocket, { ping: Date.now() }), PING_MS);

  return {
    url,
    secret,
    file,
    close: () =>
      new Promise((done) => {
        clearInterval(ping);
        for (const client of server.clients) client.terminate();
        server.close(() => done());
      }),
  };
}
