import type { FrameLocator, Page } from '@playwright/test';
import { expect, expectNothingReceived, expectReceivedOnce, test, type FixtureServer } from './fixtures';

interface Case {
  name: string;
  url: (server: FixtureServer) => string;
  act: (page: Page) => Promise<void>;
  /** Where the action's request lands on the fixture server. */
  path: string;
  /** Text that identifies the action's card in the queue. */
  card: string;
  /** The body the server must receive after approval: what the page would have sent unguarded. */
  body: string;
  /** Where the in-page status appears: the frame that held the action. */
  scope?: (page: Page) => FrameLocator;
}

const frame = (page: Page) => page.frameLocator('iframe');

const cases: Case[] = [
  {
    name: 'native form POST',
    url: (s) => `${s.origin}/shop/checkout.html`,
    act: async (page) => {
      await page.getByLabel('Full name').fill('Ada Lovelace');
      await page.getByLabel('Address').fill("12 St James's Square");
      await page.getByLabel('Card number').fill('4242 4242 4242 4242');
      await page.getByLabel('CVC').fill('123');
      await page.getByRole('button', { name: 'Place order' }).click();
    },
    path: '/shop/order',
    card: 'Place order',
    body: new URLSearchParams({
      name: 'Ada Lovelace',
      address: "12 St James's Square",
      card: '4242 4242 4242 4242',
      cvc: '123',
      cart: 'TEA-01x2',
    }).toString(),
  },
  {
    name: 'Enter in a field (implicit submission)',
    url: (s) => `${s.origin}/cases/enter-submit.html`,
    act: async (page) => {
      await page.getByLabel('Comment', { exact: true }).fill('Nice post');
      await page.getByLabel('Comment', { exact: true }).press('Enter');
    },
    path: '/cases/comment',
    card: 'Post a comment',
    body: 'comment=Nice+post',
  },
  {
    name: 'programmatic form.submit()',
    url: (s) => `${s.origin}/cases/form-submit.html`,
    act: async (page) => {
      await page.getByLabel('Email').fill('ada@example.com');
      await page.evaluate(() => (document.getElementById('newsletter') as HTMLFormElement).submit());
    },
    path: '/cases/newsletter',
    card: 'Join the newsletter',
    body: 'email=ada%40example.com',
  },
  {
    name: 'form.requestSubmit()',
    url: (s) => `${s.origin}/cases/form-submit.html`,
    act: async (page) => {
      await page.getByLabel('Email').fill('grace@example.com');
      await page.evaluate(() => (document.getElementById('newsletter') as HTMLFormElement).requestSubmit());
    },
    path: '/cases/newsletter',
    card: 'Join the newsletter',
    body: 'email=grace%40example.com',
  },
  {
    name: 'single-page app button whose handler calls fetch',
    url: (s) => `${s.origin}/cases/spa-fetch.html`,
    act: (page) => page.getByRole('button', { name: 'Buy now' }).click(),
    path: '/api/spa/buy',
    card: 'Buy now',
    body: JSON.stringify({ sku: 'KETTLE-2', qty: 1 }),
  },
  {
    name: 'role=button element',
    url: (s) => `${s.origin}/cases/role-button.html`,
    act: async (page) => {
      await page.getByLabel('Email').fill('grace@example.com');
      await page.getByRole('button', { name: 'Send invite' }).click();
    },
    path: '/api/invite',
    card: 'Send invite',
    body: JSON.stringify({ email: 'grace@example.com' }),
  },
  {
    name: 'chat composer that sends on Enter',
    url: (s) => `${s.origin}/chat/index.html`,
    act: async (page) => {
      await page.getByLabel('Message #general').fill('hello team');
      await page.getByLabel('Message #general').press('Enter');
    },
    path: '/api/chat/messages',
    card: 'hello team',
    body: JSON.stringify({ channel: 'general', text: 'hello team' }),
  },
  {
    name: 'contenteditable composer and Send button',
    url: (s) => `${s.origin}/cases/contenteditable.html`,
    act: async (page) => {
      await page.getByRole('textbox', { name: 'Reply' }).fill('Looks good to me');
      await page.getByRole('button', { name: 'Send' }).click();
    },
    path: '/api/thread/reply',
    card: 'Looks good to me',
    body: JSON.stringify({ text: 'Looks good to me' }),
  },
  {
    name: 'same-origin iframe',
    url: (s) => `${s.origin}/cases/iframe-same.html`,
    act: (page) => frame(page).getByRole('button', { name: 'Pay now' }).click(),
    path: '/cases/widget-pay',
    card: 'Pay now',
    body: 'qty=1',
    scope: frame,
  },
  {
    name: 'cross-origin iframe',
    url: (s) => `${s.origin}/cases/iframe-cross.html`,
    act: (page) => frame(page).getByRole('button', { name: 'Pay now' }).click(),
    path: '/cases/widget-pay',
    card: 'Pay now',
    body: 'qty=1',
    scope: frame,
  },
  {
    name: 'form inside an open shadow root',
    url: (s) => `${s.origin}/cases/shadow.html`,
    act: async (page) => {
      await page.getByLabel('Feedback').fill('Great service');
      await page.getByRole('button', { name: 'Send feedback' }).click();
    },
    path: '/cases/feedback',
    card: 'Send feedback',
    body: 'feedback=Great+service',
  },
];

for (const c of cases) {
  test.describe(c.name, () => {
    test('is held until approved, then reaches the server exactly once with the same body', async ({
      agent,
      panel,
      server,
    }) => {
      await agent.goto(c.url(server));
      await c.act(agent);
      await expect(panel.card(c.card)).toBeVisible();
      const scope = c.scope ? c.scope(agent) : agent;
      await expect(scope.getByRole('status', { name: 'Countersign' })).toHaveText('Held for review by a person');
      await expectNothingReceived(server, c.path);

      await panel.approve(c.card);
      const request = await expectReceivedOnce(server, c.path);
      expect(request.body).toBe(c.body);
      await expect(panel.card(c.card)).toHaveCount(0);
    });

    test('never reaches the server when rejected, and the page says why', async ({ agent, panel, server }) => {
      await agent.goto(c.url(server));
      await c.act(agent);
      await expect(panel.card(c.card)).toBeVisible();
      await panel.reject(c.card, 'Wrong recipient');
      const scope = c.scope ? c.scope(agent) : agent;
      await expect(scope.getByRole('status', { name: 'Countersign' })).toHaveText('Rejected by reviewer: Wrong recipient');
      await expectNothingReceived(server, c.path, 800);
    });
  });
}
