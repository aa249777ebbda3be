import type { Page } from '@playwright/test';
import { expect, expectNothingReceived, expectReceivedOnce, test, type PanelPage } from './fixtures';

async function fillCheckout(page: Page): Promise<void> {
  await page.getByLabel('Full name').fill('Ada Lovelace');
  await page.getByLabel('Address').fill('12 St James Square');
  await page.getByLabel('Card number').fill('4242 4242 4242 4242');
  await page.getByLabel('CVC').fill('737');
}

/** Every record in every store of the extension's database, as text. */
async function databaseText(panel: PanelPage): Promise<string> {
  return panel.page.evaluate(async () => {
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open('countersign');
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    const dump: unknown[] = [];
    for (const name of Array.from(db.objectStoreNames)) {
      const all = await new Promise<unknown[]>((resolve) => {
        const request = db.transaction(name).objectStore(name).getAll();
        request.onsuccess = () => resolve(request.result);
      });
      for (const value of all) {
        const blob = (value as { blob?: Blob }).blob;
        dump.push(blob ? await blob.text() : value);
      }
    }
    db.close();
    return JSON.stringify(dump);
  });
}

test('a checkout card shows site, amount, where the data goes, masked fields and why', async ({ agent, panel, server }) => {
  await agent.goto(`${server.origin}/shop/checkout.html`);
  await agent.bringToFront();
  await fillCheckout(agent);
  await agent.getByRole('button', { name: 'Place order' }).click();
  const card = panel.card('Place order');
  await expect(card).toContainText('Checkout – Demo Shop');
  await expect(card).toContainText(`${server.origin}/shop/checkout.html`);
  await expect(card).toContainText('$129.99');
  await expect(card).toContainText(`POST ${server.origin}/shop/order`);
  await expect(card).toContainText('•••• 4242');
  await expect(card).not.toContainText('4242 4242 4242 4242');
  await expect(card).toContainText('it carries passwords, card numbers or codes');
  await expect(card).toContainText('it involves money');
  await expect(card).toContainText('browser is under automation');
  await expect(card.getByRole('img', { name: 'Screenshot of the tab when the action was held' })).toBeVisible();
  await panel.reject('Place order');
});

test('the screenshot is only of the visible tab, never of another tab', async ({ agent, panel, server }) => {
  await agent.goto(`${server.origin}/cases/spa-fetch.html`);
  await panel.page.bringToFront(); // the agent's tab is now in the background
  await agent.getByRole('button', { name: 'Buy now' }).click();
  const card = panel.card('Buy now');
  await expect(card).toContainText('No screenshot: the tab was in the background.');
  await expect(card.getByRole('img', { name: /Screenshot/ })).toHaveCount(0);
  await panel.reject('Buy now');
});

test('a webmail send shows recipients and the message', async ({ agent, panel, server }) => {
  await agent.goto(`${server.origin}/mail/compose.html`);
  await agent.getByLabel('To').fill('board@example.com, cfo@example.com');
  await agent.getByLabel('Cc').fill('audit@example.com');
  await agent.getByLabel('Subject').fill('Numbers');
  await agent.getByLabel('Body').fill('Please find the numbers attached.');
  await agent.getByRole('button', { name: 'Send' }).click();
  const card = panel.card('Please find the numbers attached.');
  await expect(card).toContainText('board@example.com, cfo@example.com, audit@example.com');
  await expect(card.locator('.message')).toHaveText('Please find the numbers attached.');
  await panel.reject('Please find the numbers attached.');
});

test('a chat send shows the channel as its recipient', async ({ agent, panel, server }) => {
  await agent.goto(`${server.origin}/chat/index.html`);
  await agent.getByLabel('Message #general').fill('ship it');
  await agent.getByLabel('Message #general').press('Enter');
  const card = panel.card('ship it');
  await expect(card.locator('.recipients')).toHaveText('#general');
  await panel.reject('ship it');
});

test('no card number, CVC, password or one-time code reaches IndexedDB', async ({ agent, panel, server }) => {
  await agent.goto(`${server.origin}/shop/checkout.html`);
  await agent.bringToFront();
  await fillCheckout(agent);
  await agent.getByRole('button', { name: 'Place order' }).click();
  await expect(panel.card('Place order')).toBeVisible();

  await agent.goto(`${server.origin}/cases/sign-in.html`);
  await agent.getByLabel('Username').fill('ada');
  await agent.getByLabel('Password').fill('correct horse battery');
  await agent.getByLabel('One-time code').fill('918273');
  await agent.getByRole('button', { name: 'Sign in' }).click();
  await expect(panel.card('Sign in')).toBeVisible();

  const stored = await databaseText(panel);
  expect(stored).toContain('Ada Lovelace'); // the scan does read the records
  for (const secret of ['4242 4242 4242 4242', '4242424242424242', '"737"', 'correct horse battery', '918273']) {
    expect(stored).not.toContain(secret);
  }
  await panel.reject('Sign in');
});

