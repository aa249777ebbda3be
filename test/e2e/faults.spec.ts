import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { test as base } from '@playwright/test';
import {
  expect,
  expectNothingReceived,
  extensionIdOf,
  launchWithExtension,
  PanelPage,
  startFixtureServer,
  type FixtureServer,
} from './fixtures';

// Faults change the extension itself, so each test gets a browser of its own.
const test = base.extend<{ server: FixtureServer; isolated: { context: Awaited<ReturnType<typeof launchWithExtension>>; id: string } }>({
  // eslint-disable-next-line no-empty-pattern
  server: async ({}, use) => {
    const server = (await startFixtureServer()) as FixtureServer;
    await use(server);
    await server.close();
  },
  // eslint-disable-next-line no-empty-pattern
  isolated: async ({}, use) => {
    const dir = mkdtempSync(join(tmpdir(), 'countersign-faults-'));
    const context = await launchWithExtension(dir);
    await use({ context, id: await extensionIdOf(context) });
    await context.close();
    rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
  },
});

test('an extension reload keeps the held action unsent, tells the page, and logs it abandoned', async ({ isolated, server }) => {
  const { context, id } = isolated;
  const agent = await context.newPage();
  await agent.goto(`${server.origin}/cases/spa-fetch.html`);
  await agent.getByRole('button', { name: 'Buy now' }).click();
  const panel = new PanelPage(await context.newPage());
  await panel.page.goto(`chrome-extension://${id}/sidepanel.html`);
  await expect(panel.card('Buy now')).toBeVisible();

  const before = context.serviceWorkers()[0];
  // The reload closes the extension's pages, this one included, while the call is in flight.
  await panel.page
    .evaluate(() => (globalThis as unknown as { chrome: { runtime: { reload(): void } } }).chrome.runtime.reload())
    .catch(() => undefined);
  await expect.poll(() => context.serviceWorkers().some((worker) => worker !== before), { timeout: 10_000 }).toBe(true);
  await expect(agent.getByRole('status', { name: 'Countersign' })).toContainText('Countersign was reloaded', { timeout: 10_000 });
  // The agent retries on the orphaned page: still nothing goes out.
  await agent.getByRole('button', { name: 'Buy now' }).click({ timeout: 2000 }).catch(() => undefined);
  await expectNothingReceived(server, '/api/spa/buy', 1000);

  const fresh = new PanelPage(await context.newPage());
  await fresh.page.goto(`chrome-extension://${id}/sidepanel.html`);
  await fresh.history.open();
  await expect(fresh.history.row('Buy now').first()).toContainText(
    'abandoned by system (extension reloaded or updated)',
  );
});

test('when IndexedDB cannot be opened, the action stays held and the panel shows the error', async ({ isolated, server }) => {
  const { context, id } = isolated;
  const agent = await context.newPage();
  await agent.goto(`${server.origin}/cases/spa-fetch.html`);
  const blocker = await context.newPage();
  await blocker.goto(`chrome-extension://${id}/sidepanel.html`);

  // Simulate a broken database: a newer version the worker cannot open. It takes hold once
  // the worker's own connection is gone, so stop the worker first.
  const upgraded = blocker.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('countersign', 999);
        open.onsuccess = () => resolve(open.result.version);
        open.onerror = () => reject(open.error);
      }),
  );
  const cdp = await context.newCDPSession(blocker);
  // Stopped while still installing, the worker would be dropped for good, not stopped (and
  // nothing would answer at all): wait until it is active.
  const activated = new Promise<void>((done) =>
    cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }: { versions: { status: string }[] }) => {
      if (versions.some((version) => version.status === 'activated')) done();
    }),
  );
  await cdp.send('ServiceWorker.enable');
  await activated;
  await cdp.send('ServiceWorker.stopAllWorkers');
  expect(await upgraded).toBe(999);

  await agent.getByRole('button', { name: 'Buy now' }).click();
  // 20 attempts 250 ms apart, or 8 s at most (HOLD_GIVE_UP_MS): past the default 5 s wait under load.
  await expect(agent.getByRole('status', { name: 'Countersign' })).toHaveText(
    'Held: Countersign could not reach its reviewer; nothing was sent',
    { timeout: 10_000 },
  );
  const panel = new PanelPage(await context.newPage());
  await panel.page.goto(`chrome-extension://${id}/sidepanel.html`);
  await expect(panel.page.getByRole('alert').filter({ hasText: 'Could not load the queue' })).toBeVisible();
  await expectNothingReceived(server, '/api/spa/buy', 1000);
});
