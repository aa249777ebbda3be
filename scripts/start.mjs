// npm start: build the extension, serve the demo sites, open Chromium with Countersign loaded,
// and let a short scripted agent place an order, send an email and post in a chat.
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { chromium } from '@playwright/test';
import { startFixtureServer } from '../test/fixtures/server.mjs';
import { extensionFlags, findChromium, BROWSER_FLAGS } from './chromium.mjs';
import { EXTENSION_DIR } from './content-scripts.mjs';

const headless = !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY;
const log = (line) => console.log(`[countersign] ${line}`);

// --no-build: the end-to-end test of this demo runs it against the build it has just made.
if (!process.argv.includes('--no-build')) {
  const build = spawnSync('npm', ['run', 'build'], { stdio: 'inherit' });
  if (build.status !== 0) process.exit(build.status ?? 1);
}

const server = await startFixtureServer(Number(process.env.PORT ?? 0));
log(`demo sites at ${server.origin}/`);
if (headless) log('no display found: running Chromium headless; the demo plays the reviewer and prints what happens');

const context = await chromium.launchPersistentContext(mkdtempSync(join(tmpdir(), 'countersign-demo-')), {
  executablePath: await findChromium(),
  headless,
  viewport: null,
  args: [...BROWSER_FLAGS, ...extensionFlags(resolve(EXTENSION_DIR))],
});
const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
const panel = context.pages()[0] ?? (await context.newPage());
await panel.goto(`chrome-extension://${new URL(worker.url()).host}/sidepanel.html`);

const reported = new Set();
const reportRequests = () => {
  for (const request of server.requests) {
    if (reported.has(request)) continue;
    reported.add(request);
    log(`server received ${request.method} ${request.path}${request.query} ${request.body.slice(0, 120)}`);
  }
};
const watcher = setInterval(reportRequests, 250);

// The agent: three consequential actions on three sites, each held for review. Each tab is
// brought to the front before the agent acts, as an agent's tab is: a card's screenshot is only
// ever of the visible tab, so this is what lets the cards show the page with the control outlined.
const shop = await context.newPage();
await shop.bringToFront();
await shop.goto(`${server.origin}/shop/checkout.html`);
await shop.getByLabel('Full name').fill('Ada Lovelace');
await shop.getByLabel('Address').fill("12 St James's Square, London");
await shop.getByLabel('Card number').fill('4242 4242 4242 4242');
await shop.getByLabel('CVC').fill('123');
await shop.getByRole('button', { name: 'Place order' }).click();
await pictured('Place order');
log('agent clicked "Place order": held for review');

const mail = await context.newPage();
await mail.bringToFront();
await mail.goto(`${server.origin}/mail/compose.html`);
await mail.getByLabel('To').fill('board@example.com');
await mail.getByLabel('Subject').fill('Quarterly numbers');
await mail.getByLabel('Body').fill('Hi all,\nthe numbers are attached.\nAda');
await mail.getByRole('button', { name: 'Send' }).click();
await pictured('board@example.com');
log('agent clicked "Send" on an email: held for review');

const chat = await context.newPage();
await chat.bringToFront();
await chat.goto(`${server.origin}/chat/index.html`);
await chat.getByLabel('Message #general').fill('Deploy is done, all green.');
await chat.getByLabel('Message #general').press('Enter');
await pictured('Deploy is done');
log('agent pressed Enter in the chat: held for review');

await panel.bringToFront();
if (headless) {
  await playReviewer();
  clearInterval(watcher);
  await context.close();
  await server.close();
} else {
  log('approve or reject the actions in the Countersign tab; close the browser to stop');
  context.on('close', async () => {
    clearInterval(watcher);
    reportRequests();
    await server.close();
    process.exit(0);
  });
}

/**
 * Waits until the card for an action has its picture (taken while the agent's tab is in front),
 * then as long again as Chrome's capture quota (two a second) needs before the next one: the
 * picture is taken when the action is held, never later, so a faster agent's next card would
 * have none.
 */
async function pictured(text) {
  const card = panel.getByRole('article').filter({ hasText: text });
  await card.getByRole('img', { name: /^Screenshot/ }).or(card.getByText(/^No screenshot/)).waitFor();
  await new Promise((done) => setTimeout(done, 600));
}

/** Approve, and for a high-risk action type the value the card asks for, as a person would. */
async function approve(card) {
  const button = card.getByRole('button', { name: /^Approve/ });
  await button.waitFor();
  while (await button.isDisabled()) await new Promise((done) => setTimeout(done, 50)); // the dwell time
  const confirm = await card.getAttribute('data-confirm');
  await button.click();
  if (confirm === null) return;
  await card.getByRole('textbox', { name: /^Confirm/ }).fill(confirm);
  await card.getByRole('button', { name: /^Confirm/ }).click();
}

async function playReviewer() {
  const card = (text) => panel.getByRole('article').filter({ hasText: text });
  await card('Place order').waitFor();
  await card('board@example.com').waitFor();
  await card('Deploy is done').waitFor();
  const outDir = resolve(process.env.DEMO_OUTPUT_DIR ?? 'demo-output');
  mkdirSync(outDir, { recursive: true });
  await panel.screenshot({ path: join(outDir, 'queue.png'), fullPage: true });
  const pictures = await panel.getByRole('article').getByRole('img', { name: /^Screenshot/ }).count();
  log(`3 actions waiting, ${pictures} with a screenshot of the agent's tab; the queue is pictured in ${join(outDir, 'queue.png')}`);
  log(`server has received ${server.requests.length} requests so far`);

  await approve(card('Place order'));
  log('reviewer approved the order, typing its amount to confirm (a high-risk purchase)');
  await card('board@example.com').getByLabel('Note for the agent').fill('Not to the board, please');
  await card('board@example.com').getByRole('button', { name: /^Reject/ }).click();
  log('reviewer rejected the email');
  await approve(card('Deploy is done'));
  log('reviewer approved the chat message, typing the channel to confirm (a first send there)');
  await panel.getByText('No actions waiting').waitFor();
  await new Promise((done) => setTimeout(done, 500));
  reportRequests();
  log(`the mail page now reads: "${await mail.getByRole('status', { name: 'Countersign' }).textContent()}"`);
  await panel.getByRole('tab', { name: 'History' }).click();
  for (const row of await panel.getByRole('row').allInnerTexts()) log(`history: ${row.replace(/\s+/g, ' ')}`);
  await panel.screenshot({ path: join(outDir, 'history.png'), fullPage: true });
}
