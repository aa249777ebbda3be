import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import type { Browser as PlainBrowser, BrowserContext, Page } from '@playwright/test';
import { AGENT, REVIEWER, type TeamServer } from '../team-server';
import { expect, extensionIdOf, launchWithExtension, PanelPage } from './fixtures';

// The team tests' browsers: Chromium with the built extension and its panel open as a tab, and
// the reviewer desk in a Chromium without it, as a phone.

export interface Browser {
  context: BrowserContext;
  panel: PanelPage;
  close(): Promise<void>;
}

export async function browserWithPanel(name: string): Promise<Browser> {
  const dir = mkdtempSync(resolve(tmpdir(), `countersign-team-${name}-`));
  const context = await launchWithExtension(dir);
  const page = await context.newPage();
  await page.goto(`chrome-extension://${await extensionIdOf(context)}/sidepanel.html`);
  const panel = new PanelPage(page);
  await panel.reset();
  return {
    context,
    panel,
    close: async () => {
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export async function becomeAgent({ panel }: Browser, server: TeamServer | string, name: string, reviewers: { name: string; key: string }[]) {
  const url = typeof server === 'string' ? server : server.wsUrl;
  const change = { enabled: true, url, browserName: name, role: 'agent', user: AGENT.user, password: AGENT.pass, trustedReviewers: reviewers };
  expect(await panel.send({ type: 'set-team', change })).toEqual({ ok: true });
  await expect.poll(async () => (await panel.send<{ state: string }>({ type: 'team-status' })).state).toBe('online');
}

export const PHONE = { viewport: { width: 375, height: 740 }, hasTouch: true, isMobile: true, deviceScaleFactor: 2 } as const;
const AUTHENTICATOR = { protocol: 'ctap2', transport: 'internal', hasResidentKey: true, hasUserVerification: true, isUserVerified: true } as const;

export interface Desk {
  context: BrowserContext;
  page: Page;
  /** The desk's reviewer key, for the agent browsers' trusted reviewers. */
  key: string;
}

/** A phone with the desk at `deskUrl`, signed in to `servers` as `name`; `passkey`: with a passkey added. */
export async function openDesk(phones: PlainBrowser, deskUrl: string, servers: string, name: string, { passkey }: { passkey: boolean }): Promise<Desk> {
  const context = await phones.newContext(PHONE);
  const page = await context.newPage();
  await page.goto(deskUrl);
  const form = page.getByRole('form', { name: 'Sign in' });
  await form.getByLabel('Server (wss:// or ws://)').fill(servers);
  await form.getByLabel('Your name as a reviewer').fill(name);
  await form.getByLabel('User').fill(REVIEWER.user);
  await form.getByLabel('Password').fill(REVIEWER.pass);
  await form.getByRole('button', { name: 'Sign in' }).tap();
  await expect(page.getByRole('status').first()).toContainText(`Signed in as ${name}`);
  await expect(page.getByRole('status').first()).toContainText('Connected to the team queue.');
  // Nothing on the signed-in desk (a cluster's addresses included) widens it past the phone's screen.
  expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(PHONE.viewport.width);
  const key = await page.getByLabel(/^This desk’s reviewer key/).inputValue();
  expect(key).toMatch(/^[A-Za-z0-9_-]{43}$/);
  const desk = { context, page, key };
  if (passkey) await addDeskPasskey(desk);
  return desk;
}

/** The DevTools virtual authenticator on the desk's page, and a passkey made with it. */
export async function addDeskPasskey({ context, page }: Desk): Promise<void> {
  const cdp = await context.newCDPSession(page);
  await cdp.send('WebAuthn.enable', { enableUI: false });
  await cdp.send('WebAuthn.addVirtualAuthenticator', { options: AUTHENTICATOR });
  await page.getByRole('button', { name: 'Add a passkey' }).tap();
  await expect(page.getByText('A passkey now protects approvals.')).toBeVisible();
}
