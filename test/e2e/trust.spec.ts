import { expect, expectNothingReceived, expectReceivedOnce, test } from './fixtures';

// Runs inside pages: the extension API as far as each page can see it.
declare const chrome: {
  runtime?: { sendMessage?: (...args: unknown[]) => Promise<unknown> };
  action: { getBadgeText(details: object): Promise<string> };
  sidePanel: { getPanelBehavior(): Promise<{ openPanelOnActionClick?: boolean }> };
};

test('the badge counts pending actions and the toolbar button opens the side panel', async ({ agent, panel, server }) => {
  await agent.goto(`${server.origin}/cases/spa-fetch.html`);
  await agent.getByRole('button', { name: 'Buy now' }).click();
  await expect(panel.card('Buy now')).toBeVisible();
  await expect.poll(() => panel.page.evaluate(() => chrome.action.getBadgeText({}))).toBe('1');
  expect(await panel.page.evaluate(() => chrome.sidePanel.getPanelBehavior())).toMatchObject({ openPanelOnActionClick: true });

  await panel.approve('Buy now');
  await expectReceivedOnce(server, '/api/spa/buy');
  await expect.poll(() => panel.page.evaluate(() => chrome.action.getBadgeText({}))).toBe('');
});

test('a page cannot approve its own held action', async ({ agent, extensionId, panel, server }) => {
  await agent.goto(`${server.origin}/cases/spa-fetch.html`);
  await agent.getByRole('button', { name: 'Buy now' }).click();
  await expect(panel.card('Buy now')).toBeVisible();

  const attempts = await agent.evaluate(async (id) => {
    const results: string[] = [];
    // No externally_connectable: the page has no channel to the extension at all.
    results.push(typeof chrome?.runtime?.sendMessage);
    // Replaying the click itself is just another action, held like the first.
    document.getElementById('buy')!.click();
    // Forged events in every shape the page can see.
    window.postMessage({ type: 'decision', id, verdict: 'approve' }, '*');
    document.dispatchEvent(new CustomEvent('countersign:form-submit', { bubbles: true }));
    return results;
  }, extensionId);
  expect(attempts).toEqual(['undefined']);
  await expect(panel.card('Buy now')).toHaveCount(2);
  await expectNothingReceived(server, '/api/spa/buy', 800);
});

test('guard mode off lets an agent through, and automation mode holds it again', async ({ agent, panel, server }) => {
  await panel.page.getByRole('tab', { name: 'Settings' }).click();
  const mode = panel.page.getByLabel('Guard mode');
  await mode.selectOption('off');
  const guardOff = panel.page.getByRole('alert').filter({ hasText: 'The guard is off' });
  await expect(guardOff).toHaveText('The guard is off: nothing is held.');

  try {
    await agent.goto(`${server.origin}/cases/spa-fetch.html`);
    await agent.getByRole('button', { name: 'Buy now' }).click();
    await expectReceivedOnce(server, '/api/spa/buy');
  } finally {
    await mode.selectOption('automation');
  }
  await expect(guardOff).toHaveCount(0);
  server.reset();
  await agent.reload();
  await agent.getByRole('button', { name: 'Buy now' }).click();
  await panel.queue();
  await expect(panel.card('Buy now')).toBeVisible();
  await expectNothingReceived(server, '/api/spa/buy');
});
