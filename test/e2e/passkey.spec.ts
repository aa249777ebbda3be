import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, CDPSession, Page } from '@playwright/test';
import type { QueueState } from '@/lib/messaging/protocol';
import { expect, expectNothingReceived, expectReceivedOnce, test, type PanelPage } from './fixtures';

// The panel here is driven over CDP by Playwright, as an agent would drive it: with a passkey
// registered, the default scopes (high-risk, and a DevTools client on Countersign's pages)
// make every approval take the key. Chromium's virtual authenticator plays the person's.

const AUTHENTICATOR = {
  protocol: 'ctap2',
  transport: 'internal',
  hasResidentKey: true,
  hasUserVerification: true,
  isUserVerified: true,
  automaticPresenceSimulation: true,
} as const;

declare const chrome: { runtime: { sendMessage<T>(message: unknown): Promise<T> } };

/** An assertion made in the panel page for a challenge about `challengeFor`, not sent anywhere yet. */
function assertionFor(panel: PanelPage, challengeFor: string): Promise<unknown> {
  return panel.page.evaluate(async (id) => {
    const decode = (text: string) => Uint8Array.from(atob(text.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
    const encode = (buffer: ArrayBuffer) => btoa(String.fromCharCode(...new Uint8Array(buffer))).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
    const options = await chrome.runtime.sendMessage<{ challenge: string; rpId: string; allowCredentials: { id: string }[] }>({ type: 'passkey-challenge', id });
    const credential = (await navigator.credentials.get({
      publicKey: {
        challenge: decode(options.challenge),
        rpId: options.rpId,
        allowCredentials: options.allowCredentials.map((c) => ({ type: 'public-key' as const, id: decode(c.id) })),
        userVerification: 'required',
      },
    })) as PublicKeyCredential;
    const response = credential.response as AuthenticatorAssertionResponse;
    return {
      id: credential.id,
      rawId: encode(credential.rawId),
      type: 'public-key',
      response: {
        clientDataJSON: encode(response.clientDataJSON),
        authenticatorData: encode(response.authenticatorData),
        signature: encode(response.signature),
      },
      clientExtensionResults: {},
    };
  }, challengeFor);
}

async function holdPurchase(agent: Page, origin: string): Promise<void> {
  await agent.goto(`${origin}/cases/spa-fetch.html`);
  await agent.getByRole('button', { name: 'Buy now' }).click();
}

async function pendingId(panel: PanelPage, label: string): Promise<string> {
  await panel.card(label).scrollIntoViewIfNeeded(); // the dwell runs only while the card is in view
  await expect(panel.card(label).getByRole('button', { name: /^Approve/ })).toBeEnabled();
  const queue = await panel.send<QueueState>({ type: 'queue' });
  return queue.actions.find((action) => action.label === label)!.id;
}

async function settingsMessage(panel: PanelPage, text: string | RegExp): Promise<void> {
  await expect(panel.settings.passkey.getByText(text)).toBeVisible();
}

/** Chromium's virtual authenticator on the panel page, and a passkey registered in Settings as a person does it. */
async function registerPasskey(panel: PanelPage, extensionContext: BrowserContext): Promise<{ cdp: CDPSession; authenticatorId: string }> {
  const cdp = await extensionContext.newCDPSession(panel.page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  const { authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', { options: AUTHENTICATOR });
  await panel.settings.open();
  await panel.settings.passkey.getByRole('button', { name: 'Protect approvals with a passkey' }).click();
  await settingsMessage(panel, 'A passkey now protects approvals.');
  await panel.queue.open();
  return { cdp, authenticatorId };
}

/** Later tests share this browser: leave no key behind (removing it takes the key, so the authenticator must still be there). */
async function removePasskey(panel: PanelPage): Promise<void> {
  await panel.settings.open();
  await expect(panel.settings.passkey.getByText(/passkey/i).first()).toBeVisible();
  if ((await panel.send<{ registered: boolean }>({ type: 'passkey-status' })).registered) {
    await panel.settings.passkey.getByRole('button', { name: 'Remove the passkey' }).click();
    await settingsMessage(panel, 'The passkey was removed.');
  }
  expect((await panel.send<{ registered: boolean }>({ type: 'passkey-status' })).registered).toBe(false);
  await panel.queue.open();
}

test('with a reviewer passkey, only its authenticator approves, each answer once, for one action, and a driven panel cannot approve without it', async ({
  agent,
  extensionContext,
  panel,
  server,
}) => {
  test.setTimeout(120_000);
  const registered = await registerPasskey(panel, extensionContext);
  const { cdp } = registered;
  let { authenticatorId } = registered;
  try {
    // The registered authenticator approves, once.
    server.reset();
    await holdPurchase(agent, server.origin);
    await panel.approve('Buy now');
    await expectReceivedOnce(server, '/api/spa/buy');

    // A panel driven over CDP cannot approve without the key; the attempt stays on the record.
    server.reset();
    await holdPurchase(agent, server.origin);
    const first = await pendingId(panel, 'Buy now');
    const confirmation = (await panel.card('Buy now').getAttribute('data-confirm'))!;
    const bare = await panel.send<{ ok: boolean; error?: string }>({ type: 'decide', id: first, verdict: 'approve', confirmation });
    expect(bare).toMatchObject({ ok: false, error: 'This needs your passkey.' });
    await expect(panel.card('Buy now').locator('.refusals')).toContainText('This needs your passkey.');

    // An answer for one action cannot approve another, and an answer is accepted once.
    const forFirst = await assertionFor(panel, first);
    const other = await agent.context().newPage();
    await other.goto(`${server.origin}/cases/role-button.html`);
    await other.getByLabel('Email').fill('grace@example.com');
    await other.getByRole('button', { name: 'Send invite' }).click();
    const second = await pendingId(panel, 'Send invite');
    const crossed = await panel.send<{ ok: boolean; error?: string }>({ type: 'decide', id: second, verdict: 'approve', passkey: forFirst });
    expect(crossed).toMatchObject({ ok: false, error: 'This passkey answer was given for another action, or the action changed since.' });
    const forSecond = await assertionFor(panel, second);
    expect(await panel.send({ type: 'decide', id: second, verdict: 'approve', passkey: forSecond })).toEqual({ ok: true });
    await expectReceivedOnce(server, '/api/invite');
    const replayed = await panel.send<{ ok: boolean; error?: string }>({ type: 'decide', id: first, verdict: 'approve', confirmation, passkey: forSecond });
    expect(replayed).toMatchObject({ ok: false, error: 'This passkey answer was already used or has expired.' });
    await other.close();

    // A second authenticator cannot answer for the registered credential.
    const { credentials } = await cdp.send('WebAuthn.getCredentials', { authenticatorId });
    await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId });
    ({ authenticatorId } = await cdp.send('WebAuthn.addVirtualAuthenticator', { options: AUTHENTICATOR }));
    await panel.approve('Buy now');
    await expect(panel.card('Buy now').getByRole('alert')).toContainText('Nothing was sent');
    await expectNothingReceived(server, '/api/spa/buy');

    // The person's own authenticator, back, approves it.
    await cdp.send('WebAuthn.addCredential', { authenticatorId, credential: credentials[0]! });
    await panel.card('Buy now').getByRole('button', { name: /^Confirm/ }).click(); // the typed value is still there
    await expectReceivedOnce(server, '/api/spa/buy');
  } finally {
    await removePasskey(panel);
    await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId });
  }
});

