import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { networkInterfaces, tmpdir } from 'node:os';
import { join } from 'node:path';
import puppeteer from 'puppeteer-core';
import { remote } from 'webdriverio';
import { expect, expectNothingReceived, expectReceivedOnce, findChromium } from './fixtures';
import { connectAsPrinted, launchedTest, printed, startLauncher } from './launcher';
import { CHROME_DEVTOOLS_MCP, McpClient, PLAYWRIGHT_MCP } from './mcp-client';
import { startXvfb } from './xvfb';

// `npm run browser` as a person runs it: the clients connect with what it prints, nothing else.

const mcpArgs = (output: string, client: string, server: string): string[] => {
  const config = JSON.parse(printed(output, client)) as { mcpServers: Record<string, { command: string; args: string[] }> };
  const { command, args } = config.mcpServers[server]!;
  expect(command).toBe('npx');
  return args.slice(1); // after the package name, which npx would fetch: here it is installed
};

const test = launchedTest;

test.describe.configure({ mode: 'serial' });

test('the launcher prints its endpoint on 127.0.0.1 and a configuration for every client', async ({ launched }) => {
  expect(launched.endpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  const version = (await (await fetch(`${launched.endpoint}/json/version`)).json()) as { Browser: string };
  expect(version.Browser).toMatch(/Chrome/);
  for (const client of ['Playwright MCP', 'chrome-devtools-mcp', 'Playwright', 'Puppeteer', 'Selenium (Python)', 'WebdriverIO', 'browser-use', 'Stagehand']) {
    expect(printed(launched.output, client)).toContain(new URL(launched.endpoint).host);
  }
  // Not reachable from another machine: no other interface of this one answers.
  const port = new URL(launched.endpoint).port;
  const others = Object.values(networkInterfaces())
    .flat()
    .filter((address) => address && address.family === 'IPv4' && !address.internal);
  for (const address of others) {
    await expect(fetch(`http://${address!.address}:${port}/json/version`, { signal: AbortSignal.timeout(2000) })).rejects.toThrow();
  }
});

test('Playwright MCP connects with the printed settings and its click is held until approved', async ({ launched, person, server }) => {
  const outputDir = mkdtempSync(join(tmpdir(), 'countersign-mcp-'));
  const mcp = new McpClient(PLAYWRIGHT_MCP, [...mcpArgs(launched.output, 'Playwright MCP', 'playwright'), '--output-dir', outputDir]);
  try {
    await mcp.initialize();
    await mcp.call('browser_tabs', { action: 'new', url: `${server.origin}/cases/spa-fetch.html` });
    const ref = /button "Buy now" \[ref=(\w+)\]/.exec(await mcp.call('browser_snapshot', {}))?.[1];
    expect(ref).toBeTruthy();
    await mcp.call('browser_click', { element: 'Buy now button', target: ref });
    await expectNothingReceived(server, '/api/spa/buy');
    await person.panel.approve('Buy now');
    await expectReceivedOnce(server, '/api/spa/buy');
  } finally {
    await mcp.close();
    rmSync(outputDir, { recursive: true, force: true });
  }
});

test('chrome-devtools-mcp connects with the printed settings and its click is held until approved', async ({ launched, person, server }) => {
  const mcp = new McpClient(CHROME_DEVTOOLS_MCP, [...mcpArgs(launched.output, 'chrome-devtools-mcp', 'chrome-devtools'), '--no-usage-statistics', '--no-performance-crux']);
  try {
    await mcp.initialize();
    const pages = await mcp.call('new_page', { url: `${server.origin}/cases/spa-fetch.html` });
    const pageId = Number(/(\d+): Product .*\[selected\]/.exec(pages)?.[1]);
    const uid = /uid=(\S+) button "Buy now"/.exec(await mcp.call('take_snapshot', { pageId }))?.[1];
    expect(uid).toBeTruthy();
    await mcp.call('click', { pageId, uid });
    await expectNothingReceived(server, '/api/spa/buy');
    await person.panel.approve('Buy now');
    await expectReceivedOnce(server, '/api/spa/buy');
  } finally {
    await mcp.close();
  }
});

test('Puppeteer connects with the printed settings and its click is held until approved', async ({ launched, person, server }) => {
  const browserURL = /browserURL: '([^']+)'/.exec(printed(launched.output, 'Puppeteer'))?.[1];
  const browser = await puppeteer.connect({ browserURL });
  try {
    const page = await browser.newPage();
    await page.goto(`${server.origin}/cases/spa-fetch.html`);
    await page.click('#buy');
    await expectNothingReceived(server, '/api/spa/buy');
    await person.panel.approve('Buy now');
    await expectReceivedOnce(server, '/api/spa/buy');
    await page.close();
  } finally {
    await browser.disconnect();
  }
});

