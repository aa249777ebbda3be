import { chromium } from '@playwright/test';
import { expect, expectNothingReceived, expectReceivedOnce, foreignClientTest as test, PanelPage } from './fixtures';

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
