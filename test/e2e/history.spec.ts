import type { Download, Page } from '@playwright/test';
import { parseCsv } from '@/lib/export/csv';
import { expect, test, type PanelPage } from './fixtures';

test.beforeEach(async ({ panel }) => {
  await panel.send({ type: 'clear-history' });
});
test.afterEach(async ({ panel }) => panel.resetPolicy());

const SECRETS = ['4242 4242 4242 4242', '4242424242424242', 'correct horse battery', '918273'];

/** A small history: a purchase with a card (rejected), a sign-in with a password (approved), a chat send (approved). */
async function makeHistory(agent: Page, panel: PanelPage, origin: string): Promise<void> {
  await agent.goto(`${origin}/shop/checkout.html`);
  await agent.getByLabel('Full name').fill('Ada Lovelace');
  await agent.getByLabel('Card number').fill('4242 4242 4242 4242');
  await agent.getByRole('button', { name: 'Place order' }).click();
  await panel.reject('Place order', 'too expensive, "really"');

  await agent.goto(`${origin}/cases/sign-in.html`);
  await agent.getByLabel('Username').fill('ada');
  await agent.getByLabel('Password').fill('correct horse battery');
  await agent.getByLabel('One-time code').fill('918273');
  await agent.getByRole('button', { name: 'Sign in' }).click();
  await panel.approve('Sign in');
  await expect(panel.card('Sign in')).toHaveCount(0);
  // The approved sign-in navigates the tab; going elsewhere before it lands would race it.
  await agent.waitForURL(/\/cases\/session/);

  await agent.goto(`${origin}/chat/index.html`);
  await agent.getByLabel('Message #general').fill('=cmd|calc, "quoted" 你好');
  await agent.getByLabel('Message #general').press('Enter');
  await panel.approve('quoted');
  await expect(panel.page.getByRole('article')).toHaveCount(0);
}

/** Exports through the panel; the rows are written in workers (the page itself only as a fallback). */
async function exportAs(panel: PanelPage, format: string): Promise<{ name: string; text: string }> {
  await panel.page.getByLabel('Export format').selectOption(format);
  const downloading = panel.page.waitForEvent('download');
  const workerStarted = panel.page.waitForEvent('worker');
  await panel.page.getByRole('button', { name: 'Export', exact: true }).click();
  expect((await workerStarted).url()).toMatch(/^chrome-extension:\/\/[a-p]{32}\/assets\/export-worker-[\w-]+\.js$/);
  const download: Download = await downloading;
  const chunks: Buffer[] = [];
  for await (const chunk of await download.createReadStream()) chunks.push(Buffer.from(chunk));
  return { name: download.suggestedFilename(), text: Buffer.concat(chunks).toString('utf8') };
}

test('every format exports through a real download, parses, and holds no secret', async ({ agent, panel, server }) => {
  await makeHistory(agent, panel, server.origin);
  await panel.history();
  await expect(panel.page.getByRole('status', { name: 'Matching actions' })).toHaveText('3 actions');
  const today = new Date().toISOString().slice(0, 10);

  const json = await exportAs(panel, 'json');
  expect(json.name).toBe(`countersign-history-${today}.json`);
  const document = JSON.parse(json.text);
  expect(document).toMatchObject({ schema: 'countersign-history', version: 1, filter: {} });
  expect(document.actions.map((a: { outcome: string; kind: string }) => `${a.kind}:${a.outcome}`)).toEqual([
    'send:approved',
    'submit:approved',
    'purchase:rejected',
  ]);
  expect(document.actions[2].note).toBe('too expensive, "really"');

  const csv = await exportAs(panel, 'csv');
  expect(csv.name).toBe(`countersign-history-${today}.csv`);
  const [header, ...rows] = parseCsv(csv.text.replace(/^\ufeff/, ''));
  expect(header!.slice(0, 5)).toEqual(['id', 'held_at', 'decided_at', 'held_to_decided_ms', 'outcome']);
  expect(rows).toHaveLength(3);
  const message = rows[0]![header!.indexOf('message')];
  expect(message).toBe(`'=cmd|calc, "quoted" 你好`); // formula neutralised; comma, quotes and CJK intact

  const ndjson = await exportAs(panel, 'ndjson');
  expect(ndjson.name).toBe(`countersign-history-${today}.ndjson`);
  expect(ndjson.text.trim().split('\n').map((line) => JSON.parse(line).kind)).toEqual(['send', 'submit', 'purchase']);

  const evalset = await exportAs(panel, 'evalset');
  expect(evalset.name).toBe(`countersign-history-evalset-${today}.jsonl`);
  const lines = evalset.text.trim().split('\n').map((line) => JSON.parse(line));
  expect(lines.map((line) => line.decision)).toEqual(['approved', 'approved', 'rejected']);
  expect(lines[2]).toMatchObject({ proposedAction: { kind: 'purchase', label: 'Place order' }, note: 'too expensive, "really"' });

  for (const file of [json, csv, ndjson, evalset]) {
    for (const secret of SECRETS) expect(file.text, `${file.name} holds a secret`).not.toContain(secret);
  }
  expect(json.text).not.toContain('"screenshot"');
});

