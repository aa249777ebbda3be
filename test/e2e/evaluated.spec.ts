import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { Builder } from 'selenium-webdriver';
import chrome from 'selenium-webdriver/chrome.js';
import { remote } from 'webdriverio';
import { expect, expectNothingReceived, expectReceivedOnce, findChromium, type FixtureServer, type PanelPage } from './fixtures';
import { launchedTest as test, printed } from './launcher';
import { CHROME_DEVTOOLS_MCP, McpClient, PLAYWRIGHT_MCP } from './mcp-client';

// Agents that run a script in the page instead of clicking: every driver's "evaluate" and both
// MCP servers' evaluate tools, against `npm run browser`. The bank page runs its own heartbeat,
// draft autosave and analytics on timers; those keep arriving with no card.

/** One script that sends all four ways a page can: fetch, XHR, beacon and form.submit(). */
const AGENT_SCRIPT = `(() => {
  void fetch('/api/bank/transfers', { method: 'POST', headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ iban: 'GB33BUKB20201555555555', amount: '950.00', reference: 'invoice 4471' }) });
  const xhr = new XMLHttpRequest();
  xhr.open('DELETE', '/api/bank/payees/17');
  xhr.send();
  navigator.sendBeacon('/api/bank/instant-payments', new URLSearchParams({ to: 'Acme Ltd', amount: '120.00' }));
  void fetch('/api/bank/balance?from=script');
  const form = document.createElement('form');
  form.method = 'post';
  form.action = '/api/bank/standing-orders';
  form.innerHTML = '<input type="hidden" name="action" value="create"><input name="amount" value="75.00">';
  document.body.append(form);
  form.submit();
  return 'sent';
})()`;

test.describe.configure({ mode: 'serial' });

test.beforeEach(async ({ person }) => {
  await person.panel.reset();
});

/** What the person sees and does once a client ran AGENT_SCRIPT in the bank page. */
async function decideAll({ panel }: { panel: PanelPage }, server: FixtureServer): Promise<void> {
  const paths = ['/api/bank/transfers', '/api/bank/payees/17', '/api/bank/instant-payments', '/api/bank/standing-orders'];
  await expect(panel.queue.cards).toHaveCount(4);
  for (const path of paths) await expectNothingReceived(server, path, 0);
  const transfer = panel.card('POST /api/bank/transfers');
  await expect(transfer).toContainText('sent by a script the agent ran in the page');
  await expect(transfer).toContainText('GB33BUKB20201555555555');
  await expect(panel.card('DELETE /api/bank/payees/17')).toContainText(/Delet/);
  await panel.approve('POST /api/bank/transfers');
  await panel.reject('DELETE /api/bank/payees/17', 'not asked to remove payees');
  await panel.approve('/api/bank/instant-payments');
  await panel.reject('/api/bank/standing-orders');
  const sent = await expectReceivedOnce(server, '/api/bank/transfers');
  expect(JSON.parse(sent.body)).toEqual({ iban: 'GB33BUKB20201555555555', amount: '950.00', reference: 'invoice 4471' });
  expect(new URLSearchParams((await expectReceivedOnce(server, '/api/bank/instant-payments')).body).get('amount')).toBe('120.00');
  await expectNothingReceived(server, '/api/bank/payees/17');
  await expectNothingReceived(server, '/api/bank/standing-orders');
  await expect(panel.queue.cards).toHaveCount(0);
  // The script's GET, and the page's own timers, went on with no card.
  expect(server.received('/api/bank/balance')).toHaveLength(1);
  const heartbeats = server.received('/api/bank/session/heartbeat').length;
  await expect.poll(() => server.received('/api/bank/session/heartbeat').length).toBeGreaterThan(heartbeats);
  for (const path of ['/api/bank/session/heartbeat', '/api/bank/drafts/current', '/api/bank/analytics']) {
    expect(server.received(path).length, path).toBeGreaterThan(0);
  }
}

const bankPage = (server: FixtureServer) => `${server.origin}/bank/payments.html`;

test('Playwright page.evaluate: each request waits for the person; approved ones arrive once, rejected ones never', async ({ person, server }) => {
  const page = await person.browser.contexts()[0]!.newPage();
  await page.goto(bankPage(server));
  expect(await page.evaluate(AGENT_SCRIPT)).toBe('sent');
  await decideAll(person, server);
  await page.close();
});

