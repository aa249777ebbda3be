import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { test as base, chromium, expect, type BrowserContext, type Download, type Locator, type Page } from '@playwright/test';
import { DEFAULT_SETTINGS } from '@/lib/db/schema';
import type { QueueState } from '@/lib/messaging/protocol';
// @ts-expect-error plain JS module shared with npm start
import { startFixtureServer } from '../fixtures/server.mjs';
// @ts-expect-error plain JS module shared with npm start
import { extensionFlags, findChromium, BROWSER_FLAGS } from '../../scripts/chromium.mjs';

export const EXTENSION_DIR = resolve('.output/chrome-mv3');

/**
 * The suite approves dozens of actions within seconds of their cards appearing, exactly what
 * the fatigue monitor pauses; its own test lowers the limit again.
 */
export const TEST_SETTINGS = { fatigueCount: 10_000 };

export interface RecordedRequest {
  method: string;
  path: string;
  query: string;
  host: string;
  body: string;
  at: number;
}

export interface FixtureServer {
  origin: string;
  otherOrigin: string;
  requests: RecordedRequest[];
  received(path: string, method?: string): RecordedRequest[];
  reset(): void;
  close(): Promise<void>;
}

export { startFixtureServer, findChromium, extensionFlags, BROWSER_FLAGS };

async function downloadText(download: Download): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of await download.createReadStream()) chunks.push(Buffer.from(chunk));
  return Buffer.concat(chunks).toString('utf8');
}

/** The Queue tab: one card per held action. */
export class QueuePage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByRole('tab', { name: 'Queue' }).click();
  }

  get cards(): Locator {
    return this.page.getByRole('article');
  }

  card(text: string | RegExp): Locator {
    return this.cards.filter({ hasText: text });
  }

  /** The one card standing for a tab paused for flooding the queue. */
  get pausedCard(): Locator {
    return this.page.getByRole('article', { name: /^Paused/ });
  }

  get empty(): Locator {
    return this.page.getByText('No actions waiting');
  }

  /** Clicks an Approve button of the card, then types the confirmation when the action is high-risk. */
  async approve(text: string | RegExp, button: RegExp = /^Approve/): Promise<void> {
    const card = this.card(text);
    const approve = card.getByRole('button', { name: button });
    await card.scrollIntoViewIfNeeded(); // as a person would: the dwell counts from the card in view
    await expect(approve).toBeEnabled(); // dwell over, and the broker has evaluated the action
    const confirm = await card.getAttribute('data-confirm');
    await approve.click();
    if (confirm === null) return;
    await card.getByRole('textbox', { name: /^Confirm/ }).fill(confirm);
    await card.getByRole('button', { name: /^Confirm/ }).click();
  }

  async reject(text: string | RegExp, note?: string): Promise<void> {
    const card = this.card(text);
    if (note) await card.getByLabel('Note for the agent').fill(note);
    await card.getByRole('button', { name: /^Reject/ }).click();
  }
}

/** The History tab: filters, the virtualized table, export and retention. */
export class HistoryPage {
  constructor(readonly page: Page) {}

  async open(): Promise<Locator> {
    await this.page.getByRole('tab', { name: 'History' }).click();
    return this.table;
  }

  get table(): Locator {
    return this.page.getByRole('table', { name: 'History' });
  }

  /** "3 actions", "Counting…" */
  get matching(): Locator {
    return this.page.getByRole('status', { name: 'Matching actions' });
  }

  row(text: string | RegExp): Locator {
    return this.table.getByRole('row').filter({ hasText: text });
  }

  /** An entry opened from the table. */
  get detail(): Locator {
    return this.page.getByRole('article', { name: /^Details of/ });
  }

  async search(text: string): Promise<void> {
    await this.page.getByRole('searchbox', { name: 'Search the history' }).fill(text);
  }

  async filter(by: 'Site' | 'Kind' | 'Outcome', value: string): Promise<void> {
    await this.page.getByLabel(by, { exact: true }).selectOption(value);
  }

  /** Exports through the panel and reads the download back. */
  async export(format: string, { screenshots = false } = {}): Promise<{ name: string; text: string; workerUrl: string }> {
    await this.page.getByLabel('Export format').selectOption(format);
    if (screenshots) await this.page.getByLabel('include screenshots').check();
    const downloading = this.page.waitForEvent('download');
    const workerStarted = this.page.waitForEvent('worker');
    await this.page.getByRole('button', { name: 'Export', exact: true }).click();
    const workerUrl = (await workerStarted).url();
    const download = await downloading;
    return { name: download.suggestedFilename(), text: await downloadText(download), workerUrl };
  }

  async clear(expectedCount: number): Promise<void> {
    await this.page.getByRole('button', { name: 'Clear history' }).click();
    await expect(this.page.getByRole('alertdialog')).toContainText(`This removes ${expectedCount} entr`);
    await this.page.getByRole('button', { name: `Remove ${expectedCount} entries` }).click();
  }
}