test('filters change what is listed and what is exported', async ({ agent, panel, server }) => {
  await makeHistory(agent, panel, server.origin);
  await panel.history();
  await panel.page.getByLabel('Kind').selectOption('send');
  await expect(panel.page.getByRole('status', { name: 'Matching actions' })).toHaveText('1 action');
  const sends = JSON.parse((await exportAs(panel, 'json')).text);
  expect(sends.filter).toEqual({ kind: 'send' });
  expect(sends.actions.map((a: { kind: string }) => a.kind)).toEqual(['send']);

  await panel.page.getByLabel('Kind').selectOption('');
  await panel.page.getByLabel('Outcome').selectOption('rejected');
  const rejected = parseCsv((await exportAs(panel, 'csv')).text.replace(/^\ufeff/, ''));
  expect(rejected).toHaveLength(2);
  expect(rejected[1]![rejected[0]!.indexOf('label')]).toBe('Place order');

  await panel.page.getByLabel('Outcome').selectOption('');
  await panel.page.getByRole('searchbox', { name: 'Search the history' }).fill('general');
  await expect(panel.page.getByRole('status', { name: 'Matching actions' })).toHaveText('1 action');
  await expect(panel.page.getByRole('row').filter({ hasText: 'Enter in Message #general' })).toHaveCount(1);
});

test('screenshots go into a JSON export only when asked for', async ({ agent, panel, server }) => {
  await agent.goto(`${server.origin}/cases/spa-fetch.html`);
  await agent.bringToFront();
  await agent.getByRole('button', { name: 'Buy now' }).click();
  await panel.reject('Buy now');
  await panel.history();
  await panel.page.getByLabel('include screenshots').check();
  const document = JSON.parse((await exportAs(panel, 'json')).text);
  expect(document.actions[0].screenshot).toMatch(/^data:image\/jpeg;base64,/);
});

test('retention removes the oldest entries first, and Clear history says how many it removes', async ({
  agent,
  panel,
  server,
}) => {
  for (const word of ['one', 'two', 'three', 'four']) {
    await agent.goto(`${server.origin}/cases/enter-submit.html`);
    await agent.getByLabel('Comment', { exact: true }).fill(word);
    await agent.getByLabel('Comment', { exact: true }).press('Enter');
    await panel.reject('Post a comment', word);
    await expect(panel.page.getByRole('article')).toHaveCount(0);
  }
  await panel.page.getByRole('tab', { name: 'Settings' }).click();
  const limit = panel.page.getByLabel('Keep at most this many entries');
  await limit.fill('2');
  await limit.press('Enter');
  const history = await panel.history();
  await expect(panel.page.getByRole('status', { name: 'Matching actions' })).toHaveText('2 actions');
  await expect(history.getByRole('row').filter({ hasText: 'Post a comment' })).toHaveCount(2);
  await expect(history.getByRole('row').filter({ hasText: '(four)' })).toHaveCount(1);
  await expect(history.getByRole('row').filter({ hasText: '(three)' })).toHaveCount(1);

  await panel.page.getByRole('button', { name: 'Clear history' }).click();
  await expect(panel.page.getByRole('alertdialog')).toContainText('This removes 2 entries');
  await panel.page.getByRole('button', { name: 'Remove 2 entries' }).click();
  await expect(panel.page.getByRole('status', { name: 'Matching actions' })).toHaveText('0 actions');
  await panel.send({ type: 'set-settings', settings: { historyMaxEntries: 100000 } });
});
