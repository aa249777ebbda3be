// The extension's end of the agent's channel: a WebSocket to the loopback relay that
// `npm run browser` starts (scripts/agent-channel.mjs), authenticated with its secret.

export interface AgentChannelConfig {
  url: string;
  secret: string;
}

const RECONNECT_MS = 2000;
const CHANNEL_URL = /^ws:\/\/127\.0\.0\.1:\d{1,5}$/;
const SECRET = /^[0-9a-f]{64}$/;

/** A launch's channel settings, or null: only a loopback address and a 256-bit secret are taken. */
export function parseChannelConfig(value: unknown): AgentChannelConfig | null {
  const raw = typeof value === 'object' && value !== null ? (value as Record<string, unknown>) : {};
  if (typeof raw.url !== 'string' || typeof raw.secret !== 'string') return null;
  return CHANNEL_URL.test(raw.url) && SECRET.test(raw.secret) ? { url: raw.url, secret: raw.secret } : null;
}

/**
 * Connects, says it is the browser, and answers each agent's request with `handle`; connects
 * again after a drop, until the relay refuses the secret or `close` is called.
 */
export function connectAgentChannel(
  config: AgentChannelConfig,
  handle: (request: unknown) => Promise<Record<string, unknown>>,
): { close(): void } {
  let socket: WebSocket | null = null;
  let closed = false;
  let retry: ReturnType<typeof setTimeout> | undefined;
  const open = () => {
    socket = new WebSocket(config.url);
    socket.onopen = () => socket?.send(JSON.stringify({ hello: 'browser', secret: config.secret }));
    socket.onmessage = (event) => {
      let message: { agent?: unknown; request?: unknown };
      try {
        message = JSON.parse(String(event.data)) as typeof message;
      } catch {
        return;
      }
      if (typeof message?.agent !== 'number') return; // the relay's welcome and pings
      const agent = message.agent;
      const id = (message.request as { id?: unknown } | undefined)?.id;
      void handle(message.request).then(
        (reply) => socket?.send(JSON.stringify({ agent, reply: { id, ...reply } })),
        (error: unknown) => socket?.send(JSON.stringify({ agent, reply: { id, error: String(error) } })),
      );
    };
    socket.onclose = (event) => {
      socket = null;
      if (!closed && event.code !== 4401) retry = setTimeout(open, RECONNECT_MS);
    };
  };
  open();
  return {
    close() {
      closed = true;
      clearTimeout(retry);
      socket?.close();
    },
  };
}