/** The Sites tab: the rules table, the rule form, import and export. */
export class SitesPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByRole('tab', { name: 'Sites' }).click();
  }

  rule(text: string | RegExp): Locator {
    return this.page.getByRole('table', { name: 'Rules' }).getByRole('row').filter({ hasText: text });
  }

  async addRule(site: string, trust: string): Promise<void> {
    await this.page.getByRole('button', { name: 'Add a rule' }).click();
    await this.page.getByRole('textbox', { name: 'Site', exact: true }).fill(site);
    await this.page.getByLabel('Trust', { exact: true }).selectOption(trust);
    await this.page.getByRole('button', { name: 'Save rule' }).click();
  }

  async importFile(file: Parameters<Locator['setInputFiles']>[0]): Promise<void> {
    await this.page.locator('input[type=file]').setInputFiles(file);
  }

  async exportRules(): Promise<string> {
    const downloading = this.page.waitForEvent('download');
    await this.page.getByRole('button', { name: 'Export rules' }).click();
    return downloadText(await downloading);
  }
}

/** The Settings tab. */
export class SettingsPage {
  constructor(readonly page: Page) {}

  async open(): Promise<void> {
    await this.page.getByRole('tab', { name: 'Settings' }).click();
  }

  field(label: string): Locator {
    return this.page.getByLabel(label);
  }

  get passkey(): Locator {
    return this.page.getByRole('group', { name: 'Passkey' });
  }
}

/** The side panel, opened as a tab the way a person may pin it. */
export class PanelPage {
  readonly queue: QueuePage;
  readonly history: HistoryPage;
  readonly sites: SitesPage;
  readonly settings: SettingsPage;

  constructor(readonly page: Page) {
    this.queue = new QueuePage(page);
    this.history = new HistoryPage(page);
    this.sites = new SitesPage(page);
    this.settings = new SettingsPage(page);
  }

  card(text: string | RegExp): Locator {
    return this.queue.card(text);
  }

  approve(text: string | RegExp, button?: RegExp): Promise<void> {
    return this.queue.approve(text, button);
  }

  reject(text: string | RegExp, note?: string): Promise<void> {
    return this.queue.reject(text, note);
  }

  /** Sends a request to the broker the way the panel's own code does. */
  send<T>(message: unknown): Promise<T> {
    return this.page.evaluate((m) => (globalThis as unknown as ChromeGlobal).chrome.runtime.sendMessage(m), message) as Promise<T>;
  }

  /** Back to a fresh install (no rules of the person's, default settings) but for TEST_SETTINGS. */
  async resetPolicy(): Promise<void> {
    const rules = await this.send<{ id: string; createdBy: string }[]>({ type: 'rules' });
    for (const rule of rules) if (rule.createdBy !== 'managed') await this.send({ type: 'delete-rule', id: rule.id });
    const defaults: Partial<typeof DEFAULT_SETTINGS> = { ...DEFAULT_SETTINGS };
    delete defaults.silencedSuggestions; // not settings set-settings changes
    delete defaults.silencedEndpoints;
    delete defaults.passkeyFor;
    const current = await this.send<{ silencedEndpoints?: string[] }>({ type: 'settings' });
    for (const key of current.silencedEndpoints ?? []) await this.send({ type: 'unsilence-endpoint', key });
    const saved = await this.send<{ ok?: false; error?: string }>({ type: 'set-settings', settings: { ...defaults, ...TEST_SETTINGS } });
    if (saved.ok === false) throw new Error(`resetPolicy: the settings were refused: ${saved.error}`);
  }

  /**
   * What every test starts from: nothing pending or paused (rejected, so no page waits on
   * it), default policy, an empty history.
   */
  async reset(): Promise<void> {
    const queue = await this.send<QueueState>({ type: 'queue' });
    for (const action of queue.actions) await this.send({ type: 'decide', id: action.id, verdict: 'reject', note: 'test reset' });
    for (const tab of queue.paused) await this.send({ type: 'reject-paused', tabId: tab.tabId });
    await this.resetPolicy();
    await this.send({ type: 'clear-history' });
  }
}

interface ChromeGlobal {
  chrome: { runtime: { sendMessage(message: unknown): Promise<unknown> } };
}

/** `language`: the browser's own (what browser.i18n answers); Chromium on Linux reads LANGUAGE. */
export async function launchWithExtension(userDataDir: string, options: { language?: string } = {}): Promise<BrowserContext> {
  const { language } = options;
  return chromium.launchPersistentContext(userDataDir, {
    executablePath: await findChromium(),
    headless: true,
    args: [...BROWSER_FLAGS, ...extensionFlags(EXTENSION_DIR), ...(language ? [`--lang=${language}`] : [])],
    ...(language ? { env: { ...process.env, LANGUAGE: language }, locale: language } : {}),
  });
}

export interface PlainChromium {
  port: number;
  close(): Promise<void>;
}

