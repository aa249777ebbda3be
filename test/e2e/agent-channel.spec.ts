import { readFileSync } from 'node:fs';
import AxeBuilder from '@axe-core/playwright';
import { join } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { Client as McpClient } from '@modelcontextprotocol/sdk/client/index.js';
import { expect, expectNothingReceived, expectReceivedOnce } from './fixtures';
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
    expect((await client.listTools()).tools.map((tool) => tool.name).sort()).toEqual(['ask_person', 'declare_task', 'get_decisions', 'report_confidence']);
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
  // Each refusal is logged where the person sees it: Settings, "The agent".
  await person.panel.settings.open();
  const refusals = person.panel.page.locator('fieldset.agent .refusals li');
  await expect(refusals.filter({ hasText: 'cannot send "decide": only a person decides' })).toHaveCount(1);
  await expect(refusals.filter({ hasText: 'cannot send "set-settings"' })).toHaveCount(1);
  await expect(refusals.filter({ hasText: 'malformed declare-task' })).toHaveCount(1);
  await person.panel.queue.open();
  await expect(person.panel.card('Buy now')).toBeVisible();
  await person.panel.reject('Buy now');
  await page.close();
});

/** The text of a tool's result. */
const resultText = (result: Awaited<ReturnType<McpClient['callTool']>>) => (result.content as { type: string; text: string }[])[0]!.text;

test('ask_person: the card shows the question, its options, the task and the tab; the option chosen by its key is what the tool returns, and History keeps it', async ({
  launched,
  person,
  server,
}) => {
  const client = await mcpAsPrinted(launched.output);
  const page = await person.browser.contexts()[0]!.newPage();
  try {
    await client.callTool({ name: 'declare_task', arguments: { task: 'Buy the blue kettle' } });
    await page.goto(`${server.origin}/cases/spa-fetch.html`);
    const asking = client.callTool({
      name: 'ask_person',
      arguments: {
        question: 'The blue kettle is sold out. Buy the red one at the same price?',
        options: ['Buy the red one', 'Stop here'],
        context: 'Red: 39 EUR, in stock',
        confidence: 0.4,
      },
    });
    const card = person.panel.page.locator('article.kind-question');
    await expect(card).toContainText('The blue kettle is sold out. Buy the red one at the same price?');
    await expect(card).toContainText('Red: 39 EUR, in stock');
    await expect(card).toContainText('40 % sure');
    // Said once: below the threshold, the same figure is not repeated as "unsure".
    await expect(card.locator('.unsure')).toHaveCount(0);
    await expect(card.locator('.task')).toHaveText('The agent’s task: Buy the blue kettle');
    await expect(card).toContainText(`${server.origin}/cases/spa-fetch.html`);
    for (const colorScheme of ['light', 'dark'] as const) {
      await person.panel.page.emulateMedia({ colorScheme });
      const { violations } = await new AxeBuilder({ page: person.panel.page }).include('article.kind-question').analyze();
      expect(violations.map((violation) => `${violation.id}: ${violation.help}`), colorScheme).toEqual([]);
    }
    // By keyboard, as the panel's keys go: j to the card, then the option's number.
    await expect(card.getByRole('button', { name: 'Stop here' })).toBeEnabled();
    await person.panel.page.keyboard.press('j');
    await person.panel.page.keyboard.press('2');
    expect(resultText(await asking)).toBe('The person answered: Stop here');
    await expect(card).toHaveCount(0);

    await person.panel.history.open();
    const exported = JSON.parse((await person.panel.history.export('json')).text) as {
      actions: { kind: string; outcome: string; question?: { text: string; answer: string; options: string[] } }[];
    };
    expect(exported.actions.find((action) => action.kind === 'question')).toMatchObject({
      outcome: 'answered',
      question: { answer: 'Stop here', options: ['Buy the red one', 'Stop here'] },
    });
  } finally {
    await page.close();
    await client.close();
  }
});

test('ask_person: a question nobody answers returns the timed-out answer after the configured timeout', async ({ launched, person }) => {
  const client = await mcpAsPrinted(launched.output);
  try {
    await person.panel.send({ type: 'set-settings', settings: { timeoutSeconds: 2 } });
    const result = await client.callTool({ name: 'ask_person', arguments: { question: 'Which of the two Adas?' } });
    expect(resultText(result)).toMatch(/^No answer: timed out \(no decision within 2 seconds\)/);
    await expect(person.panel.page.locator('article.kind-question')).toHaveCount(0);
  } finally {
    await client.close();
  }
});

test('report_confidence: below the threshold, a trusted site’s action asks, with the agent’s words on the card; sure again, the rule applies', async ({
  launched,
  person,
  server,
}) => {
  const client = await mcpAsPrinted(launched.output);
  const page = await person.browser.contexts()[0]!.newPage();
  try {
    // A new task starts with no stated doubt (the question in an earlier test stated 40 %).
    await client.callTool({ name: 'declare_task', arguments: { task: 'Buy kettles for the office' } });
    expect(await person.panel.send({ type: 'save-rule', spec: { pattern: server.origin, trust: 'trust', threshold: { amount: 500, currency: 'EUR' } } })).toEqual({ ok: true });
    await page.goto(`${server.origin}/cases/spa-fetch.html`);
    await page.getByRole('button', { name: 'Buy now' }).click();
    await expectReceivedOnce(server, '/api/spa/buy');

    const unsure = await client.callTool({ name: 'report_confidence', arguments: { confidence: 0.2, about: 'two kettles look alike; I picked the cheaper' } });
    expect(resultText(unsure)).toMatch(/your next consequential actions wait for the person/);
    await page.getByRole('button', { name: 'Buy now' }).click();
    const card = person.panel.card('Buy now');
    await expect(card.locator('.unsure')).toHaveText('The agent is unsure (20 %): two kettles look alike; I picked the cheaper');
    await page.waitForTimeout(300);
    expect(server.received('/api/spa/buy')).toHaveLength(1); // held, not sent
    await person.panel.approve('Buy now');
    await expect.poll(() => server.received('/api/spa/buy').length).toBe(2);

    await client.callTool({ name: 'report_confidence', arguments: { confidence: 0.9, about: 'checked the model number' } });
    await page.getByRole('button', { name: 'Buy now' }).click();
    await expect.poll(() => server.received('/api/spa/buy').length).toBe(3);
    await expect(person.panel.card('Buy now')).toHaveCount(0);
  } finally {
    await page.close();
    await client.close();
  }
});