test('an edited field reaches the server, and the history keeps before and after', async ({ agent, panel, server }) => {
  await agent.goto(`${server.origin}/shop/checkout.html`);
  await fillCheckout(agent);
  await agent.getByRole('button', { name: 'Place order' }).click();
  const card = panel.card('Place order');
  await card.getByRole('button', { name: 'Edit values' }).click();
  await card.getByRole('textbox', { name: 'Address' }).fill('221B Baker Street');
  await expect(card.getByRole('button', { name: 'Reveal Card number' })).toBeVisible();
  await panel.approve('Place order', /^Approve purchase with edits/);

  const request = await expectReceivedOnce(server, '/shop/order');
  const body = new URLSearchParams(request.body);
  expect(body.get('address')).toBe('221B Baker Street');
  expect(body.get('card')).toBe('4242 4242 4242 4242');
  await panel.history.open();
  const row = panel.history.row('Place order').first();
  await expect(row).toContainText('approved with edits by person');
  await row.click();
  await expect(panel.history.detail).toContainText(
    'Address: “12 St James Square” → “221B Baker Street”',
  );
});

test('a masked value is revealed only on a deliberate click, and can then be edited', async ({ agent, panel, server }) => {
  await agent.goto(`${server.origin}/shop/checkout.html`);
  await fillCheckout(agent);
  await agent.getByRole('button', { name: 'Place order' }).click();
  const card = panel.card('Place order');
  await card.getByRole('button', { name: 'Edit values' }).click();
  await expect(card).not.toContainText('4242 4242 4242 4242');
  await card.getByRole('button', { name: 'Reveal CVC' }).click();
  await card.getByRole('textbox', { name: 'CVC' }).fill('123');
  await panel.approve('Place order', /^Approve purchase with edits/);
  const request = await expectReceivedOnce(server, '/shop/order');
  expect(new URLSearchParams(request.body).get('cvc')).toBe('123');
  expect(await databaseText(panel)).not.toContain('"123"');
});

test('a field the page changes after the hold sends nothing and comes back with the difference', async ({
  agent,
  panel,
  server,
}) => {
  await agent.goto(`${server.origin}/shop/checkout.html`);
  await fillCheckout(agent);
  await agent.getByRole('button', { name: 'Place order' }).click();
  await expect(panel.card('Place order')).toBeVisible();
  // A page script rewrites the address while the reviewer looks at the card.
  await agent.evaluate(() => {
    (document.querySelector('[name=address]') as HTMLInputElement).value = '1 Attacker Road';
  });

  await panel.approve('Place order');
  const card = panel.card('Place order');
  await expect(card.getByRole('alert').first()).toContainText('Changed since held');
  await expect(card).toContainText('Address: “12 St James Square” → “1 Attacker Road”');
  await expectNothingReceived(server, '/shop/order');

  // Reviewed again, as it is now: approving sends exactly what the new card shows.
  await panel.approve('Place order');
  const request = await expectReceivedOnce(server, '/shop/order');
  expect(new URLSearchParams(request.body).get('address')).toBe('1 Attacker Road');
});

test('a hostile page cannot run code in the panel, and its card stays usable', async ({ agent, panel, server }) => {
  await agent.goto(`${server.origin}/cases/hostile.html`);
  await agent.getByRole('button', { name: /Place order/ }).click();
  const card = panel.card(/Place order/);
  await expect(card).toBeVisible();
  await expect(card).toContainText('<script>window.__pwned="script"</script>');
  await expect(card).toContainText('Only the first 200 fields were captured.');
  await expect(card).toContainText('javascript:window.parent.__pwned');
  await expect(card).toContainText('the form sends its data to another site');
  await expect(card.locator('.title')).toContainText('…');
  await card.getByText(/hidden fields/).click();
  await expect(card.getByText('(truncated)').first()).toBeVisible();
  await expect(card.locator('a, script, iframe, svg, b')).toHaveCount(0);
  const images = await card.locator('img').evaluateAll((all) => all.map((img) => img.closest('.screenshot') ? 'screenshot' : img.className));
  expect(images.every((kind) => kind === 'favicon' || kind === 'screenshot')).toBe(true);
  expect(await panel.page.evaluate(() => (window as { __pwned?: unknown }).__pwned)).toBeUndefined();

  await panel.reject(/Place order/, 'Not this one');
  await expect(agent.getByRole('status', { name: 'Countersign' })).toHaveText('Rejected by reviewer: Not this one');
  expect(await panel.page.evaluate(() => (window as { __pwned?: unknown }).__pwned)).toBeUndefined();
  expect(await agent.evaluate(() => (window as { __pwned?: unknown }).__pwned)).toBeUndefined();
  expect(server.requests.filter((r) => r.method === 'POST')).toEqual([]);
});

