import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import puppeteer, { type Browser, type Page } from 'puppeteer-core';
import { expect, expectNothingReceived, expectReceivedOnce, foreignClientTest } from './fixtures';

// The Firefox build in Debian's firefox-esr, driven over WebDriver BiDi by puppeteer-core.
// Firefox has no debugger API: the agent's tab is guarded by navigator.webdriver, which BiDi sets.

const FIREFOX_BUILD_DIR = resolve('.output/firefox-mv3');
const FIREFOX_ADDON_ID = 'countersign@countersign.dev'; // browser_specific_settings.gecko.id in wxt.config.ts
const TICKET_PATH = '/cases/support-ticket';

interface Firefox {
  browser: Browser;
  panelUrl: string;
}

const test = foreignClientTest.extend<object, { firefox: Firefox }>({
  firefox: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const executablePath = process.env.FIREFOX_PATH ?? '/usr/bin/firefox-esr';
      expect(existsSync(executablePath), `${executablePath} is missing: apt-get install firefox-esr`).toBe(true);
      expect(existsSync(FIREFOX_BUILD_DIR), 'npm run build:firefox first').toBe(true);
      const uuid = randomUUID(); // a fixed internal UUID tells the test the panel's address
      const browser = await puppeteer.launch({
        browser: 'firefox',
        executablePath,
        headless: true,
        // Firefox 153 lets WebDriver open moz-extension:// pages only with system access.
        args: ['--remote-allow-system-access'],
        extraPrefsFirefox: { 'extensions.webextensions.uuids': JSON.stringify({ [FIREFOX_ADDON_ID]: uuid }) },
      });
      expect(await browser.installExtension(FIREFOX_BUILD_DIR)).toBe(FIREFOX_ADDON_ID);
      await use({ browser, panelUrl: `moz-extension://${uuid}/sidepanel.html` });
      await browser.close();
    },
    { scope: 'worker' },
  ],
});

test.describe.configure({ mode: 'serial' });

/**
 * The person's panel, as a tab. Firefox never reports an extension page's navigation as
 * finished, so the test starts it without waiting and then waits for the panel's own markup.
 */
async function openPanel(firefox: Firefox): Promise<Page> {
  const panel = await firefox.browser.newPage();
  const context = (panel.mainFrame() as unknown as { browsingContext: { navigate(url: string, wait: 'none'): Promise<void> } })
    .browsingContext;
  await context.navigate(firefox.panelUrl, 'none');
  await panel.waitForSelector('[role="tablist"]', { timeout: 10_000 });
  return panel;
}

async function submitTicket(browser: Browser, origin: string): Promise<Page> {
  const agent = await browser.newPage();
  await agent.goto(`${origin}/cases/support-ticket.html`);
  await agent.click('.wpcf7-submit');
  return agent;
}

async function cardText(panel: Page): Promise<string> {
  const card = await panel.waitForSelector('article', { timeout: 10_000 });
  return (await card!.evaluate((element) => element.textContent)) ?? '';
}

test('Firefox: a form POST is held, and approved in the panel it reaches the server once', async ({ firefox, server }) => {
  const agent = await submitTicket(firefox.browser, server.origin);
  await expectNothingReceived(server, TICKET_PATH, 1000);

  const panel = await openPanel(firefox);
  const text = await cardText(panel);
  expect(text).toContain('Submit ticket');
  expect(text).toContain('navigator.webdriver');
  expect(text).toContain('Please refund order 1042 to my card.');
  // BiDi can click in the panel too, and Firefox has no debugger API to tell; the panel says so.
  const banner = await panel.$eval('[role="alert"]', (element) => element.textContent);
  expect(banner).toContain('A WebDriver client controls this browser');
  await panel.waitForSelector('article button.approve:not([disabled])', { timeout: 10_000 });
  await panel.click('article button.approve');

  const request = await expectReceivedOnce(server, TICKET_PATH);
  const fields = new URLSearchParams(request.body);
  expect(fields.get('your-message')).toBe('Please refund order 1042 to my card.');
  expect(fields.get('action')).toBe('submit_ticket');
  await panel.close();
  await agent.close();
});

test('Firefox: a rejected form POST never reaches the server, and the agent reads the note', async ({ firefox, server }) => {
  const agent = await submitTicket(firefox.browser, server.origin);
  const panel = await openPanel(firefox);
  expect(await cardText(panel)).toContain('Submit ticket');
  await panel.type('article textarea', 'Refunds go through the order page');
  await panel.click('article button.reject');
  await panel.waitForSelector('article', { hidden: true, timeout: 10_000 });

  await expectNothingReceived(server, TICKET_PATH, 1000);
  const notice = await agent.waitForFunction(
    () => document.querySelector('countersign-status')?.shadowRoot?.querySelector('[role="status"]')?.textContent || null,
    { timeout: 5000 },
  );
  expect(await notice.jsonValue()).toBe('Rejected by reviewer: Refunds go through the order page');
  await panel.close();
  await agent.close();
});