test('a page that pins Error.prepareStackTrace to hide the agent’s script still has its request held', async ({ person, server }) => {
  const page = await person.browser.contexts()[0]!.newPage();
  await page.goto(`${server.origin}/cases/stack-hiding.html`);
  await page.evaluate(() => void fetch('/api/hidden/order', { method: 'POST', body: 'total=89.00' }));
  await expect(person.panel.card('POST /api/hidden/order')).toBeVisible();
  await expectNothingReceived(server, '/api/hidden/order');
  await person.panel.approve('POST /api/hidden/order');
  expect((await expectReceivedOnce(server, '/api/hidden/order')).body).toBe('total=89.00');
  await page.close();
});

test('Puppeteer page.evaluate is held the same way', async ({ launched, person, server }) => {
  const browser = await puppeteer.connect({ browserURL: launched.endpoint });
  try {
    const page = await browser.newPage();
    await page.goto(bankPage(server));
    expect(await page.evaluate(AGENT_SCRIPT)).toBe('sent');
    await decideAll(person, server);
    await page.close();
  } finally {
    await browser.disconnect();
  }
});

test('Selenium executeScript is held the same way', async ({ launched, person, server }) => {
  const options = new chrome.Options();
  options.debuggerAddress(new URL(launched.endpoint).host);
  options.setChromeBinaryPath(await findChromium());
  const driver = await new Builder()
    .forBrowser('chrome')
    .setChromeOptions(options)
    .setChromeService(new chrome.ServiceBuilder(process.env.CHROMEDRIVER_PATH ?? '/usr/bin/chromedriver'))
    .build();
  try {
    await driver.switchTo().newWindow('tab');
    await driver.get(bankPage(server));
    expect(await driver.executeScript(`return ${AGENT_SCRIPT}`)).toBe('sent');
    await decideAll(person, server);
  } finally {
    await driver.quit();
  }
});

test('WebdriverIO execute is held the same way', async ({ launched, person, server }) => {
  const browser = await remote({
    logLevel: 'error',
    capabilities: {
      browserName: 'chrome',
      'goog:chromeOptions': { debuggerAddress: new URL(launched.endpoint).host, binary: await findChromium() },
      'wdio:chromedriverOptions': { binary: process.env.CHROMEDRIVER_PATH ?? '/usr/bin/chromedriver' },
    },
  });
  try {
    await browser.newWindow(bankPage(server));
    expect(await browser.execute(`return ${AGENT_SCRIPT}`)).toBe('sent');
    await decideAll(person, server);
  } finally {
    await browser.deleteSession({ shutdownDriver: true });
  }
});

test('Playwright MCP browser_evaluate is held the same way', async ({ launched, person, server }) => {
  const outputDir = mkdtempSync(join(tmpdir(), 'countersign-mcp-'));
  const config = JSON.parse(printed(launched.output, 'Playwright MCP')) as { mcpServers: { playwright: { args: string[] } } };
  const mcp = new McpClient(PLAYWRIGHT_MCP, [...config.mcpServers.playwright.args.slice(1), '--output-dir', outputDir]);
  try {
    await mcp.initialize();
    await mcp.call('browser_tabs', { action: 'new', url: bankPage(server) });
    expect(await mcp.call('browser_evaluate', { function: `() => ${AGENT_SCRIPT}` })).toContain('sent');
    await decideAll(person, server);
  } finally {
    await mcp.close();
    rmSync(outputDir, { recursive: true, force: true });
  }
});

test('chrome-devtools-mcp evaluate_script is held the same way', async ({ launched, person, server }) => {
  const config = JSON.parse(printed(launched.output, 'chrome-devtools-mcp')) as { mcpServers: { 'chrome-devtools': { args: string[] } } };
  const mcp = new McpClient(CHROME_DEVTOOLS_MCP, [...config.mcpServers['chrome-devtools'].args.slice(1), '--no-usage-statistics', '--no-performance-crux']);
  try {
    await mcp.initialize();
    const pages = await mcp.call('new_page', { url: bankPage(server) });
    const pageId = Number(/(\d+): Payments .*\[selected\]/.exec(pages)?.[1]);
    expect(await mcp.call('evaluate_script', { pageId, function: `() => ${AGENT_SCRIPT}` })).toContain('sent');
    await decideAll(person, server);
  } finally {
    await mcp.close();
  }
});
