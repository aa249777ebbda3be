// countersign mcp: an MCP server (stdio) that an agent's harness adds beside its browser tool
// server, so the agent can tell the person what it was asked to do and read what the person
// decided. It talks to Countersign through the launched browser's agent channel
// (scripts/agent-channel.mjs): it can declare and read, never decide. Nothing but the MCP
// protocol goes to stdout.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { z } from 'zod';
import { CHANNEL_FILE } from './agent-channel.mjs';

const REPLY_MS = 10_000;

/** The channel as `npm run browser` wrote it into the profile. */
export function readChannelFile(profile) {
  const file = join(profile, CHANNEL_FILE);
  let text;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    throw new Error(`no agent channel in ${profile}: start the browser with "npm run browser -- --profile ${profile}" first`);
  }
  const { url, secret } = JSON.parse(text);
  return { url, secret };
}

/** Connects as an agent; `request` sends one request and resolves with Countersign's reply. */
export async function openAgentChannel({ url, secret }) {
  const socket = new WebSocket(url);
  const pending = new Map();
  let nextId = 1;
  await new Promise((done, fail) => {
    socket.onopen = () => socket.send(JSON.stringify({ hello: 'agent', secret }));
    socket.onerror = () => fail(new Error(`could not reach Countersign's agent channel at ${url} (is the browser running?)`));
    socket.onmessage = (event) => {
      const message = JSON.parse(String(event.data));
      if (message.welcome) return done();
      const answer = pending.get(message.id);
      pending.delete(message.id);
      answer?.(message);
    };
    socket.onclose = (event) => {
      fail(new Error(`the agent channel closed (${event.code} ${event.reason})`));
      for (const answer of pending.values()) answer({ error: 'the agent channel closed' });
      pending.clear();
    };
  });
  return {
    request(message) {
      if (socket.readyState !== WebSocket.OPEN) return Promise.resolve({ error: 'the agent channel is closed' });
      const id = nextId++;
      socket.send(JSON.stringify({ ...message, id }));
      return new Promise((done) => {
        pending.set(id, done);
        setTimeout(() => pending.delete(id) && done({ error: 'Countersign did not answer in time' }), REPLY_MS);
      });
    },
    close: () => socket.close(),
  };
}

const text = (value) => ({ content: [{ type: 'text', text: value }] });

export function countersignServer(channel, version) {
  const server = new McpServer({ name: 'countersign', version });
  server.registerTool(
    'declare_task',
    {
      title: 'Declare your task',
      description:
        'Tell the person reviewing your browser actions what you were asked to do, in your own words. ' +
        'It is shown beside every action of yours they review until you declare another task, and kept with each action in their history.',
      inputSchema: {
        task: z.string().min(1).max(2000).describe('The task as you understand it, e.g. "buy a USB-C cable under 20 EUR"'),
        constraints: z.string().max(2000).optional().describe('Limits you were given, e.g. "only from the usual shop; no subscriptions"'),
      },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async ({ task, constraints }) => {
      const reply = await channel.request({ type: 'declare-task', task, ...(constraints ? { constraints } : {}) });
      if (reply.error) return { ...text(`Not recorded: ${reply.error}`), isError: true };
      return text('Task declared: the person sees it beside each action from this browser until you declare another.');
    },
  );
  server.registerTool(
    'get_decisions',
    {
      title: 'Read the person’s decisions',
      description:
        'What became of the actions Countersign held in your browser: approved, edited, rejected (with the person’s note), ' +
        'timed out or still pending, newest first. Read it after an action did not go through, and change course accordingly.',
      inputSchema: {
        since: z.string().datetime({ offset: true }).optional().describe('Only actions held at or after this time (ISO 8601), e.g. when you started the task'),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async ({ since }) => {
      const reply = await channel.request({ type: 'get-decisions', ...(since ? { since: Date.parse(since) } : {}) });
      if (reply.error) return { ...text(`Could not read the decisions: ${reply.error}`), isError: true };
      return text(JSON.stringify(reply.decisions, null, 2));
    },
  );
  return server;
}

/** Serves MCP on stdio until the harness closes it. */
export async function runMcp({ profile, version }) {
  const channel = await openAgentChannel(readChannelFile(profile));
  const transport = new StdioServerTransport();
  await countersignServer(channel, version).connect(transport);
  await new Promise((done) => {
    transport.onclose = done;
    process.stdin.once('end', done);
  });
  channel.close();
}
