import type { DecideReply, QueueState } from '@/lib/messaging/protocol';
import { expect, expectNothingReceived, expectReceivedOnce, test } from './fixtures';

// Runs inside the side panel page, where the extension API is available.
declare const chrome: { runtime: { sendMessage<T>(message: unknown): Promise<T> } };

test('closing the tab marks its held action abandoned and sends nothing', async ({ extensionContext, panel, server }) => {
  server.reset();
  const agent = await extensionContext.newPage();
  await agent.goto(`${server.origin}/cases/spa-fetch.html`);
  await agent.getByRole('button', { name: 'Buy now' }).click();
  await expect(panel.card('Buy now')).toBeVisible();

  await agent.close();
  await expect(panel.card('Buy now')).toHaveCount(0);
  await panel.history.open();
  await expect(panel.history.row('Buy now').first()).toContainText('abandoned by system (tab closed)');
  await expectNothingReceived(server, '/api/spa/buy');
});

test('navigating away abandons the held action', async ({ agent, panel, server }) => {
  await agent.goto(`${server.origin}/cases/role-button.html`);
  await agent.getByLabel('Email').fill('nav@example.com');
  await agent.getByRole('button', { name: 'Send invite' }).click();
  await expect(panel.card('Send invite')).toBeVisible();

  await agent.goto(`${server.origin}/index.html`);
  await expect(panel.card('Send invite')).toHaveCount(0);
  await panel.history.open();
  await expect(panel.history.row('Send invite').first()).toContainText('abandoned by system (page navigated away)');
  await expectNothingReceived(server, '/api/invite');
});

test('a service worker restart loses nothing, and Approve still delivers exactly once', async ({
  agent,
  extensionContext,
  panel,
  server,
}) => {
  await agent.goto(`${server.origin}/cases/spa-fetch.html`);
  await agent.getByRole('button', { name: 'Buy now' }).click();
  await expect(panel.card('Buy now')).toBeVisible();

  const cdp = await extensionContext.newCDPSession(panel.page);
  const stopped = new Promise<void>((done) =>
    cdp.on('ServiceWorker.workerVersionUpdated', ({ versions }) => {
      if (versions.some((version) => version.runningStatus === 'stopped')) done();
    }),
  );
  await cdp.send('ServiceWorker.enable');
  await cdp.send('ServiceWorker.stopAllWorkers');
  await stopped;
  await expectNothingReceived(server, '/api/spa/buy');

  await panel.page.reload();
  await expect(panel.card('Buy now')).toBeVisible();
  await panel.approve('Buy now');
  const request = await expectReceivedOnce(server, '/api/spa/buy');
  expect(JSON.parse(request.body)).toEqual({ sku: 'KETTLE-2', qty: 1 });
});

test('a worker stopped at any moment after an agent’s click leaves the action held, approvable, and delivered once', async ({
  agent,
  extensionContext,
  panel,
  server,
}) => {
  test.setTimeout(240_000);
  await panel.send({ type: 'set-settings', settings: { floodLimit: 100 } }); // 21 purchases in a minute are the point here
  const cdp = await extensionContext.newCDPSession(panel.page);
  await cdp.send('ServiceWorker.enable');
  for (let delayMs = 0; delayMs <= 2000; delayMs += 100) {
    await test.step(`stopped ${delayMs} ms after the click`, async () => {
      server.reset();
      await agent.goto(`${server.origin}/cases/spa-fetch.html`);
      await agent.getByRole('button', { name: 'Buy now' }).click();
      await agent.waitForTimeout(delayMs); // the moment under test, not a wait for something to happen
      await cdp.send('ServiceWorker.stopAllWorkers');
      await expectNothingReceived(server, '/api/spa/buy', 200);
      await panel.page.reload();
      await panel.approve('Buy now');
      await expectReceivedOnce(server, '/api/spa/buy');
      await expect(panel.card('Buy now')).toHaveCount(0);
    });
  }
});

test('Approve sent from two panels at once delivers once', async ({ agent, extensionContext, extensionId, panel, server }) => {
  await agent.goto(`${server.origin}/cases/spa-fetch.html`);
  await agent.getByRole('button', { name: 'Buy now' }).click();
  await expect(panel.card('Buy now')).toBeVisible();
  const second = await extensionContext.newPage();
  await second.goto(`chrome-extension://${extensionId}/sidepanel.html`);
  // Once the broker has evaluated the action, its confirmation value is on the record.
  await expect(second.getByRole('article').filter({ hasText: 'Buy now' }).getByRole('button', { name: /^Approve/ })).toBeEnabled();

  const held = await panel.page.evaluate(async () => {
    const queue = await chrome.runtime.sendMessage<QueueState>({ type: 'queue' });
    return queue.actions.find((record) => record.label === 'Buy now')!;
  });
  const approve = ({ id, confirmation }: { id: string; confirmation?: string }) =>
    chrome.runtime.sendMessage<DecideReply>({ type: 'decide', id, verdict: 'approve', confirmation });
  const request = { id: held.id, confirmation: held.confirm?.value };
  const replies = await Promise.all([panel.page.evaluate(approve, request), second.evaluate(approve, request)]);

  expect(replies.map((reply) => reply.ok).sort()).toEqual([false, true]);
  await expectReceivedOnce(server, '/api/spa/buy');
  await second.close();
});
