// Starts Chromium with Countersign in a persistent profile and the DevTools endpoint on
// 127.0.0.1, for agents to connect to. Used by `npm run browser` and its tests.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { checkAttach } from './attach-check.mjs';
import { startAgentChannel } from './agent-channel.mjs';
import { openCdp } from './cdp.mjs';
import { openUrls } from './open-urls.mjs';
import { extensionFlags, findChromium, BROWSER_FLAGS } from './chromium.mjs';
import { EXTENSION_DIR } from './content-scripts.mjs';

export const DEFAULT_PORT = 9222;
export const DEFAULT_PROFILE = join(homedir(), '.countersign', 'profile');
/**
 * The tab opened when no URL is given. Chromium's own new-tab page navigates twice as it starts
 * (chrome://newtab, then chrome://new-tab-page-third-party); a client attaching between the two
 * leaves that tab on its initial empty document for good, and Playwright waits on it forever.
 */
export const START_PAGE = 'about:blank';
/** Modes a launch may set. Turning the guard off is the person's to do, in Settings. */
export const LAUNCH_GUARD_MODES = ['automation', 'always'];

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));

/**
 * Starts the browser and resolves once its DevTools endpoint answers, the guard mode is set and a
 * client attaching as Playwright does gets through. `port` 0 lets the system choose. Rejects with a sentence a person can act on.
 */
export async function launchBrowser({
  port = DEFAULT_PORT,
  profile = DEFAULT_PROFILE,
  guard,
  headless = !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY,
  extensionDir = EXTENSION_DIR,
  urls = [],
  env = process.env,
  timeoutMs = 20_000,
  attachTimeoutMs = 10_000,
} = {}) {
  if (guard !== undefined && !LAUNCH_GUARD_MODES.includes(guard)) {
    throw new Error(`--guard must be one of: ${LAUNCH_GUARD_MODES.join(', ')} (got "${guard}")`);
  }
  const extension = resolve(extensionDir);
  if (!existsSync(join(extension, 'manifest.json'))) {
    throw new Error(`no built extension in ${extension}: run "npm run build" first`);
  }
  if (port !== 0 && !(await portIsFree(port))) {
    throw new Error(`port ${port} on 127.0.0.1 is taken (another browser with remote debugging?): choose another with --port`);
  }
  mkdirSync(profile, { recursive: true });
  const portFile = join(profile, 'DevToolsActivePort');
  rmSync(portFile, { force: true }); // a stale one from a browser that crashed
  const child = spawn(
    await findChromium(),
    [
      ...BROWSER_FLAGS,
      ...extensionFlags(extension),
      ...(headless ? ['--headless'] : []),
      `--user-data-dir=${profile}`,
      `--remote-debugging-port=${port}`,
      '--remote-debugging-address=127.0.0.1',
      // A debugging port alone sets navigator.webdriver in every tab, the person's own too. The guard
      // sees a driven tab by its attached client; real mouse input needs --guard always.
      '--disable-blink-features=AutomationControlled',
      // The URLs open once the browser is up (open-urls.mjs): headless Chromium refuses several here.
      START_PAGE,
    ],
    { stdio: ['ignore', 'ignore', 'pipe'], detached: true, env },
  );
  let stderr = '';
  child.stderr.setEncoding('utf8');
  child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  let exitCode = null;
  const exited = new Promise((done) => child.once('exit', (code, signal) => done((exitCode = code ?? signal))));

  let channel = null;
  const close = async () => {
    await channel?.close();
    if (exitCode === null) {
      try {
        process.kill(-child.pid, 'SIGTERM'); // the whole process group: helpers too
      } catch {
        // already gone
      }
      await Promise.race([exited, sleep(5000)]);
    }
  };
  try {
    const deadline = Date.now() + timeoutMs;
    while (!(existsSync(portFile) && readFileSync(portFile, 'utf8').includes('\n'))) {
      if (exitCode !== null) {
        throw new Error(
          `Chromium exited (${exitCode}) before opening its DevTools endpoint. Is the profile ${profile} open in another browser?\n${stderr.trim()}`,
        );
      }
      if (Date.now() > deadline) throw new Error(`Chromium opened no DevTools endpoint within ${timeoutMs} ms\n${stderr.trim()}`);
      await sleep(25);
    }
    const actualPort = Number(readFileSync(portFile, 'utf8').split('\n')[0]);
    const endpoint = `http://127.0.0.1:${actualPort}`;
    const version = await (await fetch(`${endpoint}/json/version`)).json();
    const worker = await extensionWorker(endpoint, deadline);
    channel = await startAgentChannel(profile);
    const guardMode = await configureExtension(worker.webSocketDebuggerUrl, guard, channel, deadline);
    await openUrls(version.webSocketDebuggerUrl, urls, { timeoutMs: attachTimeoutMs });
    await checkAttach(version.webSocketDebuggerUrl, { timeoutMs: attachTimeoutMs });
    return {
      endpoint,
      port: actualPort,
      webSocketDebuggerUrl: version.webSocketDebuggerUrl,
      browserVersion: version.Browser,
      extensionId: new URL(worker.url).host,
      guardMode,
      profile,
      agentChannel: { url: channel.url, file: channel.file },
      child,
      exited,
      close,
    };
  } catch (error) {
    await close();
    throw error;
  }
}

