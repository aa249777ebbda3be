import type { Page } from '@playwright/test';
import { expect, expectNothingReceived, expectReceivedOnce, test, type FixtureServer, type PanelPage } from './fixtures';

// Pages built the way real sites build them, not the way our code expects: WordPress hidden
// fields, formaction buttons, form-less sign-ins, role=button transfers, compose dialogs,
// toolbars outside their forms, wiki previews, cross-site frames, Web Workers.

interface Case {
  name: string;
  page: string;
  act: (page: Page) => Promise<void>;
  /** Where the request lands, and on which host when it is not the page's. */
  path: string;
  host?: (server: FixtureServer) => string;
  card: string | RegExp;
  /** Text the card must show: the true destination, recipients, fields. */
  shows: (server: FixtureServer) => (string | RegExp)[];
  hides?: (string | RegExp)[];
  /** What the server must receive after approval: exactly what the page would have sent. */
  method: string;
  body: (received: string) => void;
}

const cases: Case[] = [
  {
    name: 'a WordPress settings form with hidden fields named action, id and method, submitted with Enter',
    page: '/real/wp-settings.html',
    act: async (page) => {
      await page.getByLabel('Site Title').fill('Tea notes');
      await page.getByLabel('Site Title').press('Enter');
    },
    path: '/wp-admin/options.php',
    card: 'Save Changes',
    shows: (s) => [`POST ${s.origin}/wp-admin/options.php`, 'Tea notes', 'update'],
    method: 'POST',
    body: (b) => expect(new URLSearchParams(b).get('action')).toBe('update'),
  },
  {
    name: 'the same WordPress form, submitted by its button',
    page: '/real/wp-settings.html',
    act: (page) => page.getByRole('button', { name: 'Save Changes' }).click(),
    path: '/wp-admin/options.php',
    card: 'Save Changes',
    shows: (s) => [`POST ${s.origin}/wp-admin/options.php`, 'admin@blog.example'],
    method: 'POST',
    body: (b) => expect(new URLSearchParams(b).get('id')).toBe('42'),
  },
  {
    name: "a submit button whose own formaction posts to another site",
    page: '/real/profile-formaction.html',
    act: (page) => page.getByRole('button', { name: 'Share with partner' }).click(),
    path: '/api/partner/import',
    host: (s) => new URL(s.otherOrigin).host,
    card: 'Share with partner',
    shows: (s) => [`POST ${s.otherOrigin}/api/partner/import`, 'another site than the page', 'the form sends its data to another site'],
    hides: ['/api/profile/save'],
    method: 'POST',
    body: (b) => expect(new URLSearchParams(b).get('display_name')).toBe('Ada'),
  },
  {
    name: 'a button outside its form (form="…") with a formaction to another site',
    page: '/real/profile-formaction.html',
    act: (page) => page.getByRole('button', { name: 'Sync to partner' }).click(),
    path: '/api/partner/outside',
    host: (s) => new URL(s.otherOrigin).host,
    card: 'Sync to partner',
    shows: (s) => [`POST ${s.otherOrigin}/api/partner/outside`, '+44 20 7946 0000'],
    method: 'POST',
    body: (b) => expect(new URLSearchParams(b).get('phone')).toBe('+44 20 7946 0000'),
  },
  {
    name: 'a sign-in in a <div> with an icon-only Material button that posts JSON',
    page: '/real/div-login.html',
    act: async (page) => {
      await page.getByLabel('Text field for the login email').fill('ada@juice.example');
      await page.getByLabel('Text field for the login password').fill('hunter2!');
      await page.getByRole('button', { name: 'Login' }).click();
    },
    path: '/api/rest/user/login',
    card: 'Login',
    shows: (s) => [`POST ${s.origin}/api/rest/user/login`, 'fetch request', 'ada@juice.example', '••••••'],
    hides: ['hunter2!'],
    method: 'POST',
    body: (b) => expect(JSON.parse(b)).toEqual({ email: 'ada@juice.example', password: 'hunter2!' }),
  },
  {
    name: 'a money transfer behind a role=button "Transfer now"',
    page: '/real/transfer.html',
    act: async (page) => {
      await page.getByLabel('Recipient IBAN').fill('DE89 3704 0044 0532 0130 00');
      await page.getByLabel('Amount (EUR)').fill('250');
      await page.getByRole('button', { name: 'Transfer now' }).click();
    },
    path: '/api/bank/transfer',
    card: 'Transfer now',
    shows: () => ['Purchase', 'DE89 3704 0044 0532 0130 00', '250'],
    method: 'POST',
    body: (b) => expect(new URLSearchParams(b).get('amount')).toBe('250'),
  },
  {
    name: 'a "Delete account" button that sends DELETE',
    page: '/real/account.html',
    act: (page) => page.getByRole('button', { name: 'Delete account' }).click(),
    path: '/api/account/me',
    card: 'Delete account',
    shows: () => ['Deletion'],
    method: 'DELETE',
    body: (b) => expect(b).toBe(''),
  },
  {
    name: 'a compose dialog with To, Subject, a contenteditable body and an icon Send, no form',
    page: '/real/compose-dialog.html',
    act: async (page) => {
      await page.getByLabel('To recipients').fill('grace@navy.example');
      await page.getByLabel('Subject').fill('Compilers');
      await page.getByRole('textbox', { name: 'Message Body' }).fill('Shall we meet on Tuesday?');
      await page.getByRole('button', { name: /^Send/ }).click();
    },
    path: '/api/mail/send',
    card: /Send/,
    shows: () => ['grace@navy.example', 'Compilers', 'Shall we meet on Tuesday?'],
    method: 'POST',
    body: (b) => expect(JSON.parse(b)).toMatchObject({ to: 'grace@navy.example', subject: 'Compilers' }),
  },
  {
    name: "a webmail whose Send sits in a toolbar outside its form",
    page: '/real/webmail-toolbar.html',
    act: async (page) => {
      await page.getByLabel('To', { exact: true }).fill('ada@mail.example');
      await page.getByLabel('Subject').fill('Tea on Friday');
      await page.getByLabel('Message', { exact: true }).fill('Bring biscuits.');
      await page.getByRole('button', { name: 'Send' }).click();
    },
    path: '/api/webmail/send',
    card: 'Send',
    shows: () => ['ada@mail.example', 'Tea on Friday', 'Bring biscuits.'],
    method: 'POST',
    body: (b) => expect(new URLSearchParams(b).get('_message_body')).toBe('Bring biscuits.'),
  },
];

