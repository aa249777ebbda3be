import { describe, expect, it } from 'vitest';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { countersignServer, type AgentChannel } from '../../scripts/mcp.mjs';

// `countersign mcp`'s tools against a scripted channel: what the agent is told, and that a long
// wait keeps the harness informed (MCP progress) so its own request timeout does not fire.

type Reply = Record<string, unknown>;

/** A channel that answers each request type from a script, and records what was sent. */
function scriptedChannel(script: Record<string, Reply[]>) {
  const sent: Reply[] = [];
  return {
    sent,
    channel: {
      request: async (message: Reply) => {
        sent.push(message);
        const replies = script[message.type as string] ?? [{ error: 'unexpected' }];
        return replies.length > 1 ? replies.shift()! : replies[0]!;
      },
      close: () => undefined,
    },
  };
}

async function connected(channel: AgentChannel) {
  const [clientSide, serverSide] = InMemoryTransport.createLinkedPair();
  await countersignServer(channel, '0.0.0-test').connect(serverSide);
  const client = new Client({ name: 'harness', version: '1.0.0' });
  await client.connect(clientSide);
  return client;
}

const textOf = (result: Record<string, unknown>) => (result.content as { text: string }[])[0]!.text;

describe('countersign mcp', () => {
  it('asks, then waits through pending looks with progress, and returns the answer', async () => {
    const { channel, sent } = scriptedChannel({
      'ask-person': [{ question: 'q-1' }],
      'await-answer': [{ status: 'pending' }, { status: 'pending', paused: true }, { status: 'answered', answer: 'Blue' }],
    });
    const client = await connected(channel);
    const progress: { progress: number; message?: string }[] = [];
    const result = await client.callTool(
      { name: 'ask_person', arguments: { question: 'Red or blue?', options: ['Red', 'Blue'], confidence: 0.3 } },
      undefined,
      { onprogress: (update) => progress.push(update), resetTimeoutOnProgress: true },
    );
    expect(textOf(result)).toBe('The person answered: Blue');
    expect(sent[0]).toEqual({ type: 'ask-person', question: 'Red or blue?', options: ['Red', 'Blue'], confidence: 0.3 });
    expect(sent.slice(1).map((message) => message.question)).toEqual(['q-1', 'q-1', 'q-1']);
    expect(progress.map((update) => update.message)).toEqual(['waiting for the person', 'paused: too many questions at once']);
  });

  it('tells the agent when no answer came, and not to go ahead', async () => {
    for (const [state, said] of [
      [{ status: 'timed-out', note: 'no decision within 10 minutes' }, /^No answer: timed out \(no decision within 10 minutes\)\. Do not go ahead/],
      [{ status: 'declined', note: 'ask me later' }, /^The person declined to answer: ask me later$/],
      [{ status: 'closed', reason: 'extension updated' }, /^No answer: extension updated\.$/],
    ] as const) {
      const client = await connected(scriptedChannel({ 'ask-person': [{ question: 'q' }], 'await-answer': [state] }).channel);
      expect(textOf(await client.callTool({ name: 'ask_person', arguments: { question: 'Go?' } }))).toMatch(said);
    }
  });

  it('survives a look lost to a restarting worker, and gives up when the browser is gone', async () => {
    const lost = scriptedChannel({ 'ask-person': [{ question: 'q' }], 'await-answer': [{ error: 'Countersign did not answer in time' }, { status: 'answered', answer: 'ok' }] });
    expect(textOf(await (await connected(lost.channel)).callTool({ name: 'ask_person', arguments: { question: 'Go?' } }))).toBe('The person answered: ok');
    const gone = scriptedChannel({ 'ask-person': [{ question: 'q' }], 'await-answer': [{ error: 'the agent channel is closed', closed: true }] });
    const result = await (await connected(gone.channel)).callTool({ name: 'ask_person', arguments: { question: 'Go?' } });
    expect(result.isError).toBe(true);
    expect(textOf(result)).toBe('No answer: the agent channel is closed');
  });

  it('reports confidence and says whether the person will be asked', async () => {
    const { channel, sent } = scriptedChannel({ 'report-confidence': [{ ok: true, asking: true }] });
    const result = await (await connected(channel)).callTool({ name: 'report_confidence', arguments: { confidence: 0.2, about: 'two Adas' } });
    expect(textOf(result)).toMatch(/wait for the person/);
    expect(sent).toEqual([{ type: 'report-confidence', confidence: 0.2, about: 'two Adas' }]);
  });
});
