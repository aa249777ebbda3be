import { resolve } from 'node:path';
import { chromium } from '@playwright/test';
import {
  expect,
  expectNothingReceived,
  expectReceivedOnce,
  foreignClientTest as test,
  launchPlainChromium,
  PanelPage,
} from './fixtures';

test('an agent attached over the DevTools protocol is guarded although navigator.webdriver is false', async ({
  plainChromium,
  server,
}) => {
  const browser = await chromium.connectOverCDP(`http://127.0.0.1:${plainChromium.port}`);
  const context = browser.contexts()[0]!;
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  const extensionId = new URL(worker.url()).host;

  const agent = await context.newPage();
  await agent.goto(`${server.origin}/cases/spa-fetch.html`);
  expect(await agent.evaluate(() => navigator.webdriver)).toBe(false);
  await agent.getByRole('button', { name: 'Buy now' }).click();

  const panelPage = await context.newPage();
  await panelPage.goto(`chrome-extension://${extensionId}/sidepanel.html`);
  const panel = new PanelPage(panelPage);
  await expect(panel.card('Buy now')).toContainText('a DevTools-protocol client is attached to the tab');
  await expect(panel.card('Buy now')).not.toContainText('navigator.webdriver');
  await expectNothingReceived(server, '/api/spa/buy');

  await panel.approve('Buy now');
  await expectReceivedOnce(server, '/api/spa/buy');
  await browser.close();
});

test('an agent extension dispatching synthetic clicks is held, with no debugger involved', async ({ server }) => {
  // The agent extension acts as soon as the page loads, before any DevTools client connects.
  const browserWithAgent = await launchPlainChromium({
    otherExtensions: [resolve('test/fixtures/agent-extension')],
    url: `${server.origin}/cases/spa-fetch.html#agent-buy`,
  });
  try {
    await expect.poll(() => server.received('/api/agent-acted').length, { timeout: 15_000 }).toBe(1);
    await new Promise((done) => setTimeout(done, 500)); // the hold reaches the background
    const browser = await chromium.connectOverCDP(`http://127.0.0.1:${browserWithAgent.port}`);
    const context = browser.contexts()[0]!;
    const worker = context.serviceWorkers().find((w) => w.url().endsWith('/background.js')) ?? (await context.waitForEvent('serviceworker'));
    const panel = new PanelPage(await context.newPage());
    await panel.page.goto(`chrome-extension://${new URL(worker.url()).host}/sidepanel.html`);
    const card = panel.card('Buy now');
    await expect(card).toContainText('the event was synthetic, not a real input');
    await expect(card).not.toContainText('DevTools-protocol client');
    await expectNothingReceived(server, '/api/spa/buy');
    await panel.approve('Buy now');
    await expectReceivedOnce(server, '/api/spa/buy');
    await browser.close();
  } finally {
    await browserWithAgent.close();
  }
});

test('an agent extension that attaches chrome.debugger after load and clicks at once is held on every consequential page', async ({ server }) => {
  const jobs = [
    { url: `${server.origin}/real/account.html`, selector: '#delete', path: '/api/account/me', card: 'Delete account' },
    { url: `${server.origin}/real/div-login.html`, selector: '#loginButton', path: '/api/rest/user/login', card: 'Login' },
    { url: `${server.origin}/real/transfer.html`, selector: '#go', path: '/api/bank/transfer', card: 'Transfer now' },
    { url: `${server.origin}/real/wp-settings.html`, selector: '#submit', path: '/wp-admin/options.php', card: 'Save Changes' },
    { url: `${server.origin}/cases/spa-fetch.html`, selector: '#buy', path: '/api/spa/buy', card: 'Buy now' },
  ];
  const start = `${server.origin}/index.html#jobs=${encodeURIComponent(JSON.stringify(jobs.map(({ url, selector }) => ({ url, selector }))))}`;
  const browserWithAgent = await launchPlainChromium({ otherExtensions: [resolve('test/fixtures/debugger-agent-extension')], url: start });
  try {
    await expect.poll(() => server.received('/api/agent-acted').length, { timeout: 20_000 }).toBe(jobs.length);
    for (const job of jobs) await expectNothingReceived(server, job.path, 100);
    // Only now does a client connect to read the queue: the holds were the agent extension's alone.
    const browser = await chromium.connectOverCDP(`http://127.0.0.1:${browserWithAgent.port}`);
    const context = browser.contexts()[0]!;
    const worker = context.serviceWorkers().find((w) => w.url().endsWith('/background.js')) ?? (await context.waitForEvent('serviceworker'));
    const panel = new PanelPage(await context.newPage());
    await panel.page.goto(`chrome-extension://${new URL(worker.url()).host}/sidepanel.html`);
    for (const job of jobs) {
      const card = panel.card(job.card);
      await expect(card).toContainText('a DevTools-protocol client is attached to the tab');
      await expect(card).not.toContainText('the event was synthetic');
    }
    for (const job of jobs) await expectNothingReceived(server, job.path, 50);
    await panel.approve('Delete account');
    await expectReceivedOnce(server, '/api/account/me');
    await browser.close();
  } finally {
    await browserWithAgent.close();
  }
});
