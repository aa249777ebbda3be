import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from '@playwright/test';
import puppeteer from 'puppeteer-core';
import { Builder, By, until } from 'selenium-webdriver';
import chrome from 'selenium-webdriver/chrome.js';
import {
  EXTENSION_DIR,
  expect,
  expectNothingReceived,
  expectReceivedOnce,
  extensionFlags,
  findChromium,
  foreignClientTest as test,
  PanelPage,
  BROWSER_FLAGS,
} from './fixtures';
import { McpClient, PLAYWRIGHT_MCP } from './mcp-client';

// The same agent journey under each client that drives browsers in the wild: open a
// product page, click "Buy now"; the request must wait for a person's approval.
const APPROVE = 'article .decide button.approve';
const CONFIRM_INPUT = 'article .confirm input';
const CONFIRM_BUTTON = 'article .confirm button';

test('Puppeteer (puppeteer-core) is held', async ({ server }) => {
  const dir = mkdtempSync(join(tmpdir(), 'countersign-puppeteer-'));
  const browser = await puppeteer.launch({
    executablePath: await findChromium(),
    headless: true,
    userDataDir: dir,
    ignoreDefaultArgs: ['--disable-extensions'],
    args: [...BROWSER_FLAGS, ...extensionFlags(EXTENSION_DIR)],
  });
  try {
    const worker = await browser.waitForTarget((target) => target.type() === 'service_worker');
    const agent = await browser.newPage();
    await agent.goto(`${server.origin}/cases/spa-fetch.html`);
    await agent.click('#buy');

    const panel = await browser.newPage();
    await panel.goto(`chrome-extension://${new URL(worker.url()).host}/sidepanel.html`);
    await panel.waitForSelector(APPROVE);
    expect(await panel.$eval('article', (card) => card.textContent)).toContain('Buy now');
    await expectNothingReceived(server, '/api/spa/buy');
    // The price is in euros, so the purchase needs a typed confirmation of the amount.
    const card = await panel.waitForSelector('article[data-confirm]');
    const confirmation = await card!.evaluate((element) => element.getAttribute('data-confirm'));
    await panel.waitForSelector(`${APPROVE}:not([disabled])`); // Approve waits out the dwell time
    await panel.click(APPROVE);
    await panel.type(CONFIRM_INPUT, confirmation!);
    await panel.click(CONFIRM_BUTTON);
    await expectReceivedOnce(server, '/api/spa/buy');
  } finally {
    await browser.close();
    rmSync(dir, { recursive: true, force: true });
  }
});

test('Selenium with chromedriver is held', async ({ server }) => {
  const chromedriver = process.env.CHROMEDRIVER_PATH ?? '/usr/bin/chromedriver';
  expect(existsSync(chromedriver), `${chromedriver} (Debian's chromium-driver) is needed`).toBe(true);
  const options = new chrome.Options();
  options.setChromeBinaryPath(await findChromium());
  options.addArguments('--headless', ...BROWSER_FLAGS, ...extensionFlags(EXTENSION_DIR));
  options.excludeSwitches('disable-extensions'); // chromedriver adds it by default
  const driver = await new Builder()
    .forBrowser('chrome')
    .setChromeOptions(options)
    .setChromeService(new chrome.ServiceBuilder(chromedriver))
    .build();
  try {
    await driver.get(`${server.origin}/cases/spa-fetch.html`);
    const agentWindow = await driver.getWindowHandle();
    await driver.findElement(By.id('buy')).click();

    await driver.switchTo().newWindow('tab');
    await driver.get('chrome://extensions');
    const extensionId = await driver.executeScript<string>(
      "return document.querySelector('extensions-manager').shadowRoot.querySelector('extensions-item-list').shadowRoot.querySelector('extensions-item').id",
    );
    await driver.get(`chrome-extension://${extensionId}/sidepanel.html`);
    const approve = await driver.wait(until.elementLocated(By.css(APPROVE)), 10_000);
    expect(await driver.findElement(By.css('article')).getText()).toContain('Buy now');
    await expectNothingReceived(server, '/api/spa/buy');
    const card = await driver.wait(until.elementLocated(By.css('article[data-confirm]')), 5_000);
    const confirmation = await card.getAttribute('data-confirm');
    await driver.wait(until.elementIsEnabled(approve), 5_000); // Approve waits out the dwell time
    await approve.click();
    await driver.wait(until.elementLocated(By.css(CONFIRM_INPUT)), 5_000).sendKeys(confirmation!);
    await driver.findElement(By.css(CONFIRM_BUTTON)).click();
    await expectReceivedOnce(server, '/api/spa/buy');
    await driver.switchTo().window(agentWindow);
    await driver.wait(until.elementTextIs(driver.findElement(By.id('result')), 'Ordered'), 5_000);
  } finally {
    await driver.quit();
  }
});

test('Playwright MCP attached to a person’s browser is held, and its snapshot shows why', async ({
  plainChromium,
  server,
}) => {
  // Its page snapshots go to a folder of the test's own, not the working directory.
  const outputDir = mkdtempSync(join(tmpdir(), 'countersign-mcp-'));
  const mcp = new McpClient(PLAYWRIGHT_MCP, ['--cdp-endpoint', `http://127.0.0.1:${plainChromium.port}`, '--output-dir', outputDir]);
  try {
    await mcp.initialize();
    await mcp.call('browser_navigate', { url: `${server.origin}/cases/spa-fetch.html` });
    const before = await mcp.call('browser_snapshot', {});
    const ref = /button "Buy now" \[ref=(\w+)\]/.exec(before)?.[1];
    expect(ref, before).toBeTruthy();
    await mcp.call('browser_click', { element: 'Buy now button', target: ref });
    await expectNothingReceived(server, '/api/spa/buy');
    const after = await mcp.call('browser_snapshot', {});
    expect(after).toContain('Held for review by a person');

    const person = await chromium.connectOverCDP(`http://127.0.0.1:${plainChromium.port}`);
    const context = person.contexts()[0]!;
    const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
    const panel = new PanelPage(await context.newPage());
    await panel.page.goto(`chrome-extension://${new URL(worker.url()).host}/sidepanel.html`);
    await panel.approve('Buy now');
    await expectReceivedOnce(server, '/api/spa/buy');
    await person.close();
  } finally {
    await mcp.close();
    rmSync(outputDir, { recursive: true, force: true });
  }
});
