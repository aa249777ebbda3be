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
/** How long each look at a question waits in the browser: under REPLY_MS, so a slow look is not a lost one. */
const ANSWER_POLL_MS = 8_000;
/** Looks that may fail in a row (the browser's worker restarting) before the agent is told. */
const LOST_LOOKS = 3;

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
      if (socket.readyState !== WebSocket.OPEN) return Promise.resolve({ error: 'the agent channel is closed', closed: true });
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

/** What the person made of a question, in words for the agent. */
export function answerText(state) {
  switch (state.status) {
    case 'answered':
      return `The person answered: ${state.answer}`;
    case 'declined':
      return `The person declined to answer${state.note ? `: ${state.note}` : '.'}`;
    case 'timed-out':
      return `No answer: timed out${state.note ? ` (${state.note})` : ''}. Do not go ahead with what you asked about.`;
    default:
      return `No answer: ${state.reason ?? state.status}.`;
  }
}

/** Waits for the person's answer, telling the harness it is still waiting (MCP progress) between looks. */
async function awaitAnswer(channel, question, extra) {
  const progressToken = extra?._meta?.progressToken;
  let looks = 0;
  let lost = 0;
  for (;;) {
    const reply = await channel.request({ type: 'await-answer', question, waitMs: ANSWER_POLL_MS });
    if (reply.error) {
      if (reply.closed || ++lost >= LOST_LOOKS) return reply;
      continue;
    }
    lost = 0;
    if (reply.status !== 'pending') return reply;
    looks++;
    if (progressToken !== undefined) {
      await extra.sendNotification({
        method: 'notifications/progress',
        params: { progressToken, progress: looks, message: reply.paused ? 'paused: too many questions at once' : 'waiting for the person' },
      });
    }
  }
}

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
    'ask_person',
    {
      title: 'Ask the person',
      description:
        'Ask the person reviewing your browser actions a question, and wait for the answer. Use it when you are unsure, ' +
        'when the task is ambiguous, or before something the task may not cover. Offer options where you can; the person may also answer in their own words. ' +
        'The call returns the answer, or says that none came (timed out or declined): then do not go ahead with what you asked about.',
      inputSchema: {
        question: z.string().min(1).max(2000).describe('One question, e.g. "The blue kettle is sold out. Buy the red one (same price)?"'),
        options: z.array(z.string().min(1).max(200)).max(9).optional().describe('Answers to offer as buttons, e.g. ["Buy the red one", "Stop"]'),
        context: z.string().max(2000).optional().describe('What the person needs to know to answer'),
        confidence: z.number().min(0).max(1).optional().describe('How sure you are of what you would do without asking, 0 to 1'),
      },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    async ({ question, options, context, confidence }, extra) => {
      const asked = await channel.request({
        type: 'ask-person',
        question,
        ...(options?.length ? { options } : {}),
        ...(context ? { context } : {}),
        ...(confidence !== undefined ? { confidence } : {}),
      });
      if (asked.error) return { ...text(`Not asked: ${asked.error}`), isError: true };
      const state = await awaitAnswer(channel, asked.question, extra);
      if (state.error) return { ...text(`No answer: ${state.error}`), isError: true };
      return text(answerText(state));
    },
  );
  server.registerTool(
    'report_confidence',
    {
      title: 'Report your confidence',
      description:
        'Say how sure you are that what you are about to do is what the person wants, and why. Below their threshold ' +
        '(0.5 unless they changed it), your next consequential actions in the browser wait for the person even where they trusted the site, ' +
        'and each shows your words. Report again when you are sure again; declaring a new task clears it.',
      inputSchema: {
        confidence: z.number().min(0).max(1).describe('0 (guessing) to 1 (certain)'),
        about: z.string().min(1).max(2000).describe('What you are unsure of, e.g. "two accounts are named Ada; I picked the first"'),
      },
      annotations: { readOnlyHint: false, destructiveHint: false, idempotentHint: true, openWorldHint: false },
    },
    async ({ confidence, about }) => {
      const reply = await channel.request({ type: 'report-confidence', confidence, about });
      if (reply.error) return { ...text(`Not recorded: ${reply.error}`), isError: true };
      return text(
        reply.asking
          ? 'Noted. Below the person’s threshold: your next consequential actions wait for the person, with your words on each.'
          : 'Noted. At or above the person’s threshold: their rules apply as before.',
      );
    },
  );
  server.registerTool(
    'get_decisions',
    {
      title: 'Read the person’s decisions',
      description:
        'What became of the actions Countersign held in your browser (and of your questions): approved, edited, rejected (with the person’s note), ' +
        'answered, timed out or still pending, newest first. Read it after an action did not go through, and change course accordingly.',
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
