import { expect, test } from './fixtures';

test('benign actions reach the server untouched and no card appears', async ({ agent, panel, server }) => {
  await agent.goto(`${server.origin}/shop/checkout.html`);

  await agent.getByRole('searchbox', { name: 'Search products' }).fill('green tea');
  await agent.getByRole('button', { name: 'Search' }).click();
  await expect.poll(() => server.received('/shop/search', 'GET').map((r) => r.query)).toEqual(['?q=green+tea']);

  await agent.goto(`${server.origin}/shop/checkout.html`);
  await agent.getByRole('button', { name: 'Add to cart' }).click();
  await expect.poll(() => server.received('/shop/cart', 'POST').map((r) => r.body)).toEqual(['sku=TEA-01']);

  await agent.goto(`${server.origin}/shop/checkout.html`);
  await agent.getByRole('tab', { name: 'Reviews' }).click();
  await expect.poll(() => server.received('/api/tab').map((r) => r.query)).toEqual(['?name=tab-reviews']);

  await agent.getByLabel('Gift wrap').check();
  await expect.poll(() => server.received('/api/prefs', 'POST').map((r) => r.body)).toEqual(['{"gift":true}']);

  await expect(panel.queue.empty).toBeVisible();
  await expect(panel.queue.cards).toHaveCount(0);
  await expect(agent.getByRole('status', { name: 'Countersign' })).toHaveCount(0);
});
