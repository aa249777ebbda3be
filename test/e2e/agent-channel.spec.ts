import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { expect, expectNothingReceived } from './fixtures';
import { launchedTest as test, printed } from './launcher';

// The agent's own side of the loop: `countersign mcp`, added to the agent's harness as printed
// by `npm run browser`, reached by the SDK's own client over stdio.

test.describe.configure({ mode: 'serial' });

test.beforeEach(async ({ person }) => {
  await person.panel.reset();
  await person.panel.queue.open(); // the panel is shared by the file's tests: back from History
});

/** `countersign mcp` exactly as the launcher printed it, with the local script for `npx countersign`. */
async function mcpAsPrinted(output: string): Promise<Client> {
  const config = JSON.parse(printed(output, 'Countersign (the agent asks, declares its task, reads decisions)')) as {
    mcpServers: { countersign: { command: string; args: string[] } };
  };
  const { command, args } = config.mcpServers.countersign;
  expect([command, ...args.slice(0, 2)]).toEqual(['npx', 'countersign', 'mcp']);
  const client = new Client({ name: 'agent-harness', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: ['scripts/countersign.mjs', ...args.slice(1)], stderr: 'pipe' }));
  return client;
}

test('the task an agent declares is on the card of its next action and in the export; the agent reads the rejection and its note', async ({ launched, person, server }) => {
  const client = await mcpAsPrinted(launched.output);
  try {
    expect((await client.listTools()).tools.map((tool) => tool.name).sort()).toEqual(['declare_task', 'get_decisions']);
    const declared = await client.callTool({ name: 'declare_task', arguments: { task: 'Buy the blue kettle, nothing else', constraints: 'under 40 EUR' } });
    expect(declared.isError).toBeFalsy();

    const page = await person.browser.contexts()[0]!.newPage();
    await page.goto(`${server.origin}/cases/spa-fetch.html`);
    await page.getByRole('button', { name: 'Buy now' }).click();
    const card = person.panel.card('Buy now');
    await expect(card.locator('.task')).toHaveText('The agent’s task: Buy the blue kettle, nothing else (under 40 EUR)');
    await person.panel.reject('Buy now', 'not the blue one');
    await expectNothingReceived(server, '/api/spa/buy');

    // The agent reads what became of it, with the person's note, to change course.
    const read = await client.callTool({ name: 'get_decisions', arguments: { since: new Date(Date.now() - 60_000).toISOString() } });
    const [text] = read.content as { type: string; text: string }[];
    const decisions = JSON.parse(text!.text) as { label: string; outcome: string; note: string | null; decidedBy: string }[];
    expect(decisions.find((decision) => decision.label === 'Buy now')).toMatchObject({ outcome: 'rejected', note: 'not the blue one', decidedBy: 'person' });
    const later = await client.callTool({ name: 'get_decisions', arguments: { since: new Date(Date.now() + 60_000).toISOString() } });
    expect(JSON.parse((later.content as { text: string }[])[0]!.text)).toEqual([]);

    await person.panel.history.open();
    const exported = await person.panel.history.export('json');
    const actions = (JSON.parse(exported.text) as { actions: { label: string; task?: { task: string; constraints: string } }[] }).actions;
    expect(actions.find((action) => action.label === 'Buy now')?.task).toMatchObject({ task: 'Buy the blue kettle, nothing else', constraints: 'under 40 EUR' });
    await page.close();
  } finally {
    await client.close();
  }
});

test('the channel cannot decide: a forged decision, a malformed request and a wrong secret are refused, and the action stays held', async ({
  launched,
  person,
  server,
}) => {
  const page = await person.browser.contexts()[0]!.newPage();
  await page.goto(`${server.origin}/cases/spa-fetch.html`);
  await page.getByRole('button', { name: 'Buy now' }).click();
  await expect(person.panel.card('Buy now')).toBeVisible();
  const [held] = (await person.panel.send<{ actions: { id: string }[] }>({ type: 'queue' })).actions;

  const { url, secret } = JSON.parse(readFileSync(join(launched.profile, 'agent-channel.json'), 'utf8')) as { url: string; secret: string };
  const socket = new WebSocket(url);
  const replies: Record<string, unknown>[] = [];
  await new Promise<void>((done) => {
    socket.onopen = () => socket.send(JSON.stringify({ hello: 'agent', secret }));
    socket.onmessage = (event) => {
      const message = JSON.parse(String(event.data)) as Record<string, unknown>;
      if (message.welcome) done();
      else replies.push(message);
    };
  });
  socket.send(JSON.stringify({ id: 1, type: 'decide', actionId: held!.id, verdict: 'approve' }));
  socket.send(JSON.stringify({ id: 2, type: 'declare-task' }));
  socket.send(JSON.stringify({ id: 3, type: 'set-settings', settings: { guardMode: 'off' } }));
  await expect.poll(() => replies.length).toBe(3);
  expect(replies.find((reply) => reply.id === 1)?.error).toMatch(/cannot send "decide": only a person decides/);
  expect(replies.find((reply) => reply.id === 2)?.error).toMatch(/malformed declare-task/);
  expect(replies.find((reply) => reply.id === 3)?.error).toMatch(/cannot send "set-settings"/);
  socket.close();

  const stranger = new WebSocket(url);
  const closed = new Promise<number>((done) => (stranger.onclose = (event) => done(event.code)));
  stranger.onopen = () => stranger.send(JSON.stringify({ hello: 'agent', secret: '0'.repeat(64) }));
  expect(await closed).toBe(4401);

  await expectNothingReceived(server, '/api/spa/buy');
  expect((await person.panel.send<{ guardMode: string }>({ type: 'settings' })).guardMode).toBe('automation');
  await expect(person.panel.card('Buy now')).toBeVisible();
  await person.panel.reject('Buy now');
  await page.close();
});