async function recipientsOf(panel: PanelPage, card: string | RegExp): Promise<string> {
  return (await panel.card(card).locator('dd.recipients').textContent()) ?? '';
}

for (const c of cases) {
  test(`held and delivered once: ${c.name}`, async ({ agent, panel, server }) => {
    await agent.goto(`${server.origin}${c.page}`);
    await c.act(agent);
    const card = panel.card(c.card);
    for (const text of c.shows(server)) await expect(card).toContainText(text);
    for (const text of c.hides ?? []) await expect(card).not.toContainText(text);
    await expectNothingReceived(server, c.path);
    await panel.approve(c.card);
    const received = await expectReceivedOnce(server, c.path);
    expect(received.method).toBe(c.method);
    if (c.host) expect(received.host).toBe(c.host(server));
    c.body(received.body);
  });
}

test('a compose dialog card names the To field, never the page title', async ({ agent, panel, server }) => {
  await agent.goto(`${server.origin}/real/compose-dialog.html`);
  await agent.getByLabel('To recipients').fill('grace@navy.example');
  await agent.getByRole('button', { name: /^Send/ }).click();
  await expect.poll(() => recipientsOf(panel, /Send/)).toBe('grace@navy.example');
  await panel.reject(/Send/);
});

test('a request held in flight fails like a network error on Reject, and nothing is sent', async ({ agent, panel, server }) => {
  await agent.goto(`${server.origin}/real/div-login.html`);
  await agent.getByLabel('Text field for the login email').fill('ada@juice.example');
  await agent.getByRole('button', { name: 'Login' }).click();
  await panel.reject('Login', 'not this account');
  await expect(agent.getByRole('status', { name: 'Countersign' })).toHaveText('Rejected by reviewer: not this account');
  await expectNothingReceived(server, '/api/rest/user/login');
  await expect(agent.locator('#result')).toHaveText('');
});

test("a wiki's Show preview passes with no card; Save page is held", async ({ agent, panel, server }) => {
  await agent.goto(`${server.origin}/real/wiki-edit.html`);
  await agent.getByRole('button', { name: 'Show preview' }).click();
  await expect.poll(() => server.received('/api/wiki/preview').length).toBe(1);
  await agent.goto(`${server.origin}/real/wiki-edit.html`);
  await agent.getByRole('button', { name: 'Save page' }).click();
  await expect(panel.card('Save page')).toBeVisible();
  await expectNothingReceived(server, '/api/wiki/submit');
  await panel.reject('Save page');
});

test('a purchase whose amount cannot be read is high-risk: it asks for a typed confirmation', async ({ agent, panel, server }) => {
  await agent.goto(`${server.origin}/real/unknown-currency.html`);
  await agent.getByRole('button', { name: 'Place order' }).click();
  const card = panel.card('Place order');
  await expect(card.locator('.unreadable')).toContainText('the amount');
  await expect(card).toHaveAttribute('data-confirm', /.+/);
  const queue = await panel.send<{ actions: { label: string; confirm?: { reasons: string[] } }[] }>({ type: 'queue' });
  expect(queue.actions.find((a) => a.label === 'Place order')?.confirm?.reasons).toContain('the amount could not be read');
  await expectNothingReceived(server, '/api/steppe/order');
  await panel.approve('Place order');
  await expectReceivedOnce(server, '/api/steppe/order');
});

