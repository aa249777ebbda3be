import { createHash } from 'node:crypto';
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { chromium } from '@playwright/test';
import {
  EXTENSION_DIR,
  expect,
  expectNothingReceived,
  expectReceivedOnce,
  launchPlainChromium,
  PanelPage,
  startFixtureServer,
  test,
  type FixtureServer,
} from './fixtures';

test('“Always allow” lets the next identical action through with no card, and logs the rule', async ({
  agent,
  panel,
  server,
}) => {
  await agent.goto(`${server.origin}/cases/enter-submit.html`);
  await agent.getByLabel('Comment', { exact: true }).fill('first');
  await agent.getByLabel('Comment', { exact: true }).press('Enter');
  const card = panel.card('Post a comment');
  await card.getByText(`Rules for ${server.origin}`).click();
  // The comment form names no recipient: the card says it cannot tell, and does not guess one.
  await expect(card.locator('.recipients')).toHaveText('Could not tell who receives this');
  await expect(card).not.toHaveAttribute('data-confirm');
  await expectNothingReceived(server, '/cases/comment');
  await card.getByRole('button', { name: `Always allow sends on ${server.origin}` }).click();
  await expectReceivedOnce(server, '/cases/comment');

  server.reset();
  await agent.goto(`${server.origin}/cases/enter-submit.html`);
  await agent.getByLabel('Comment', { exact: true }).fill('second');
  await agent.getByLabel('Comment', { exact: true }).press('Enter');
  const request = await expectReceivedOnce(server, '/cases/comment');
  expect(request.body).toBe('comment=second');
  await expect(panel.queue.cards).toHaveCount(0);

  await panel.history.open();
  await expect(panel.history.row('Post a comment').first()).toContainText('allowed by rule');
  await panel.sites.open();
  const row = panel.sites.rule(server.origin);
  await expect(row).toContainText('Send: Trust');
  await expect(row).toContainText('1 time');
});

test('a trusted site still asks for a form that posts to another site', async ({ agent, panel, server }) => {
  await panel.sites.open();
  await panel.sites.addRule(server.origin, 'trust');
  await expect(panel.sites.rule(server.origin)).toContainText('Trust');

  await agent.goto(`${server.origin}/cases/form-submit.html`);
  await agent.getByLabel('Email').fill('ada@example.com');
  await agent.evaluate(() => (document.getElementById('newsletter') as HTMLFormElement).requestSubmit());
  await expectReceivedOnce(server, '/cases/newsletter'); // trusted: no card

  await agent.goto(`${server.origin}/cases/cross-post.html`);
  await agent.getByLabel('Email').fill('ada@example.com');
  await agent.getByRole('button', { name: 'Submit answers' }).click();
  await panel.queue.open();
  await expect(panel.card('Submit answers')).toBeVisible();
  await expectNothingReceived(server, '/cases/collect');
  await panel.reject('Submit answers');
});

test('a time-boxed grant for the tab expires by itself', async ({ agent, panel, server }) => {
  const join = async () => {
    await agent.goto(`${server.origin}/cases/form-submit.html`);
    await agent.getByLabel('Email').fill('ada@example.com');
    await agent.evaluate(() => (document.getElementById('newsletter') as HTMLFormElement).requestSubmit());
  };
  await join();
  // A grant approves this action too: it waits, like Approve, for the card's dwell.
  await expect(panel.card('Join the newsletter').getByRole('button', { name: /^Approve/ })).toBeEnabled();
  const [held] = (await panel.send<{ actions: { id: string }[] }>({ type: 'queue' })).actions;
  // The card offers 15 minutes and 1 hour; the same request with 3 seconds keeps the test short.
  expect(await panel.send({ type: 'grant', id: held!.id, durationMs: 3000 })).toEqual({ ok: true });
  await expectReceivedOnce(server, '/cases/newsletter');

  server.reset();
  await join();
  await expectReceivedOnce(server, '/cases/newsletter'); // within the grant: no card

  await expect.poll(() => panel.send<unknown[]>({ type: 'rules' }), { timeout: 10_000 }).toEqual([]);
  server.reset();
  await join();
  await expect(panel.card('Join the newsletter')).toBeVisible();
  await expectNothingReceived(server, '/cases/newsletter');
  await panel.reject('Join the newsletter');
});

