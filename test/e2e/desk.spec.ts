import AxeBuilder from '@axe-core/playwright';
import { chromium, type Browser as PlainBrowser, type Page } from '@playwright/test';
import { serveDesk } from '../../scripts/team-desk.mjs';
import { startTeamServer, type TeamServer } from '../team-server';
import { BROWSER_FLAGS, expect, expectNothingReceived, expectReceivedOnce, findChromium, foreignClientTest as test, joinNewsletter } from './fixtures';
import { addDeskPasskey, becomeAgent, browserWithPanel, openDesk, PHONE, type Browser } from './team-browsers';

// The reviewer desk: the built static site served on localhost, opened in a Chromium without
// the extension, as a phone (375 px, touch), with the DevTools virtual authenticator and a real
// nats-server. The agent browser is Chromium with the built extension; the recording server
// shows what it sent.


test.describe.configure({ mode: 'serial' });

let nats: TeamServer;
let desk: { url: string; close(): Promise<void> };
let agent: Browser;
let phones: PlainBrowser;

test.beforeAll(async () => {
  test.setTimeout(90_000);
  [nats, desk] = await Promise.all([startTeamServer(), serveDesk()]);
  [agent, phones] = await Promise.all([browserWithPanel('desk-agent'), chromium.launch({ executablePath: await findChromium(), args: BROWSER_FLAGS })]);
});

test.afterAll(async () => {
  await Promise.all([agent?.close(), phones?.close(), desk?.close()]);
  await nats?.close();
});

const deskCard = (page: Page, origin: string, browser: string) => page.getByRole('article', { name: `Form submission on ${origin}, from ${browser}` });

test('a phone signs in to the desk and approves an agent browser’s held form with its passkey: the form is sent once', async ({ server }) => {
  const phone = await openDesk(phones, desk.url, nats.wsUrl, 'phone', { passkey: true });
  try {
    await becomeAgent(agent, nats, 'ci-desk', [{ name: 'phone', key: phone.key }]);
    await joinNewsletter(await agent.context.newPage(), server.origin, 'ada@example.com');
    const card = deskCard(phone.page, server.origin, 'ci-desk');
    await expect(card).toContainText('ada@example.com');
    await expect(card.locator('dt', { hasText: 'Sends to' }).locator('+ dd')).toHaveText(`POST ${server.origin}/cases/newsletter`);
    // The agent tab's picture, from the team's object store.
    const picture = card.getByRole('img', { name: 'Screenshot of the tab when the action was held' });
    await expect(picture).toBeVisible();
    // The card fits the phone's width: nothing to scroll sideways.
    expect(await phone.page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    await expectNothingReceived(server, '/cases/newsletter');
    await card.scrollIntoViewIfNeeded(); // the dwell counts from the card in view
    await card.getByRole('button', { name: /^Approve/ }).tap();
    const request = await expectReceivedOnce(server, '/cases/newsletter');
    expect(new URLSearchParams(request.body).get('email')).toBe('ada@example.com');
    await expect(phone.page.getByText('No actions waiting in the team queue.')).toBeVisible();
    await agent.panel.history.open();
    await expect(agent.panel.page.getByRole('table', { name: 'History' })).toContainText('approved by team reviewer phone');
    await agent.panel.queue.open();
  } finally {
    await phone.context.close();
  }
});

test('a desk without a passkey approves nothing; a desk whose key the agent browser does not trust is refused, and the desk shows why', async ({ server }) => {
  test.setTimeout(60_000);
  const trusted = await openDesk(phones, desk.url, nats.wsUrl, 'phone', { passkey: true });
  const stranger = await openDesk(phones, desk.url, nats.wsUrl, 'stranger', { passkey: false });
  try {
    await becomeAgent(agent, nats, 'ci-desk', [{ name: 'phone', key: trusted.key }]);
    await joinNewsletter(await agent.context.newPage(), server.origin, 'grace@example.com');
    const card = deskCard(stranger.page, server.origin, 'ci-desk');
    await expect(card).toContainText('grace@example.com');

    // No passkey on this desk: the approval stops here, before anything is signed.
    await card.scrollIntoViewIfNeeded();
    await card.getByRole('button', { name: /^Approve/ }).tap();
    await expect(card.getByRole('alert')).toContainText('Add a passkey to this desk first');

    // With a passkey, the desk signs; the agent browser refuses the key it does not trust.
    await addDeskPasskey(stranger);
    await card.getByRole('button', { name: /^Approve/ }).tap();
    await expect(card.getByRole('note').filter({ hasText: 'refused a decision' })).toHaveText(
      'The agent browser refused a decision on this card by stranger: signed by a key this browser does not trust. It waits for a decision again.',
    );
    await expectNothingReceived(server, '/cases/newsletter');
    // The agent browser's card keeps the refusal, and the action still waits there.
    await expect(agent.panel.card('grace@example.com').locator('.refusals')).toContainText('team decision refused: signed by a key this browser does not trust');

    // The trusted desk still decides it.
    const trustedCard = deskCard(trusted.page, server.origin, 'ci-desk');
    await trustedCard.scrollIntoViewIfNeeded();
    await trustedCard.getByRole('button', { name: /^Reject/ }).tap();
    await expect(agent.panel.page.getByRole('article')).toHaveCount(0);
    await expectNothingReceived(server, '/cases/newsletter');
  } finally {
    await Promise.all([trusted.context.close(), stranger.context.close()]);
  }
});

for (const colorScheme of ['light', 'dark'] as const) {
  test(`axe finds no violations on the desk at 375 px in ${colorScheme} mode: signing in, and a card`, async ({ server }) => {
    const context = await phones.newContext({ ...PHONE, colorScheme });
    try {
      const page = await context.newPage();
      await page.goto(desk.url);
      await expect(page.getByRole('form', { name: 'Sign in' })).toBeVisible();
      await expectNoViolations(page, `sign-in, ${colorScheme}`);
      await context.close();
      const phone = await openDesk(phones, desk.url, nats.wsUrl, 'phone', { passkey: false });
      await phone.page.emulateMedia({ colorScheme });
      await becomeAgent(agent, nats, 'ci-desk', [{ name: 'phone', key: phone.key }]);
      await joinNewsletter(await agent.context.newPage(), server.origin, 'lin@example.com');
      await expect(deskCard(phone.page, server.origin, 'ci-desk')).toContainText('lin@example.com');
      await expectNoViolations(phone.page, `queue, ${colorScheme}`);
      await agent.panel.reset();
      await phone.context.close();
    } finally {
      await context.close();
    }
  });
}

async function expectNoViolations(page: Page, what: string): Promise<void> {
  const { violations } = await new AxeBuilder({ page }).analyze();
  const summary = violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => `${n.target.join(' ')}: ${n.failureSummary ?? ''}`).join('; ')})`);
  expect(summary, what).toEqual([]);
}