test('countersign verify: an export with a passkey approval verifies; one edited byte fails at that record; an approval without the passkey says so', async ({
  agent,
  extensionContext,
  panel,
  server,
}) => {
  test.setTimeout(120_000);
  const { cdp, authenticatorId } = await registerPasskey(panel, extensionContext);
  const settings = panel.settings.passkey;
  const dir = mkdtempSync(join(tmpdir(), 'countersign-verify-'));
  try {
    await holdPurchase(agent, server.origin);
    await panel.approve('Buy now');
    await expectReceivedOnce(server, '/api/spa/buy');
    await panel.settings.open();
    await settings.getByRole('button', { name: 'Remove the passkey' }).click();
    await settingsMessage(panel, 'The passkey was removed.');
    await panel.queue.open();
    await agent.goto(`${server.origin}/cases/role-button.html`);
    await agent.getByLabel('Email').fill('grace@example.com');
    await agent.getByRole('button', { name: 'Send invite' }).click();
    await panel.approve('Send invite');
    await expectReceivedOnce(server, '/api/invite');

    // The auditor pins the key the browser shows in Settings.
    await panel.settings.open();
    const logKey = await panel.page.getByLabel('This browser’s log key (Ed25519 public key)').inputValue();
    expect(logKey).toMatch(/^[\w-]{43}$/);
    await panel.history.open();
    await expect(panel.page.getByRole('status').filter({ hasText: 'verify against the history’s hash chain' })).toContainText('the 2 entries loaded');
    const { text } = await panel.history.export('ndjson');
    const file = join(dir, 'history.ndjson');
    writeFileSync(file, text);
    const verify = () => spawnSync(process.execPath, ['scripts/countersign.mjs', 'verify', file, '--key', logKey], { encoding: 'utf8' });
    const good = verify();
    expect(good.stdout, good.stderr).toMatch(/all verified: 2 of 2 actions/);
    expect(good.stdout).toContain('1 by passkey, 0 by a team reviewer’s signature; 1 approved in the panel, no passkey');
    expect(good.status).toBe(0);

    // One byte of the purchase's row: "Buy now" becomes "Buy mow".
    const rows = text.split('\n');
    const index = rows.findIndex((line) => line.includes('"label":"Buy now"'));
    rows[index] = rows[index]!.replace('"label":"Buy now"', '"label":"Buy mow"');
    writeFileSync(file, rows.join('\n'));
    const id = (JSON.parse(rows[index]!) as { id: string }).id;
    const bad = verify();
    expect(bad.status).toBe(1);
    expect(bad.stdout).toContain(`✗ row ${index} (${id}): its content differs from what the chain recorded`);
    await panel.queue.open();
  } finally {
    rmSync(dir, { recursive: true, force: true });
    await removePasskey(panel);
    await cdp.send('WebAuthn.removeVirtualAuthenticator', { authenticatorId });
  }
});
