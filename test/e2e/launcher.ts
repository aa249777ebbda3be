import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { expect, foreignClientTest, PanelPage } from './fixtures';

/** `npm run browser` running in a fresh profile, with what it printed. */
export interface Launched {
  output: string;
  endpoint: string;
  profile: string;
  stop(): Promise<void>;
}

/** Runs the launcher's command line and waits for its instructions. */
export async function startLauncher(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<Launched> {
  const profile = mkdtempSync(join(tmpdir(), 'countersign-launcher-'));
  const child = spawn(process.execPath, ['scripts/countersign.mjs', 'browser', '--profile', profile, ...args], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env,
  });
  let output = '';
  let errors = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (errors += chunk));
  const exited = new Promise<number | null>((done) => child.once('exit', done));
  await Promise.race([
    expect.poll(() => output, { timeout: 20_000 }).toContain('press Ctrl-C to stop'),
    exited.then((code) => {
      throw new Error(`the launcher exited (${code}): ${errors}`);
    }),
  ]);
  const endpoint = /DevTools endpoint\s+(\S+)/.exec(output)?.[1];
  expect(endpoint, output).toBeTruthy();
  return {
    output,
    endpoint: endpoint!,
    profile,
    async stop() {
      child.kill('SIGINT');
      await exited;
      rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    },
  };
}

/** One client's printed configuration, as a person would copy it from the terminal. */
export function printed(output: string, client: string): string {
  const section = output.split(`\n${client}:\n`)[1];
  expect(section, `no configuration printed for ${client}`).toBeTruthy();
  return section!
    .split('\n\n')[0]!
    .split('\n')
    .map((line) => line.slice(2))
    .join('\n');
}

/** `npm run browser` (headless, any port) for a whole file, and the person's panel in it, connected as printed. */
export const launchedTest = foreignClientTest.extend<object, { launched: Launched; person: { browser: Browser; panel: PanelPage } }>({
  launched: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const launched = await startLauncher(['--port', '0', '--headless']);
      await use(launched);
      await launched.stop();
    },
    { scope: 'worker' },
  ],
  person: [
    async ({ launched }, use) => {
      // The reviewer's side panel, opened in a tab of the launched browser, connected exactly as printed.
      const browser = await connectAsPrinted(launched);
      const context = browser.contexts()[0]!;
      const worker = context.serviceWorkers()[0] ?? (await context.waitForEvent('serviceworker'));
      const page = await context.newPage();
      await page.goto(`chrome-extension://${new URL(worker.url()).host}/sidepanel.html`);
      await use({ browser, panel: new PanelPage(page) });
      await browser.close();
    },
    { scope: 'worker' },
  ],
});

/** The README's Playwright line with the printed endpoint: no timeout of ours, no retry. */
export function connectAsPrinted(launched: Launched): Promise<Browser> {
  const endpoint = /connectOverCDP\('([^']+)'\)/.exec(printed(launched.output, 'Playwright'))?.[1];
  expect(endpoint).toBe(launched.endpoint);
  return chromium.connectOverCDP(endpoint!);
}