async function portIsFree(port) {
  return new Promise((done) => {
    const probe = createServer();
    probe.once('error', () => done(false));
    probe.listen(port, '127.0.0.1', () => probe.close(() => done(true)));
  });
}

/** Countersign's service worker among the browser's targets (listed over HTTP, attaching nothing). */
async function extensionWorker(endpoint, deadline) {
  for (;;) {
    const targets = await (await fetch(`${endpoint}/json/list`)).json();
    const worker = targets.find((t) => t.type === 'service_worker' && t.url.endsWith('/background.js'));
    if (worker) return worker;
    if (Date.now() > deadline) throw new Error('Countersign did not start in the browser (no service worker)');
    await sleep(25);
  }
}

/**
 * Sets the guard mode and the agent's channel through the worker's own launch hook
 * (entrypoints/background.ts), before any agent connects, and returns the mode in force. Only
 * the worker's target is attached, briefly.
 */
async function configureExtension(webSocketUrl, guard, channel, deadline) {
  const worker = await openCdp(webSocketUrl, "could not reach Countersign's service worker over the DevTools protocol");
  const evaluate = (expression) => worker.send('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true });
  try {
    // The worker's target is listed before its script has run.
    while ((await evaluate("typeof countersignLaunch === 'function'")).result?.value !== true) {
      if (Date.now() > deadline) throw new Error("Countersign's service worker did not start");
      await sleep(25);
    }
    const connection = JSON.stringify({ url: channel.url, secret: channel.secret });
    const { result, exceptionDetails } = await evaluate(`countersignLaunch(${JSON.stringify(guard ?? null)}, ${connection})`);
    if (exceptionDetails || typeof result?.value !== 'string') {
      throw new Error(`could not set the guard mode: ${exceptionDetails?.exception?.description ?? 'no answer'}`);
    }
    return result.value;
  } finally {
    worker.close();
  }
}

/** How each client connects to the browser at `endpoint`: what the launcher prints and the README shows. */
export function clientSnippets(endpoint, profile = DEFAULT_PROFILE) {
  const address = new URL(endpoint).host;
  return [
    {
      client: 'Countersign (the agent asks, declares its task, reads decisions)',
      // `countersign mcp` finds the default profile by itself; another one is named.
      snippet: JSON.stringify(
        { mcpServers: { countersign: { command: 'npx', args: ['countersign', 'mcp', ...(profile === DEFAULT_PROFILE ? [] : ['--profile', profile])] } } },
        null,
        2,
      ),
    },
    {
      client: 'Playwright MCP',
      snippet: JSON.stringify(
        { mcpServers: { playwright: { command: 'npx', args: ['@playwright/mcp@latest', '--cdp-endpoint', endpoint] } } },
        null,
        2,
      ),
    },
    {
      client: 'chrome-devtools-mcp',
      snippet: JSON.stringify(
        { mcpServers: { 'chrome-devtools': { command: 'npx', args: ['chrome-devtools-mcp@latest', '--browserUrl', endpoint] } } },
        null,
        2,
      ),
    },
    { client: 'Playwright', snippet: `const browser = await chromium.connectOverCDP('${endpoint}');` },
    { client: 'Puppeteer', snippet: `const browser = await puppeteer.connect({ browserURL: '${endpoint}' });` },
    {
      client: 'Selenium (Python)',
      snippet: `options = webdriver.ChromeOptions()\noptions.debugger_address = "${address}"\ndriver = webdriver.Chrome(options=options)`,
    },
    {
      client: 'WebdriverIO',
      snippet: `const browser = await remote({\n  capabilities: { browserName: 'chrome', 'goog:chromeOptions': { debuggerAddress: '${address}' } },\n});`,
    },
    { client: 'browser-use', snippet: `browser = Browser(cdp_url="${endpoint}")` },
    {
      client: 'Stagehand',
      snippet: `const stagehand = new Stagehand({ env: 'LOCAL', localBrowserLaunchOptions: { cdpUrl: '${endpoint}' } });`,
    },
  ];
}
