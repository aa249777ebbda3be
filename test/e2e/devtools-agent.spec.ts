import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base, chromium, expect } from '@playwright/test';
import {
  EXTENSION_DIR,
  expectNothingReceived,
  expectReceivedOnce,
  extensionFlags,
  findChromium,
  PanelPage,
  QUIET_FLAGS,
  startFixtureServer,
  type FixtureServer,
} from './fixtures';

// A person's own browser, started without automation flags, that an agent attaches to over
// the DevTools protocol: its clicks are trusted, and navigator.webdriver is false (headless
// Chromium would report true, so the flag stealthy agents use turns that off here).
const test = base.extend<{ server: FixtureServer; browserProcess: { port: number } }>({
  // eslint-disable-next-line no-empty-pattern
  server: async ({}, use) => {
    const server = (await startFixtureServer()) as FixtureServer;
    await use(server);
    await server.close();
  },
  // eslint-disable-next-line no-empty-pattern
  browserProcess: async ({}, use) => {
    const dir = mkdtempSync(join(tmpdir(), 'countersign-cdp-'));
    const child: ChildProcess = spawn(
      await findChromium(),
      [...QUIET_FLAGS, ...extensionFlags(EXTENSION_DIR), '--headless', '--disable-blink-features=AutomationControlled', `--user-data-dir=${dir}`, '--remote-debugging-port=0', 'about:blank'],
      { stdio: 'ignore' },
    );
    const portFile = join(dir, 'DevToolsActivePort');
    await expect.poll(() => existsSync(portFile) && readFileSync(portFile, 'utf8').includes('\n'), { timeout: 15_000 }).toBe(true);
    const port = Number(readFileSync(portFile, 'utf8').split('\n')[0]);
    await use({ port });
    const exited = new Promise((done) => child.once('exit', done));
    child.kill();
    await exited;
    rmSync(dir, { recursive: true, force: true });
  },
});

test('an agent attached over the DevTools protocol is guarded although navigator.webdriver is false', async ({
  browserProcess,
  server,
}) => {
  const browser = await chromium.connectOverCDP(`http://127.0.0.1:${browserProcess.port}`);
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
