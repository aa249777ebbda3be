import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { EXTENSION_DIR, expect, expectNothingReceived, expectReceivedOnce, joinNewsletter, test } from './fixtures';

// The queue from the keyboard alone, with the same limits as the mouse.

test('j moves to a card; a approves it only after the dwell; r rejects; new cards are announced', async ({ extensionContext, panel, server }) => {
  server.reset(); // this test opens its own agent tabs, so the agent fixture's reset does not run
  await panel.send({ type: 'set-settings', settings: { dwellMs: 1500 } });
  await panel.page.reload();
  const first = await extensionContext.newPage();
  await joinNewsletter(first, server.origin, 'first@example.com');
  await expect(panel.queue.cards).toHaveCount(1);
  const status = panel.page.getByRole('status').filter({ hasText: /./ });
  const second = await extensionContext.newPage();
  await joinNewsletter(second, server.origin, 'second@example.com');
  await expect(panel.queue.cards).toHaveCount(2);
  await expect(status).toHaveText(`Held for review: form submission on ${server.origin}, “Join the newsletter”.`);

  const keys = panel.page.keyboard;
  await keys.press('j');
  await expect(panel.queue.cards.first()).toBeFocused();
  const approve = panel.queue.cards.first().getByRole('button', { name: /^Approve/ });
  await expect(approve).toBeDisabled(); // still in its dwell
  await keys.press('a');
  await expect(status).toHaveText('Approve is not available yet on this card.');
  await expectNothingReceived(server, '/cases/newsletter');

  await expect(approve).toBeEnabled();
  await keys.press('a');
  await expectReceivedOnce(server, '/cases/newsletter');
  expect(new URLSearchParams(server.received('/cases/newsletter')[0]!.body).get('email')).toBe('first@example.com');

  await expect(panel.queue.cards).toHaveCount(1);
  await keys.press('j');
  await expect(panel.queue.cards.first()).toBeFocused();
  await keys.press('n');
  await keys.type('Wrong list');
  await panel.queue.cards.first().focus(); // back from the note to the card, as Shift+Tab would
  await keys.press('r');
  await expect(panel.queue.cards).toHaveCount(0);
  await expectReceivedOnce(server, '/cases/newsletter'); // still only the first: the rejected one never left
  await expect(second.getByRole('status', { name: 'Countersign' })).toContainText('Wrong list');
  await first.close();
  await second.close();
});

test('a on a high-risk card opens the typed confirmation: no single key approves it', async ({ agent, panel, server }) => {
  await agent.goto(`${server.origin}/cases/spa-fetch.html`);
  await agent.getByRole('button', { name: 'Buy now' }).click();
  const card = panel.card('Buy now');
  await expect(card.getByRole('button', { name: /^Approve/ })).toBeEnabled();
  const value = (await card.getAttribute('data-confirm'))!;
  await panel.page.keyboard.press('j');
  await panel.page.keyboard.press('a');
  const confirm = card.getByRole('textbox', { name: /^Confirm/ });
  await expect(confirm).toBeFocused();
  await panel.page.keyboard.press('a'); // typed into the confirmation, not a shortcut
  await panel.page.keyboard.press('Enter');
  await expectNothingReceived(server, '/api/spa/buy');
  await confirm.fill('');
  await panel.page.keyboard.type(value);
  await panel.page.keyboard.press('Enter');
  await expectReceivedOnce(server, '/api/spa/buy');
});

test('? lists the shortcuts, Escape closes the list, and arrow keys move between views', async ({ panel }) => {
  await panel.page.keyboard.press('?');
  const help = panel.page.getByRole('dialog', { name: 'Keyboard shortcuts' });
  await expect(help).toBeVisible();
  await expect(help).toContainText('Approve the card');
  await expect(help).toContainText('Alt+Shift+C');
  await panel.page.keyboard.press('Escape');
  await expect(help).toBeHidden();

  await panel.page.getByRole('tab', { name: 'Queue' }).focus();
  await panel.page.keyboard.press('ArrowRight');
  await expect(panel.page.getByRole('tab', { name: 'History' })).toBeFocused();
  await expect(panel.page.getByRole('tab', { name: 'History' })).toHaveAttribute('aria-selected', 'true');
  await panel.page.keyboard.press('End');
  await expect(panel.page.getByRole('tab', { name: 'Settings' })).toHaveAttribute('aria-selected', 'true');
  await expect(panel.page.getByRole('tabpanel', { name: 'Settings' })).toBeVisible();
});

test('a browser shortcut opens the panel', async () => {
  const manifest = JSON.parse(readFileSync(join(EXTENSION_DIR, 'manifest.json'), 'utf8')) as {
    commands?: Record<string, { suggested_key?: { default?: string } }>;
  };
  // _execute_action clicks the toolbar button, which opens the side panel (openPanelOnActionClick).
  expect(manifest.commands?._execute_action?.suggested_key?.default).toBe('Alt+Shift+C');
});
