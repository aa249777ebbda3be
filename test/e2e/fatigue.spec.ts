import { expect, expectNothingReceived, joinNewsletter, test } from './fixtures';

test('Approve stays disabled for the dwell time after a card appears', async ({ agent, panel, server }) => {
  await panel.send({ type: 'set-settings', settings: { dwellMs: 2500 } });
  await panel.page.reload();
  await joinNewsletter(agent, server.origin, 'dwell@example.com');
  const approve = panel.card('Join the newsletter').getByRole('button', { name: /^Approve/ });
  await expect(approve).toBeVisible();
  const shownAt = Date.now();
  await expect(approve).toBeDisabled();
  await expect(approve).toBeEnabled({ timeout: 5000 });
  expect(Date.now() - shownAt).toBeGreaterThanOrEqual(2400); // the dwell, less the time to see the card
  await panel.reject('Join the newsletter');
});

test('Approve is disabled while the card is out of view', async ({ extensionContext, panel, server }) => {
  const pages = [];
  for (let i = 0; i < 6; i++) {
    const page = await extensionContext.newPage();
    await joinNewsletter(page, server.origin, `reader${i}@example.com`);
    pages.push(page);
  }
  await expect(panel.queue.cards).toHaveCount(6);
  await panel.page.setViewportSize({ width: 400, height: 500 });
  const last = panel.queue.cards.last().getByRole('button', { name: /^Approve/ });
  // Once the first card's dwell is over, the last one's would be too, had it been in view.
  await expect(panel.queue.cards.first().getByRole('button', { name: /^Approve/ })).toBeEnabled();
  await expect(last).toBeDisabled();
  await last.scrollIntoViewIfNeeded();
  await expect(last).toBeEnabled();
  for (const page of pages) await page.close();
});

test('a high-risk purchase needs the amount typed, and works from the keyboard alone', async ({ agent, panel, server }) => {
  await agent.goto(`${server.origin}/shop/checkout.html`);
  await agent.getByLabel('Full name').fill('Ada Lovelace');
  await agent.getByRole('button', { name: 'Place order' }).click();
  const card = panel.card('Place order');
  const approve = card.getByRole('button', { name: /^Approve/ });
  await expect(approve).toBeEnabled();
  await expect(card).toHaveAttribute('data-confirm', '129.99');

  await approve.focus();
  await panel.page.keyboard.press('Enter');
  const confirm = card.getByRole('textbox', { name: /^Confirm/ });
  await expect(confirm).toBeFocused();
  await expect(confirm).toHaveAttribute('placeholder', '129.99');
  await expect(card.getByRole('button', { name: /^Confirm/ })).toBeDisabled();
  await panel.page.keyboard.type('129.90');
  await panel.page.keyboard.press('Enter');
  await expectNothingReceived(server, '/shop/order');
  await confirm.fill('');
  await panel.page.keyboard.type('129.99');
  await panel.page.keyboard.press('Enter');
  await expect.poll(() => server.received('/shop/order').length).toBe(1);
});

test('identical low-risk actions group into one card with a count, decided once', async ({ extensionContext, panel, server }) => {
  const first = await extensionContext.newPage();
  const second = await extensionContext.newPage();
  await joinNewsletter(first, server.origin, 'same@example.com');
  await joinNewsletter(second, server.origin, 'same@example.com');
  const card = panel.card('Join the newsletter');
  await expect(card).toHaveCount(1);
  await expect(card).toContainText('2 identical actions: one decision covers them all.');
  await panel.approve('Join the newsletter');
  await expect.poll(() => server.received('/cases/newsletter').map((r) => r.body)).toEqual([
    'email=same%40example.com',
    'email=same%40example.com',
  ]);
  await expect(panel.queue.cards).toHaveCount(0);
  await first.close();
  await second.close();
});

test('a tab that floods the queue is paused behind one card until resumed', async ({ agent, panel, server }) => {
  await panel.send({ type: 'set-settings', settings: { floodLimit: 3 } });
  await agent.goto(`${server.origin}/cases/role-button.html`);
  for (let i = 0; i < 7; i++) await agent.getByRole('button', { name: 'Send invite' }).click();
  const paused = panel.queue.pausedCard;
  await expect(paused).toContainText(/Paused: 4 actions in \d+ seconds/);
  // The three before the pause are identical, so they wait as one card.
  await expect(panel.card('Send invite')).toHaveCount(1);
  await expect(panel.card('Send invite')).toContainText('3 identical actions');
  await expectNothingReceived(server, '/api/invite');

  await paused.getByRole('button', { name: 'Resume and review them' }).click();
  await expect(paused).toHaveCount(0);
  await expect(panel.card('Send invite').first()).toBeVisible();
  const queue = await panel.send<{ actions: { groupSize: number }[] }>({ type: 'queue' });
  expect(queue.actions.reduce((sum, action) => sum + action.groupSize, 0)).toBe(7);
});

test('approving too fast sets off a warning and a pause, noted in the history', async ({ extensionContext, panel, server }) => {
  await panel.send({ type: 'set-settings', settings: { fatigueCount: 3, fatigueDwellMs: 10_000, fatiguePauseSeconds: 30 } });
  const pages = [];
  for (let i = 0; i < 4; i++) {
    const page = await extensionContext.newPage();
    await joinNewsletter(page, server.origin, `fast${i}@example.com`);
    pages.push(page);
  }
  for (let i = 0; i < 3; i++) await panel.approve(`fast${i}@example.com`);
  const warning = panel.page.getByRole('alert').filter({ hasText: 'approvals in' });
  await expect(warning).toContainText('Approvals are paused for 30 s');
  // Its card appeared with the others, so its dwell is long over: only the pause holds it.
  await expect(panel.card('fast3@example.com').getByRole('button', { name: /^Approve/ })).toBeDisabled();
  await panel.reject('fast3@example.com'); // rejecting is never paused

  await panel.history.open();
  await panel.history.row('Join the newsletter').nth(1).click();
  await expect(panel.history.detail).toContainText('Fatigue warning at this approval: 3 approvals in');
  for (const page of pages) await page.close();
});