test('WebdriverIO connects with the printed settings and its click is held until approved', async ({ launched, person, server }) => {
  const debuggerAddress = /debuggerAddress: '([^']+)'/.exec(printed(launched.output, 'WebdriverIO'))?.[1];
  const browser = await remote({
    logLevel: 'error',
    capabilities: {
      browserName: 'chrome',
      // The printed setting; the binary only keeps WebdriverIO from downloading a Chrome to look at.
      'goog:chromeOptions': { debuggerAddress, binary: await findChromium() },
      'wdio:chromedriverOptions': { binary: process.env.CHROMEDRIVER_PATH ?? '/usr/bin/chromedriver' },
    },
  });
  try {
    await browser.newWindow(`${server.origin}/cases/spa-fetch.html`);
    await (await browser.$('#buy')).click();
    await expectNothingReceived(server, '/api/spa/buy');
    await person.panel.approve('Buy now');
    await expectReceivedOnce(server, '/api/spa/buy');
  } finally {
    await browser.deleteSession({ shutdownDriver: true });
  }
});

test('a second launch on a port in use says so and starts nothing', async ({ launched }) => {
  const port = new URL(launched.endpoint).port;
  const child = spawn(process.execPath, ['scripts/countersign.mjs', 'browser', '--port', port, '--headless', '--profile', join(tmpdir(), 'unused')], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let errors = '';
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (errors += chunk));
  const code = await new Promise((done) => child.once('exit', done));
  expect(code).toBe(1);
  expect(errors).toContain(`port ${port} on 127.0.0.1 is taken`);
});

test.describe('launched in other ways', () => {
  /** Launches with `args`, connects as printed, and returns the URLs of the tabs Playwright sees. */
  async function tabsSeenByPlaywright(args: string[], env?: NodeJS.ProcessEnv): Promise<string[]> {
    const launched = await startLauncher(['--port', '0', ...args], env);
    try {
      const browser = await connectAsPrinted(launched);
      const urls = browser.contexts()[0]!.pages().map((page) => page.url());
      await browser.close();
      return urls;
    } finally {
      await launched.stop();
    }
  }

  test('headless with no URL: the one tab is a blank page, and Playwright connects with the printed line', async () => {
    expect(await tabsSeenByPlaywright(['--headless'])).toEqual(['about:blank']);
  });

  test('headless with URLs: the tabs open them and Playwright connects with the printed line', async ({ server }) => {
    const urls = [`${server.origin}/cases/spa-fetch.html?opened-by=launcher`, `${server.origin}/cases/form-submit.html?opened-by=launcher`];
    expect((await tabsSeenByPlaywright(['--headless', ...urls])).sort()).toEqual([...urls].sort());
    expect(server.requests.filter((request) => request.path === '/cases/spa-fetch.html')).toHaveLength(1);
  });

  test('in a window under Xvfb, with no URL and with one, Playwright connects with the printed line', async ({ server }) => {
    test.setTimeout(60_000);
    const x = await startXvfb();
    try {
      const env = { ...process.env, DISPLAY: x.display };
      expect(await tabsSeenByPlaywright([], env)).toEqual(['about:blank']);
      const url = `${server.origin}/cases/spa-fetch.html`;
      expect(await tabsSeenByPlaywright([url], env)).toEqual([url]);
    } finally {
      x.stop();
    }
  });

  test('a tab that never shows its first page: the launcher says a client cannot attach and exits non-zero', async () => {
    test.setTimeout(60_000);
    // Accepts the connection and never answers, as a hung server does.
    const silent = createServer(() => undefined);
    await new Promise<void>((done) => silent.listen(0, '127.0.0.1', done));
    const profile = mkdtempSync(join(tmpdir(), 'countersign-launcher-'));
    try {
      const { port } = silent.address() as AddressInfo;
      const child = spawn(process.execPath, ['scripts/countersign.mjs', 'browser', '--port', '0', '--headless', '--profile', profile, `http://127.0.0.1:${port}/`], {
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let output = '';
      let errors = '';
      child.stdout.setEncoding('utf8').on('data', (chunk: string) => (output += chunk));
      child.stderr.setEncoding('utf8').on('data', (chunk: string) => (errors += chunk));
      const code = await new Promise((done) => child.once('exit', done));
      expect(code).toBe(1);
      expect(errors).toContain('a DevTools client attaching as Playwright does');
      expect(errors).toContain('never committed its first page');
      expect(output).not.toContain('press Ctrl-C to stop');
    } finally {
      silent.closeAllConnections();
      silent.close();
      rmSync(profile, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
    }
  });
});