test("a rule trusting a shop does not cover another site's donation frame on its page", async ({ agent, panel, server }) => {
  await panel.send({ type: 'save-rule', spec: { pattern: server.origin, trust: 'trust' } });
  await agent.goto(`${server.origin}/real/shop-with-donation.html`);
  await agent.frameLocator('iframe').getByRole('button', { name: 'Give now' }).click();
  await expect(panel.card('Give now')).toContainText('another site’s frame');
  const queue = await panel.send<{ actions: { label: string; policyReasons?: string[] }[] }>({ type: 'queue' });
  expect(queue.actions.find((a) => a.label === 'Give now')?.policyReasons?.join(' ')).toContain(`no rule for ${server.otherOrigin}`);
  await expectNothingReceived(server, '/api/charity/donate');
  await panel.reject('Give now');
  // The shop's own form is still trusted.
  await agent.getByRole('button', { name: 'Post review' }).click();
  await expectReceivedOnce(server, '/api/shop/review');
});

test('benign controls that post analytics, consent, filters, cart and GraphQL queries pass with no card', async ({ agent, panel, server }) => {
  await agent.goto(`${server.origin}/real/benign.html`);
  await agent.getByRole('button', { name: 'Accept all' }).click();
  await agent.getByRole('tab', { name: 'Reviews' }).click();
  await agent.getByRole('button', { name: 'Green tea' }).click();
  await agent.getByRole('button', { name: 'Add to cart' }).click();
  await agent.getByRole('button', { name: 'Load more' }).click();
  await agent.getByRole('button', { name: 'Show password' }).click();
  await expect(agent.locator('#log')).toHaveText('tab filtered added more ');
  for (const path of ['/api/cmp/consent', '/api/analytics/collect', '/api/search/products', '/api/cart/add', '/api/graphql']) {
    await expect.poll(() => server.received(path).length, { message: path }).toBe(1);
  }
  await agent.getByRole('button', { name: 'Next' }).click();
  await expect.poll(() => server.received('/api/wizard/step').length).toBe(1);
  await expect(panel.queue.cards).toHaveCount(0);
});

test("a request from the page's own Web Worker, which nothing could hold, is logged unreviewed", async ({ agent, panel, server }) => {
  await agent.goto(`${server.origin}/real/worker.html`);
  await agent.getByRole('button', { name: 'Sync now' }).click();
  await expect(agent.locator('#result')).toHaveText('Synced');
  expect(server.received('/api/worker/sync')).toHaveLength(1);
  await panel.history.open();
  await expect(panel.history.row('/api/worker/sync')).toContainText('unreviewed');
});

test('"Always allow POST /api/reading-list" decides this request and lets later ones to that endpoint through', async ({ agent, panel, server }) => {
  await agent.goto(`${server.origin}/real/reading-list.html`);
  await agent.getByRole('button', { name: 'Bookmark' }).first().click();
  const card = panel.card('Bookmark');
  await expect(card).toContainText(`POST ${server.origin}/api/reading-list`);
  await expectNothingReceived(server, '/api/reading-list');
  await card.getByText(`Rules for ${server.origin}`).click();
  await card.getByRole('button', { name: `Always allow POST /api/reading-list on ${server.origin}` }).click();
  expect(JSON.parse((await expectReceivedOnce(server, '/api/reading-list')).body)).toEqual({ story: '1041' });

  await agent.getByRole('button', { name: 'Bookmark' }).nth(1).click();
  await expect(agent.locator('#saved')).toHaveText('1041 1042 ');
  expect(server.received('/api/reading-list').map((r) => JSON.parse(r.body).story)).toEqual(['1041', '1042']);
  await expect(panel.queue.cards).toHaveCount(0);

  await panel.sites.open();
  await expect(panel.sites.rule(server.origin)).toContainText('always allowed: POST /api/reading-list');
});

test('a hidden-iframe form post sent with a form.submit() taken from a fresh frame is held, and sent once on approval', async ({ agent, panel, server }) => {
  await agent.goto(`${server.origin}/real/legacy-sync.html`);
  await agent.getByRole('button', { name: 'Sync now' }).click();
  // Named by the control whose click submitted it, not by the form's id.
  const card = panel.card('Sync now');
  await expect(card).toContainText(`${server.origin}/api/legacy/sync`);
  await expect(card).toContainText('buy tea');
  await expectNothingReceived(server, '/api/legacy/sync');
  await panel.approve('Sync now');
  const sent = await expectReceivedOnce(server, '/api/legacy/sync');
  expect(sent.body).toContain('notes=buy+tea');
});