/**
 * A person's own browser with Countersign, started without automation flags and with a
 * DevTools port an agent can attach to. Headless Chromium would report navigator.webdriver
 * true, so the flag stealthy agents use turns that off, as in a headed browser.
 */
export async function launchPlainChromium(
  options: { otherExtensions?: string[]; url?: string } = {},
): Promise<PlainChromium> {
  const dir = mkdtempSync(join(tmpdir(), 'countersign-plain-'));
  const child = spawn(
    await findChromium(),
    [
      ...BROWSER_FLAGS,
      ...extensionFlags(EXTENSION_DIR, ...(options.otherExtensions ?? [])),
      '--headless',
      '--disable-blink-features=AutomationControlled',
      `--user-data-dir=${dir}`,
      '--remote-debugging-port=0',
      'about:blank',
    ],
    { stdio: 'ignore', detached: true },
  );
  const portFile = join(dir, 'DevToolsActivePort');
  await expect
    .poll(() => existsSync(portFile) && readFileSync(portFile, 'utf8').includes('\n'), { timeout: 15_000 })
    .toBe(true);
  const port = Number(readFileSync(portFile, 'utf8').split('\n')[0]);
  // A start URL on the command line is now and then never loaded (about 1 launch in 10 here);
  // the HTTP endpoint opens it once the browser is up, without attaching a DevTools client.
  if (options.url) {
    const opened = await fetch(`http://127.0.0.1:${port}/json/new?${encodeURIComponent(options.url)}`, { method: 'PUT' });
    expect(opened.ok, await opened.text()).toBe(true);
  }
  return {
    port,
    async close() {
      const exited = new Promise((done) => child.once('exit', done));
      process.kill(-child.pid!); // the whole process group: helpers too
      await exited;
      try {
        rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
      } catch {
        // a helper still flushing its profile; the directory is in tmp and not under test
      }
    },
  };
}

export async function extensionIdOf(context: BrowserContext): Promise<string> {
  const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
  return new URL(worker.url()).host;
}

/** An agent signs up for the newsletter: a form POST, submitted by script (an untrusted submission). */
export async function joinNewsletter(page: Page, origin: string, email: string): Promise<void> {
  await page.goto(`${origin}/cases/form-submit.html`);
  await page.getByLabel('Email').fill(email);
  await page.evaluate(() => (document.getElementById('newsletter') as HTMLFormElement).requestSubmit());
}

/** Waits long enough for a released request to have arrived, then checks none did. */
export async function expectNothingReceived(server: FixtureServer, path: string, waitMs = 500): Promise<void> {
  await new Promise((done) => setTimeout(done, waitMs));
  expect(server.received(path)).toEqual([]);
}

export async function expectReceivedOnce(server: FixtureServer, path: string): Promise<RecordedRequest> {
  await expect.poll(() => server.received(path).length).toBe(1);
  await new Promise((done) => setTimeout(done, 300)); // a duplicate would arrive within this
  expect(server.received(path)).toHaveLength(1);
  return server.received(path)[0]!;
}

interface WorkerFixtures {
  server: FixtureServer;
  extensionContext: BrowserContext;
  extensionId: string;
}

interface TestFixtures {
  panel: PanelPage;
  agent: Page;
}

export const test = base.extend<TestFixtures, WorkerFixtures>({
  server: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const server = (await startFixtureServer()) as FixtureServer;
      await use(server);
      await server.close();
    },
    { scope: 'worker' },
  ],
  extensionContext: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const dir = mkdtempSync(resolve(tmpdir(), 'countersign-e2e-'));
      const context = await launchWithExtension(dir);
      await use(context);
      await context.close();
      rmSync(dir, { recursive: true, force: true });
    },
    { scope: 'worker' },
  ],
  extensionId: [async ({ extensionContext }, use) => use(await extensionIdOf(extensionContext)), { scope: 'worker' }],
  panel: async ({ extensionContext, extensionId }, use) => {
    const page = await extensionContext.newPage();
    await page.goto(`chrome-extension://${extensionId}/sidepanel.html`);
    const panel = new PanelPage(page);
    await panel.reset(); // each test starts from a fresh install, whatever the last one left
    await use(panel);
    await page.close();
  },
  agent: async ({ extensionContext, server }, use) => {
    server.reset();
    const page = await extensionContext.newPage();
    await use(page);
    await page.close();
  },
});

/** For clients that bring their own browser: a recording server, and a plain browser on demand. */
export const foreignClientTest = base.extend<{ server: FixtureServer; plainChromium: PlainChromium }>({
  // eslint-disable-next-line no-empty-pattern
  server: async ({}, use) => {
    const server = (await startFixtureServer()) as FixtureServer;
    await use(server);
    await server.close();
  },
  // eslint-disable-next-line no-empty-pattern
  plainChromium: async ({}, use) => {
    const browser = await launchPlainChromium();
    await use(browser);
    await browser.close();
  },
});

export { expect };
