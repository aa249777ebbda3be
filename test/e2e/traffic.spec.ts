import { expect, test } from './fixtures';

// A guarded tab's own traffic (the bank page's heartbeat, draft autosave and analytics, all on
// timers) passes with no card; History counts it per endpoint, and the person can silence one.

test('a page’s own traffic is one History entry per endpoint with its count, and a silenced endpoint stops counting', async ({
  agent,
  panel,
  server,
}) => {
  await agent.goto(`${server.origin}/bank/payments.html`);
  await expect.poll(() => server.received('/api/bank/session/heartbeat').length, { timeout: 10_000 }).toBeGreaterThanOrEqual(5);
  await expect(panel.queue.cards).toHaveCount(0);

  await panel.history.open();
  const heartbeat = panel.history.row('POST /api/bank/session/heartbeat');
  await expect(heartbeat).toHaveCount(1); // one entry, not one per request
  await expect(heartbeat).toContainText(/unreviewed/);
  await expect(panel.history.row('PUT /api/bank/drafts/current')).toHaveCount(1);
  await expect(panel.history.row('POST /api/bank/analytics')).toHaveCount(1);
  await expect(heartbeat).toContainText(/\d+ times/);
  await heartbeat.click();
  const detail = panel.history.detail;
  await expect(detail).toContainText(/The page sent this \d+ times with no agent input before it/);
  await detail.getByRole('button', { name: 'Stop logging this endpoint' }).click();
  await expect(detail.getByRole('status')).toHaveText(/Not logged any more/);
  await detail.getByRole('button', { name: 'Back to the list' }).click();

  const countAt = async () => {
    await panel.history.open();
    await panel.history.row('POST /api/bank/session/heartbeat').click();
    const text = (await panel.history.detail.textContent()) ?? '';
    await panel.history.detail.getByRole('button', { name: 'Back to the list' }).click();
    return Number(/sent this (\d+) times/.exec(text)?.[1]);
  };
  await new Promise((done) => setTimeout(done, 1500)); // requests sent before silencing may still be written
  const silencedAt = await countAt();
  const sentBefore = server.received('/api/bank/session/heartbeat').length;
  await expect.poll(() => server.received('/api/bank/session/heartbeat').length).toBeGreaterThan(sentBefore + 3);
  await new Promise((done) => setTimeout(done, 1500)); // past the log's one-second batching
  expect(await countAt()).toBe(silencedAt);
  // The drafts endpoint, not silenced, keeps counting.
  await expect(panel.history.row('PUT /api/bank/drafts/current')).toContainText(/\d+ times/);

  await panel.settings.open();
  const silenced = panel.page.getByRole('group', { name: 'Endpoints not logged' });
  await expect(silenced).toContainText(`${server.origin} POST /api/bank/session/heartbeat`);
  await silenced.getByRole('button', { name: /^Log .* again$/ }).click();
  await expect(silenced).toHaveCount(0);
});
