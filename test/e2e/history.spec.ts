import type { Page } from '@playwright/test';
import { parseCsv } from '@/lib/export/csv';
import { expect, test, type PanelPage } from './fixtures';

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
  await expect(panel.queue.cards).toHaveCount(0);
}

/** Exports through the panel; the rows are written in workers (the page itself only as a fallback). */
async function exportAs(panel: PanelPage, format: string, options?: { screenshots?: boolean }): Promise<{ name: string; text: string }> {
  const file = await panel.history.export(format, options);
  expect(file.workerUrl).toMatch(/^chrome-extension:\/\/[a-p]{32}\/assets\/export-worker-[\w-]+\.js$/);
  return file;
}

test('every format exports through a real download, parses, and holds no secret', async ({ agent, panel, server }) => {
  await makeHistory(agent, panel, server.origin);
  await panel.history.open();
  await expect(panel.history.matching).toHaveText('3 actions');
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
  const [first, ...actionLines] = ndjson.text.trim().split('\n').map((line) => JSON.parse(line));
  // The first line is not an action: what was exported, and the chain's signed head to check it against.
  expect(first).toMatchObject({ schema: 'countersign-history', version: 1, filter: {}, chain: { head: { seq: expect.any(Number), signature: expect.any(String) } } });
  expect(actionLines.map((line) => line.kind)).toEqual(['send', 'submit', 'purchase']);

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
  await panel.history.open();
  await panel.history.filter('Kind', 'send');
  await expect(panel.history.matching).toHaveText('1 action');
  const sends = JSON.parse((await exportAs(panel, 'json')).text);
  expect(sends.filter).toEqual({ kind: 'send' });
  expect(sends.actions.map((a: { kind: string }) => a.kind)).toEqual(['send']);

  await panel.history.filter('Kind', '');
  await panel.history.filter('Outcome', 'rejected');
  const rejected = parseCsv((await exportAs(panel, 'csv')).text.replace(/^\ufeff/, ''));
  expect(rejected).toHaveLength(2);
  expect(rejected[1]![rejected[0]!.indexOf('label')]).toBe('Place order');

  await panel.history.filter('Outcome', '');
  await panel.history.search('general');
  await expect(panel.history.matching).toHaveText('1 action');
  await expect(panel.history.row('Enter in Message #general')).toHaveCount(1);
});

test('screenshots go into a JSON export only when asked for', async ({ agent, panel, server }) => {
  await agent.goto(`${server.origin}/cases/spa-fetch.html`);
  await agent.bringToFront();
  await agent.getByRole('button', { name: 'Buy now' }).click();
  await panel.reject('Buy now');
  await panel.history.open();
  const document = JSON.parse((await exportAs(panel, 'json', { screenshots: true })).text);
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
    await expect(panel.queue.cards).toHaveCount(0);
  }
  await panel.settings.open();
  const limit = panel.settings.field('Keep at most this many entries');
  await limit.fill('2');
  await limit.press('Enter');
  await panel.history.open();
  await expect(panel.history.matching).toHaveText('2 actions');
  await expect(panel.history.row('Post a comment')).toHaveCount(2);
  await expect(panel.history.row('(four)')).toHaveCount(1);
  await expect(panel.history.row('(three)')).toHaveCount(1);

  await panel.history.clear(2);
  await expect(panel.history.matching).toHaveText('0 actions');
});

test('the History view marks what it loaded as verified against the hash chain, and says loudly when an entry was changed behind its back', async ({ agent, panel, server }) => {
  await agent.goto(`${server.origin}/cases/spa-fetch.html`);
  await agent.getByRole('button', { name: 'Buy now' }).click();
  await panel.reject('Buy now', 'not today');
  await panel.history.open();
  await expect(panel.page.getByRole('status').filter({ hasText: 'hash chain' })).toHaveText('✓ the 1 entry loaded verifies against the history’s hash chain.');

  // Someone with the profile edits the stored note straight in IndexedDB.
  await panel.page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((done) => {
      const open = indexedDB.open('countersign');
      open.onsuccess = () => done(open.result);
    });
    const store = db.transaction('actions', 'readwrite').objectStore('actions');
    await new Promise<void>((done) => {
      const cursor = store.openCursor();
      cursor.onsuccess = () => {
        const current = cursor.result;
        if (!current) return done();
        current.update({ ...current.value, note: 'approved by phone' });
        current.continue();
      };
    });
    db.close();
  });
  await panel.queue.open();
  await panel.history.open();
  await expect(panel.page.getByRole('alert').filter({ hasText: 'hash chain' })).toContainText('The history’s hash chain is broken: 1 entry does not match it. First: Buy now (changed after it was recorded)');
  await panel.queue.open();
});
