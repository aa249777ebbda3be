import { createServer, type Server } from 'node:http';
import { expect, expectReceivedOnce, test } from './fixtures';

// "Tell the person where they are": a local receiver that records what the webhook posts,
// answering the first post with a 500.

interface Receiver {
  url: string;
  posts: { at: number; body: string }[];
  close(): Promise<void>;
}

async function startReceiver(): Promise<Receiver> {
  const posts: Receiver['posts'] = [];
  const server: Server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString('utf8')));
    request.on('end', () => {
      posts.push({ at: Date.now(), body });
      response.writeHead(posts.length === 1 ? 500 : 200).end();
    });
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}/hooks/countersign`, posts, close: () => new Promise((done) => server.close(() => done())) };
}

test('an action left waiting is posted once to the webhook (again after a 500), with no secret in it; one decided in time is not posted', async ({ agent, panel, server }) => {
  const receiver = await startReceiver();
  try {
    const saved = await panel.send<{ webhook: unknown }>({ type: 'set-settings', settings: { webhook: { url: receiver.url, format: 'json', afterSeconds: 1, link: 'https://desk.example/' } } });
    expect(saved.webhook).toMatchObject({ url: receiver.url });

    // Decided within the second: nothing is posted for it.
    await agent.goto(`${server.origin}/cases/spa-fetch.html`);
    await agent.getByRole('button', { name: 'Buy now' }).click();
    await panel.reject('Buy now');

    // Left waiting, with a card number and a name in it.
    await agent.goto(`${server.origin}/shop/checkout.html`);
    await agent.getByLabel('Full name').fill('Ada Lovelace');
    await agent.getByLabel('Card number').fill('4242 4242 4242 4242');
    await agent.getByRole('button', { name: 'Place order' }).click();
    await expect(panel.card('Place order')).toBeVisible();
    await expect.poll(() => receiver.posts.length, { timeout: 15_000 }).toBe(2);
    const [failed, delivered] = receiver.posts;
    expect(delivered!.at - failed!.at).toBeGreaterThanOrEqual(1500); // the back-off before trying again
    const post = JSON.parse(delivered!.body) as { event: string; text: string; action: { id: string; kind: string; site: string; label: string }; link: string };
    expect((JSON.parse(failed!.body) as typeof post).action.id).toBe(post.action.id); // the same action, tried again
    expect(post).toMatchObject({ event: 'countersign.waiting', action: { kind: 'purchase', site: server.origin, label: 'Place order' }, link: 'https://desk.example/' });
    for (const secret of ['4242', 'Ada Lovelace']) expect(delivered!.body).not.toContain(secret);

    // Settings shows the last post; the action was never held up by the webhook.
    await panel.settings.open();
    await expect(panel.page.getByRole('group', { name: 'Tell me where I am' })).toContainText('delivered (attempt 2)');
    await panel.queue.open();
    await panel.approve('Place order');
    await expectReceivedOnce(server, '/shop/order');
    await panel.page.waitForTimeout(1500);
    expect(receiver.posts).toHaveLength(2);
  } finally {
    await receiver.close();
  }
});
