import type { BrowserContext } from '@playwright/test';
import { expect, joinNewsletter, test } from './fixtures';

// A held action notifies the person only when no Countersign panel is open to show it.

declare const chrome: { notifications: { getAll(): Promise<Record<string, boolean>>; clear(id: string): Promise<boolean> } };

/** An agent's newsletter sign-up in a tab of its own (navigating away would abandon the last one). */
const signUpInNewTab = async (context: BrowserContext, origin: string, email: string) => joinNewsletter(await context.newPage(), origin, email);

/** The notifications Countersign shows now, read in its own worker. */
async function shown(context: BrowserContext): Promise<string[]> {
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  return Object.keys(await worker.evaluate(() => chrome.notifications.getAll())).filter((id) => id.startsWith('held:'));
}

async function clearAll(context: BrowserContext): Promise<void> {
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  await worker.evaluate(async () => {
    for (const id of Object.keys(await chrome.notifications.getAll())) await chrome.notifications.clear(id);
  });
}

test('a held action notifies when no panel is open, not while one is, and not once turned off', async ({
  extensionContext,
  extensionId,
  panel,
  server,
}) => {
  await clearAll(extensionContext);
  await panel.page.close(); // no panel open
  await signUpInNewTab(extensionContext, server.origin, 'alone@example.com');
  await expect.poll(() => shown(extensionContext)).toHaveLength(1);
  const [id] = await shown(extensionContext);
  const tabId = Number(id!.split(':')[1]);
  expect(tabId).toBeGreaterThan(0);

  // With the panel open (here as a tab), the card itself is the news.
  await clearAll(extensionContext);
  const open = await extensionContext.newPage();
  await open.goto(`chrome-extension://${extensionId}/sidepanel.html`);
  await expect(open.getByRole('article')).toHaveCount(1);
  await signUpInNewTab(extensionContext, server.origin, 'watched@example.com');
  await expect(open.getByRole('article')).toHaveCount(2);
  expect(await shown(extensionContext)).toEqual([]);

  // Turned off in Settings.
  await open.getByRole('tab', { name: 'Settings' }).click();
  await open.getByRole('checkbox', { name: /Notify me when an action is held/ }).click();
  await expect(open.getByRole('checkbox', { name: /Notify me when an action is held/ })).not.toBeChecked();
  await open.close();
  await signUpInNewTab(extensionContext, server.origin, 'quiet@example.com');
  const reopened = await extensionContext.newPage();
  await reopened.goto(`chrome-extension://${extensionId}/sidepanel.html`);
  await expect(reopened.getByRole('article')).toHaveCount(3);
  expect(await shown(extensionContext)).toEqual([]);
  await reopened.close();
});