test('a form posting to another site and a frame of another site are flagged', async ({ agent, panel, server }) => {
  await agent.goto(`${server.origin}/cases/cross-post.html`);
  await agent.getByLabel('Email').fill('ada@example.com');
  await agent.getByRole('button', { name: 'Submit answers' }).click();
  const card = panel.card('Submit answers');
  await expect(card).toContainText(`POST ${server.otherOrigin}/cases/collect`);
  await expect(card).toContainText(`another site than the page (${server.otherOrigin})`);
  await expect(card).toContainText('the form sends its data to another site');
  await panel.reject('Submit answers');

  await agent.goto(`${server.origin}/cases/iframe-cross.html`);
  await agent.frameLocator('iframe').getByRole('button', { name: 'Pay now' }).click();
  const framed = panel.card('Pay now');
  await expect(framed).toContainText(`${server.otherOrigin}/cases/inner-form.html`);
  await expect(framed).toContainText('another site’s frame');
  await expect(framed).toContainText('it comes from a frame of another site');
  await panel.reject('Pay now');
});

test('the in-page status never takes a click from the page’s own controls', async ({ agent, panel, server }) => {
  await agent.goto(`${server.origin}/cases/cross-post.html`);
  await agent.getByRole('button', { name: 'Submit answers' }).click();
  await expect(panel.card('Submit answers')).toBeVisible();
  const status = agent.getByRole('status', { name: 'Countersign' });
  await expect(status).toHaveText('Held for review by a person');
  const help = agent.getByRole('button', { name: 'Help' });
  const [statusBox, helpBox] = [await status.boundingBox(), await help.boundingBox()];
  // The status sits over the corner button, yet a click there still reaches the button.
  expect(statusBox!.x + statusBox!.width).toBeGreaterThan(helpBox!.x);
  expect(statusBox!.y + statusBox!.height).toBeGreaterThan(helpBox!.y);
  await agent.mouse.click(statusBox!.x + statusBox!.width / 2, statusBox!.y + statusBox!.height / 2);
  await expect.poll(() => server.received('/api/help').length).toBe(1);
  await panel.reject('Submit answers');
});

test('a composer’s message can be edited before it is sent', async ({ agent, panel, server }) => {
  await agent.goto(`${server.origin}/cases/contenteditable.html`);
  await agent.getByRole('textbox', { name: 'Reply' }).fill('We will pay double');
  await agent.getByRole('button', { name: 'Send' }).click();
  const card = panel.card('We will pay double');
  await card.getByRole('button', { name: 'Edit values' }).click();
  await card.getByRole('textbox', { name: 'Reply' }).fill('We will pay the quoted price');
  await panel.approve('We will pay double', /^Approve send with edits/);
  const request = await expectReceivedOnce(server, '/api/thread/reply');
  expect(JSON.parse(request.body)).toEqual({ text: 'We will pay the quoted price' });
});

test('a purchase card in a single-page shop names the items bought and where they go', async ({ agent, panel, server }) => {
  await agent.goto(`${server.origin}/shop/spa-checkout.html`);
  await agent.getByRole('button', { name: 'Place order' }).click();
  const card = panel.card('Place order');
  await expect(card).toContainText('Purchase');
  await expect(card.locator('.items li')).toHaveText(['2 × USB-C cable, 2 m · €19.98', '1 × Charger 30 W · €24.90']);
  await expect(card.locator('.deliver-to')).toHaveText('Ada Lovelace 12 St James Square London SW1Y 4JH');
  await expect(card).toContainText('€49.78');
  await expect(card.locator('.unreadable')).toHaveCount(0);
  await panel.approve('Place order');
  const order = await expectReceivedOnce(server, '/api/shop/orders');
  expect(JSON.parse(order.body)).toMatchObject({ address: 'saved-1' });
});
