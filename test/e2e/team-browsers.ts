import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import type { BrowserContext } from '@playwright/test';
import { AGENT, type TeamServer } from '../team-server';
import { expect, extensionIdOf, launchWithExtension, PanelPage } from './fixtures';

// Browsers with the built extension for the team tests: each with its panel open as a tab.

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

export async function becomeAgent({ panel }: Browser, server: TeamServer, name: string, reviewers: { name: string; key: string }[]) {
  const change = { enabled: true, url: server.wsUrl, browserName: name, role: 'agent', user: AGENT.user, password: AGENT.pass, trustedReviewers: reviewers };
  expect(await panel.send({ type: 'set-team', change })).toEqual({ ok: true });
  await expect.poll(async () => (await panel.send<{ state: string }>({ type: 'team-status' })).state).toBe('online');
}