test('a pending action times out: rejected, logged as timeout, nothing sent', async ({ agent, panel, server }) => {
  await panel.settings.open();
  const timeout = panel.settings.field('Reject pending actions after (seconds)');
  await timeout.fill('2');
  await timeout.press('Enter');
  await expect.poll(async () => (await panel.send<{ timeoutSeconds: number }>({ type: 'settings' })).timeoutSeconds).toBe(2);

  await agent.goto(`${server.origin}/cases/spa-fetch.html`);
  await agent.getByRole('button', { name: 'Buy now' }).click();
  await expect(agent.getByRole('status', { name: 'Countersign' })).toHaveText(
    'Rejected, timed out: no decision within 2 seconds',
    { timeout: 10_000 },
  );
  await panel.history.open();
  await expect(panel.history.row('Buy now').first()).toContainText('timeout');
  await expectNothingReceived(server, '/api/spa/buy');
});

test('importing a malformed rules file changes no rule and says what is wrong', async ({ panel, server }) => {
  await panel.sites.open();
  const good = { schema: 'countersign-rules', version: 1, exportedAt: '', rules: [{ pattern: server.origin, trust: 'ask-risky' }] };
  await panel.sites.importFile({ name: 'good.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(good)) });
  await expect(panel.sites.rule(server.origin)).toContainText('Ask when risky');
  const before = await panel.send<unknown[]>({ type: 'rules' });

  const bad = { ...good, rules: [{ pattern: 'https://fine.example', trust: 'trust' }, { pattern: 'not a site', trust: 'trust' }] };
  await panel.sites.importFile({ name: 'bad.json', mimeType: 'application/json', buffer: Buffer.from(JSON.stringify(bad)) });
  const problems = panel.page.getByRole('alert').filter({ hasText: 'Nothing was changed' });
  await expect(problems).toContainText('rules[1].pattern');
  expect(await panel.send<unknown[]>({ type: 'rules' })).toEqual(before);
  await expect(panel.sites.rule('fine.example')).toHaveCount(0);

  const exported = JSON.parse(await panel.sites.exportRules());
  expect(exported).toMatchObject({ schema: 'countersign-rules', version: 1, rules: [{ pattern: server.origin, trust: 'ask-risky' }] });
});

// Chromium on Linux reads administrator policies from here; extensions get theirs as storage.managed.
const POLICY_DIR = '/etc/chromium/policies/managed';

/** Chromium's id for an unpacked extension: its path's SHA-256, hex digits mapped to a–p. */
function unpackedExtensionId(path: string): string {
  const hex = createHash('sha256').update(path).digest('hex').slice(0, 32);
  return [...hex].map((digit) => String.fromCharCode(97 + parseInt(digit, 16))).join('');
}

test('a managed rule wins over the person’s own rule and shows as locked', async ({ extensionId }) => {
  expect(unpackedExtensionId(EXTENSION_DIR)).toBe(extensionId);
  // A server of its own, so the administrator's rule names an origin no other test uses.
  const server: FixtureServer = await startFixtureServer();
  const policyFile = `${POLICY_DIR}/countersign-e2e-${process.pid}.json`;
  mkdirSync(POLICY_DIR, { recursive: true });
  writeFileSync(
    policyFile,
    JSON.stringify({ '3rdparty': { extensions: { [extensionId]: { rules: [{ pattern: server.origin, trust: 'block', note: 'IT says no' }] } } } }),
  );
  const browserProcess = await launchPlainChromium();
  try {
    const browser = await chromium.connectOverCDP(`http://127.0.0.1:${browserProcess.port}`);
    const context = browser.contexts()[0]!;
    const panel = new PanelPage(await context.newPage());
    await panel.page.goto(`chrome-extension://${extensionId}/sidepanel.html`);
    await panel.sites.open();
    const managedRow = panel.sites.rule('locked by your administrator');
    await expect(managedRow).toContainText(server.origin, { timeout: 15_000 });
    await expect(managedRow.getByRole('button')).toHaveCount(0);

    expect(await panel.send({ type: 'save-rule', spec: { pattern: server.origin, trust: 'trust' } })).toEqual({ ok: true });
    const agent = await context.newPage();
    await agent.goto(`${server.origin}/cases/spa-fetch.html`);
    await agent.getByRole('button', { name: 'Buy now' }).click();
    await expect(agent.getByRole('status', { name: 'Countersign' })).toContainText('Blocked by a Countersign rule', {
      timeout: 15_000,
    });
    await expectNothingReceived(server, '/api/spa/buy');
    await panel.history.open();
    await expect(panel.history.row('Buy now').first()).toContainText('blocked by rule');
    await browser.close();
  } finally {
    rmSync(policyFile, { force: true });
    await browserProcess.close();
    await server.close();
  }
});
