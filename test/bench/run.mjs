// npm run bench [-- --json FILE]: what Countersign costs a page, how fast a held action reaches
// the person, and how the log scales. Local pages only; with and without the extension side
// by side in one run, interleaved, since these machines are noisy.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { gzipSync } from 'node:zlib';
import { chromium } from '@playwright/test';
import { startFixtureServer } from '../fixtures/server.mjs';
import { CONTENT_SCRIPT_BUDGET_GZ, contentScriptFiles, EXTENSION_DIR } from '../../scripts/content-scripts.mjs';
import { extensionFlags, findChromium, BROWSER_FLAGS } from '../../scripts/chromium.mjs';
import { heapSampler } from './heap-sampler.mjs';
import { browserCpuMs } from './process-cpu.mjs';
import { cardTimes, clickInvite, send } from './pages.mjs';
import { teamFailover, teamReview } from './team.mjs';
import { askPersonLatency } from './agent.mjs';
import { chainCostPerHeldActionUs, rewriteHistory } from './chain.mjs';

const jsonOut = process.argv.includes('--json') ? process.argv[process.argv.indexOf('--json') + 1] : null;
const LOAD_RUNS = 30;
/** An interquartile range wider than this share of the median makes a figure unreliable. */
const WIDE_SPREAD = 0.25;
const FLOOR_EXTENSION = resolve('test/bench/floor-extension');
/** The floor with the webRequest permission: Chromium then proxies every request of the profile. */
const OBSERVER_FLOOR_EXTENSION = resolve('test/bench/observer-floor-extension');
const EVENT_COUNT = 10_000;
const EVENT_RUNS = 5;
const LATENCY_ACTIONS = 60;
const QUESTIONS = 40;
const REQUEST_COUNT = 100;
const REQUEST_RUNS = 15;
const FETCH_DOMAIN_PROTOTYPE = resolve('test/bench/fetch-domain-prototype');
const FIRST_HOLDS = 30;
const HISTORY_SIZE = Number(process.env.BENCH_HISTORY_SIZE ?? 100_000);

const median = (values) => percentile(values, 50);
function percentile(values, p) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}
const round = (value, digits = 2) => Number(value.toFixed(digits));
const log = (line) => process.stderr.write(`[bench] ${line}\n`);

async function launch(extensions, extraArgs = []) {
  const dir = mkdtempSync(join(tmpdir(), 'countersign-bench-'));
  const context = await chromium.launchPersistentContext(dir, {
    executablePath: await findChromium(),
    headless: true,
    args: [...BROWSER_FLAGS, ...(extensions.length ? extensionFlags(...extensions) : []), ...extraArgs],
  });
  return { context, dir };
}

async function loadTime(page, url) {
  await page.goto(url, { waitUntil: 'load' });
  return page.evaluate(() => {
    const [navigation] = performance.getEntriesByType('navigation');
    return navigation.loadEventEnd - navigation.startTime;
  });
}

/** Median and interquartile range; `wide` when the spread makes the median a poor figure. */
function spread(values) {
  const [q1, mid, q3] = [25, 50, 75].map((p) => percentile(values, p));
  return { median: mid, q1, q3, iqr: q3 - q1, wide: mid > 0 && (q3 - q1) / mid > WIDE_SPREAD };
}

/** Rotates the order of the arms run by run, so none always goes first. */
function rotated(names, run) {
  return names.map((_, i) => names[(i + run) % names.length]);
}

/**
 * Load times per arm (Countersign, the request-observer floor, the content-script floor, no
 * extension), interleaved run by run, and each arm's browser CPU time per load (all its
 * processes, from /proc).
 */
async function pageLoads(pages, url, dirs) {
  const timings = Object.fromEntries(Object.keys(pages).map((name) => [name, []]));
  const cpuMs = Object.fromEntries(Object.keys(pages).map((name) => [name, 0]));
  for (const page of Object.values(pages)) await loadTime(page, url); // warm caches
  for (let run = 0; run < LOAD_RUNS; run++) {
    for (const name of rotated(Object.keys(pages), run)) {
      const before = browserCpuMs(dirs[name]);
      timings[name].push(await loadTime(pages[name], url));
      cpuMs[name] += browserCpuMs(dirs[name]) - before;
    }
  }
  const cpuPerLoad = Object.fromEntries(Object.entries(cpuMs).map(([name, total]) => [name, total / LOAD_RUNS]));
  return { ...loadFigures(timings), cpuPerLoad, cpuVsFloor: cpuPerLoad.with / cpuPerLoad.floor, cpuVsObserverFloor: cpuPerLoad.with / cpuPerLoad.observerFloor };
}

function loadFigures(timings) {
  const arms = Object.fromEntries(Object.entries(timings).map(([name, values]) => [name, spread(values)]));
  return {
    ratio: arms.with.median / arms.without.median,
    vsFloor: arms.with.median / arms.floor.median,
    vsObserverFloor: arms.with.median / arms.observerFloor.median,
    arms,
  };
}

/** Microseconds per benign event: a click on a tile, a key in a filter box, a tab. */
function dispatchBenign(count) {
  const tile = document.getElementById('tile');
  const query = document.getElementById('query');
  const tab = document.getElementById('tab');
  const start = performance.now();
  for (let i = 0; i < count; i++) {
    const which = i % 3;
    if (which === 0) tile.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, composed: true }));
    else if (which === 1) query.dispatchEvent(new KeyboardEvent('keydown', { key: 'a', bubbles: true, cancelable: true, composed: true }));
    else tab.dispatchEvent(new MouseEvent('click', { bubbles: true, cancelable: true, composed: true }));
  }
  return ((performance.now() - start) * 1000) / count;
}

async function benignOverhead(pages, url) {
  for (const page of Object.values(pages)) await page.goto(url);
  const perEvent = Object.fromEntries(Object.keys(pages).map((name) => [name, []]));
  for (let run = 0; run < EVENT_RUNS; run++) {
    for (const name of rotated(Object.keys(pages), run)) perEvent[name].push(await pages[name].evaluate(dispatchBenign, EVENT_COUNT));
  }
  const arms = Object.fromEntries(Object.entries(perEvent).map(([name, values]) => [name, spread(values)]));
  return { overheadUs: arms.with.median - arms.without.median, vsFloorUs: arms.with.median - arms.floor.median, arms };
}

/** Runs one of the bench page's own measurements (`/bench/requests.html`) and returns its result. */
async function pageRun(page, name, ...args) {
  await page.evaluate(([fn, rest]) => void window[fn](...rest), [name, args]);
  await page.waitForFunction(() => window.benchResult !== undefined, null, { timeout: 60_000 });
  return page.evaluate(() => window.benchResult);
}

/**
 * Microseconds per benign `fetch` POST right after a click on "Add to cart", awaited one by one:
 * the in-page hook asks the content script about each (the click is within the cause window)
 * and lets it go, and the background observes it.
 */
async function benignFetches(page, count) {
  await page.evaluate(() => document.getElementById('cart').click());
  return pageRun(page, 'pageFetches', count);
}

const ATTRIBUTION_RUNS = 15;
const ATTRIBUTION_COUNT = 2000;

/**
 * Two ways to tell a client's evaluated script from the page's own code, side by side. Reading
 * the call stack (what the hook does) costs each state-changing request: µs per page beacon,
 * with minus without. Tagging every task the page schedules (`/bench/task-tagging.js`) costs
 * every callback the page runs instead: µs per promise callback, tagged minus plain; and it
 * loses the tag across a native `await`, which the last figure checks.
 */
async function attributionCost(withPage, withoutPage, taggingPage, url) {
  await withPage.goto(url);
  await withoutPage.goto(url);
  await taggingPage.goto(`${url}?prototype=task-tagging`);
  const beacons = { with: [], without: [] };
  const callbacks = { tagged: [], plain: [] };
  for (let run = 0; run < ATTRIBUTION_RUNS; run++) {
    beacons.with.push(await pageRun(withPage, 'pageBeacons', ATTRIBUTION_COUNT));
    beacons.without.push(await pageRun(withoutPage, 'pageBeacons', ATTRIBUTION_COUNT));
    callbacks.tagged.push(await pageRun(taggingPage, 'pageCallbacks', ATTRIBUTION_COUNT * 10));
    callbacks.plain.push(await pageRun(withoutPage, 'pageCallbacks', ATTRIBUTION_COUNT * 10));
  }
  return {
    stackPerRequestUs: median(beacons.with) - median(beacons.without),
    taggingPerCallbackUs: median(callbacks.tagged) - median(callbacks.plain),
    taggingKeepsPageAfterAwait: (await pageRun(taggingPage, 'pageAwaitTag')) === 'page',
    us: { beaconWith: median(beacons.with), beaconWithout: median(beacons.without), callbackTagged: median(callbacks.tagged), callbackPlain: median(callbacks.plain) },
  };
}

const TOOL_CALLS = 50;
const TOOL_RUNS = 9;

/**
 * µs per call of a read-only WebMCP tool through the page's registry, with minus without: with
 * Countersign the call goes to the background (which logs it as let through on the page's
 * claim) before the tool runs.
 */
async function readOnlyToolCost(withPage, withoutPage, url) {
  await withPage.goto(url);
  await withoutPage.goto(url);
  const calls = { with: [], without: [] };
  for (let run = 0; run < TOOL_RUNS; run++) {
    calls.with.push(await pageRun(withPage, 'pageToolCalls', TOOL_CALLS));
    calls.without.push(await pageRun(withoutPage, 'pageToolCalls', TOOL_CALLS));
  }
  return { overheadUs: median(calls.with) - median(calls.without), us: { with: median(calls.with), without: median(calls.without) } };
}

/** Our hooks, no extension, and the debugger Fetch-domain prototype, interleaved run by run. */
async function requestOverhead(pages, url) {
  const perFetch = Object.fromEntries(Object.keys(pages).map((name) => [name, []]));
  for (const page of Object.values(pages)) await page.goto(url);
  await pages.fetchDomain.waitForFunction(() => document.documentElement.dataset.fetchDomain === 'paused');
  for (const page of Object.values(pages)) await benignFetches(page, 20); // warm connections
  for (let run = 0; run < REQUEST_RUNS; run++) {
    const names = Object.keys(pages);
    for (const name of run % 2 ? names : names.reverse()) perFetch[name].push(await benignFetches(pages[name], REQUEST_COUNT));
  }
  const us = Object.fromEntries(Object.entries(perFetch).map(([name, values]) => [name, median(values)]));
  return { overheadUs: us.with - us.without, vsObserverFloorUs: us.with - us.observerFloor, fetchDomainOverheadUs: us.fetchDomain - us.without, us };
}

const sleep = (ms) => new Promise((done) => setTimeout(done, ms));
const PERSON_CLICKS = 30;
/** How long a headful launch may take to request its page before it is started again, and how often. */
const LAUNCH_SHOWS_REQUEST_MS = 5000;
const LAUNCH_ATTEMPTS = 3;
/** The URLs of launches that showed no request and were started again, printed with the figures. */
const relaunches = [];

/**
 * Runs `work` with an X display (Xvfb) and a launcher for headful Chromium windows on it: real
 * X input, no DevTools client, as a person's own browser. Null when Xvfb or xdotool is missing.
 */
async function withXvfb(work) {
  const missing = ['Xvfb', 'xdotool'].filter((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status !== 0);
  if (missing.length) return { missing };
  const display = `:${90 + (process.pid % 9)}`;
  const env = { ...process.env, DISPLAY: display };
  const xvfb = spawn('Xvfb', [display, '-screen', '0', '1024x768x24', '-nolisten', 'tcp'], { stdio: 'ignore' });
  const browsers = [];
  const launchOnce = async (extensions, url) => {
    const dir = mkdtempSync(join(tmpdir(), 'countersign-bench-x-'));
    const flags = extensions.length ? extensionFlags(...extensions) : [];
    const browser = spawn(await findChromium(), [...BROWSER_FLAGS, `--user-data-dir=${dir}`, ...flags, '--window-position=0,0', '--window-size=1024,768', `--app=${url}`], { env, stdio: 'ignore' });
    const launched = { browser, dir };
    browsers.push(launched);
    return launched;
  };
  /**
   * Opens `url` in a new headful browser and waits until `requestedSince(time)` says the page
   * asked for something since the launch; returns that launch's time. A headful Chromium
   * started with --app sometimes never requests its URL at all: such a launch is killed and
   * started again, and counted in `relaunches`.
   */
  const open = async (extensions, url, requestedSince) => {
    for (let attempt = 0; ; attempt++) {
      const launchedAt = Date.now();
      const started = () => requestedSince(launchedAt);
      const launched = await launchOnce(extensions, url);
      const deadline = Date.now() + LAUNCH_SHOWS_REQUEST_MS;
      while (!started() && Date.now() < deadline) await sleep(50);
      if (started()) return launchedAt;
      if (attempt === LAUNCH_ATTEMPTS - 1) throw new Error(`a browser under Xvfb ${display} requested nothing within ${LAUNCH_SHOWS_REQUEST_MS} ms, ${LAUNCH_ATTEMPTS} launches in a row (${url})`);
      relaunches.push(url);
      browsers.splice(browsers.indexOf(launched), 1);
      launched.browser.kill('SIGKILL');
      rmSync(launched.dir, { recursive: true, force: true, maxRetries: 5 });
    }
  };
  const closeAll = async () => {
    for (const { browser } of browsers.splice(0)) browser.kill();
    await sleep(300);
  };
  try {
    await sleep(500);
    return await work({ open, closeAll, env, display });
  } finally {
    await closeAll();
    xvfb.kill();
  }
}

async function until(check, what, ms = 60_000) {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`gave up waiting for ${typeof what === 'function' ? what() : what}`);
    await sleep(100);
  }
}

/**
 * A person's own click on "Send report" in a tab nothing drives: the hold-while-checking runs
 * and releases. Milliseconds from the press to the page's click handler, with the extension and without.
 */
function personClicks(server, extensionDir) {
  return withXvfb(async ({ open, closeAll, env }) => {
    const runs = {};
    for (const [name, extensions] of [['with', [extensionDir]], ['without', []]]) {
      // A query, so the server records the load.
      await open(extensions, `${server.origin}/bench/person.html?run=${name}`, (since) => server.requests.some((r) => r.path === '/bench/person.html' && r.at >= since));
      await sleep(1500); // the extension's worker and content scripts settle
      const from = server.requests.length;
      for (let i = 0; i < PERSON_CLICKS; i++) {
        spawnSync('xdotool', ['mousemove', '512', '400', 'click', '1'], { env });
        await sleep(250);
      }
      await sleep(500);
      runs[name] = server.requests.slice(from).filter((r) => r.path === '/bench/person-click').map((r) => Number(new URLSearchParams(r.query).get('ms')));
      await closeAll();
    }
    return runs;
  });
}

/** Blocks of loads per arm in an unguarded tab, the loads of each, and the loads that warm each block up. */
const UNGUARDED_BLOCKS = 8;
const UNGUARDED_PER_BLOCK = 10;
const UNGUARDED_WARMUP = 2;

/**
 * The store page in a tab nothing drives (a person's own browsing): a headful browser under
 * Xvfb per arm, the page reloading itself and reporting each load. One browser runs at a time,
 * in blocks of loads with the arms' order rotated block by block, so the arms never compete
 * for the cores. Besides each arm's loads pooled, Countersign's ratio to each floor is taken
 * block by block (arms of one block run within seconds of each other), which keeps the
 * machine's drift over minutes out of it.
 */
function unguardedLoads(server, arms) {
  return withXvfb(async ({ open, closeAll }) => {
    const timings = Object.fromEntries(Object.keys(arms).map((name) => [name, []]));
    const blockMedians = [];
    for (let block = 0; block < UNGUARDED_BLOCKS; block++) {
      const medians = {};
      for (const name of rotated(Object.keys(arms), block)) {
        const last = UNGUARDED_PER_BLOCK + UNGUARDED_WARMUP - 1;
        const startedAt = await open(arms[name], `${server.origin}/shop/checkout.html?report-load&arm=${name}&of=${last}&n=0`, (since) =>
          server.requests.some((r) => r.path === '/shop/checkout.html' && r.at >= since && new URLSearchParams(r.query).get('arm') === name),
        );
        const reports = () =>
          server.requests.filter((r) => r.path === '/bench/load-report' && r.at >= startedAt).map((r) => new URLSearchParams(r.query)).filter((q) => q.get('arm') === name);
        await until(() => reports().length > last, () => `the unguarded page loads (${name}, block ${block}): ${reports().length} of ${last + 1} reported; the server's last requests: ${lastRequests(server, startedAt)}`, 120_000);
        const measured = reports().filter((q) => Number(q.get('n')) >= UNGUARDED_WARMUP).map((q) => Number(q.get('ms')));
        timings[name].push(...measured);
        medians[name] = median(measured);
        await closeAll();
      }
      blockMedians.push(medians);
    }
    const perBlock = (floor) => spread(blockMedians.map((medians) => medians.with / medians[floor]));
    return { ...loadFigures(timings), vsFloorByBlock: perBlock('floor'), vsObserverFloorByBlock: perBlock('observerFloor') };
  });
}

function lastRequests(server, since) {
  return server.requests.filter((r) => r.at >= since).slice(-5).map((r) => `${r.method} ${r.path}${r.query}`).join(', ') || 'none';
}

/**
 * From the agent's click to the card drawn in the open panel, and to its Approve enabled (the
 * debugger check and the evaluation done; the bench sets the dwell to 0, so nothing is subtracted).
 */
async function interceptToCard(agent, panel, origin) {
  await agent.goto(`${origin}/cases/role-button.html`);
  const toCard = [];
  const toApprovable = [];
  for (let i = 0; i < LATENCY_ACTIONS; i++) {
    const label = `Send report ${i}`;
    const seen = cardTimes(panel, label, { approvable: true });
    const clickedAt = await clickInvite(agent, label);
    const times = await seen;
    toCard.push(times.card - clickedAt);
    toApprovable.push(times.approvable - clickedAt);
    const { actions } = await send(panel, { type: 'queue' });
    for (const action of actions) await send(panel, { type: 'decide', id: action.id, verdict: 'reject' });
  }
  return { toCard, toApprovable };
}

/**
 * A frame's first hold: the page freshly loaded, so the describer is injected before the card
 * can be made (every later hold in the frame finds it loaded).
 */
async function firstHoldToCard(agent, panel, origin) {
  const toCard = [];
  for (let i = 0; i < FIRST_HOLDS; i++) {
    await agent.goto(`${origin}/cases/role-button.html?first=${i}`);
    const label = `Send first report ${i}.`;
    const seen = cardTimes(panel, label);
    const clickedAt = await clickInvite(agent, label);
    toCard.push((await seen).card - clickedAt);
    const { actions } = await send(panel, { type: 'queue' });
    for (const action of actions) await send(panel, { type: 'decide', id: action.id, verdict: 'reject' });
  }
  return toCard;
}

/** From the Approve click in the panel to the local server receiving the request. */
async function approveToRequest(agent, panel, server) {
  await agent.goto(`${server.origin}/bench/actions.html`);
  const latencies = [];
  for (let i = 0; i < LATENCY_ACTIONS; i++) {
    await agent.evaluate((value) => {
      document.getElementById('value').value = value;
      document.getElementById('save').requestSubmit();
    }, `v${i}`);
    await panel.locator('article .decide button.approve:not([disabled])').first().waitFor();
    const before = server.requests.length;
    const clickedAt = await panel.evaluate(() => {
      const at = Date.now();
      document.querySelector('article .decide button.approve').click();
      return at;
    });
    const deadline = Date.now() + 5000;
    while (server.requests.length === before && Date.now() < deadline) await new Promise((done) => setTimeout(done, 2));
    const request = server.requests.at(-1);
    latencies.push(request.at - clickedAt);
    await panel.locator('article').first().waitFor({ state: 'detached' });
  }
  return latencies;
}

/** 200 consequential actions from 20 tabs within 10 seconds: how many reached the queue. */
async function burst(context, panel, origin) {
  const tabs = await Promise.all(Array.from({ length: 20 }, () => context.newPage()));
  await Promise.all(tabs.map((tab) => tab.goto(`${origin}/bench/actions.html`)));
  const startedAt = Date.now();
  await Promise.all(
    tabs.map((tab, t) =>
      tab.evaluate(async (tabIndex) => {
        for (let i = 0; i < 10; i++) {
          document.getElementById('value').value = `burst-${tabIndex}-${i}`;
          document.getElementById('save').requestSubmit();
          await new Promise((done) => setTimeout(done, 20));
        }
      }, t),
    ),
  );
  const firedWithinMs = Date.now() - startedAt;
  const count = () =>
    panel.evaluate(async (since) => {
      const db = await new Promise((done) => {
        const open = indexedDB.open('countersign');
        open.onsuccess = () => done(open.result);
      });
      const n = await new Promise((done) => {
        const request = db.transaction('actions').objectStore('actions').index('byCreated').count(IDBKeyRange.lowerBound(since));
        request.onsuccess = () => done(request.result);
      });
      db.close();
      return n;
    }, startedAt);
  const deadline = Date.now() + 15_000;
  let reached = await count();
  while (reached < 200 && Date.now() < deadline) {
    await new Promise((done) => setTimeout(done, 200));
    reached = await count();
  }
  await Promise.all(tabs.map((tab) => tab.close()));
  return { reached, firedWithinMs };
}

/** 100,000 decided actions written straight into the extension's database. */
function seedHistory(total) {
  const kinds = ['purchase', 'send', 'submit'];
  const outcomes = [
    ['approved', 'person', 'approved'],
    ['rejected', 'person', 'rejected'],
    ['approved', 'rule', 'allowed-by-rule'],
    ['rejected', 'timeout', 'timeout'],
  ];
  return new Promise((done, fail) => {
    const open = indexedDB.open('countersign');
    open.onerror = () => fail(open.error);
    open.onsuccess = async () => {
      const db = open.result;
      const start = Date.now() - total * 1000;
      for (let batch = 0; batch < total; batch += 5000) {
        await new Promise((written) => {
          const tx = db.transaction('actions', 'readwrite');
          const store = tx.objectStore('actions');
          for (let i = batch; i < Math.min(total, batch + 5000); i++) {
            const site = `https://site${i % 50}.example`;
            const kind = kinds[i % 3];
            const [status, decidedBy, outcome] = outcomes[i % 4];
            store.put({
              id: `seed-${i}`,
              kind,
              trigger: 'click',
              label: `${kind} number ${i}`,
              frameUrl: `${site}/page/${i}`,
              frameTitle: `Page ${i}`,
              fields: [{ name: 'note', label: 'Note', type: 'text', value: `value ${i}, "quoted"` }],
              signals: ['webdriver'],
              heldAt: start + i * 1000,
              tabId: 100000 + i,
              frameId: 0,
              tabUrl: `${site}/page/${i}`,
              tabTitle: `Page ${i}`,
              site,
              status,
              decidedBy,
              createdAt: start + i * 1000,
              decidedAt: start + i * 1000 + 800,
              risks: [],
              outcome,
              words: [kind, 'number', String(i), `site${i % 50}`, 'example', 'page'],
            });
          }
          tx.oncomplete = written;
        });
      }
      db.close();
      done();
    };
  });
}

/** Every record read once, newest first, a batch at a time, and nothing else: the floor an export stands on. */
async function readAllRecords() {
  const db = await new Promise((opened) => {
    const open = indexedDB.open('countersign');
    open.onsuccess = () => opened(open.result);
  });
  const got = (request) => new Promise((done) => (request.onsuccess = () => done(request.result)));
  const start = performance.now();
  let below = null;
  for (;;) {
    const index = db.transaction('actions').objectStore('actions').index('byCreated');
    const records = await got(index.getAllRecords({ query: below === null ? null : IDBKeyRange.upperBound(below, true), count: 500, direction: 'prev' }));
    for (const record of records) if (!record.value.id) throw new Error('a record without an id');
    if (records.length < 500) break;
    below = records.at(-1).key;
  }
  db.close();
  return performance.now() - start;
}

/** Clicks Export and waits for the panel to say it is done; the download is checked by the caller. */
async function exportClick() {
  const button = [...document.querySelectorAll('button')].find((candidate) => candidate.textContent === 'Export');
  const status = () => document.querySelector('.export .note')?.textContent ?? '';
  const waitFor = async (check) => {
    const until = performance.now() + 60_000;
    while (!check()) {
      if (performance.now() > until) throw new Error(`export never finished: ${status()}`);
      await new Promise((r) => setTimeout(r, 4));
    }
  };
  const start = performance.now();
  button.click();
  await waitFor(() => button.disabled); // the last export's note is gone with it
  await waitFor(() => /Exported [\d,]+ actions/.test(status()));
  return performance.now() - start;
}

const EXPORT_FORMATS = ['csv', 'ndjson', 'json'];
const EXPORT_ROUNDS = 5;

/** Rows in a downloaded export, by its format's own reading. */
function rowsIn(format, text) {
  if (format === 'csv') return text.split('\r\n').length - 2;
  if (format === 'ndjson') return text.split('\n').length - 2; // the header line, and the last newline
  return JSON.parse(text).actions.length;
}

async function exportAndCheck(panel, format) {
  await panel.selectOption('select[aria-label="Export format"]', format);
  const download = panel.waitForEvent('download', { timeout: 120_000 });
  const ms = await panel.evaluate(exportClick);
  const rows = rowsIn(format, readFileSync(await (await download).path(), 'utf8'));
  if (rows !== HISTORY_SIZE) throw new Error(`a ${format} export held ${rows} rows, not ${HISTORY_SIZE}`);
  return ms;
}

/**
 * Exports of each format, rounds interleaved with a plain read of every record (the floor),
 * first on a quiet machine and then beside a CPU-bound process.
 */
async function exportsAndReads(panel, dir) {
  const quiet = Object.fromEntries([...EXPORT_FORMATS, 'read'].map((name) => [name, []]));
  const busy = Object.fromEntries(EXPORT_FORMATS.map((name) => [name, []]));
  const heap = await heapSampler(dir, panel.url());
  for (let round = 0; round < EXPORT_ROUNDS; round++) {
    quiet.read.push(await panel.evaluate(readAllRecords));
    for (const format of rotated(EXPORT_FORMATS, round)) quiet[format].push(await exportAndCheck(panel, format));
  }
  const spinner = spawn(process.execPath, ['-e', 'for (;;) {}'], { stdio: 'ignore' });
  try {
    for (let round = 0; round < EXPORT_ROUNDS; round++) {
      for (const format of rotated(EXPORT_FORMATS, round)) busy[format].push(await exportAndCheck(panel, format));
    }
  } finally {
    spinner.kill();
  }
  const peakHeapMb = await heap.stop();
  const spreads = (runs) => Object.fromEntries(Object.entries(runs).map(([name, values]) => [name, spread(values)]));
  return { quiet: spreads(quiet), busy: spreads(busy), peakHeapMb };
}

async function history100k(panel, dir) {
  await panel.evaluate(seedHistory, HISTORY_SIZE);
  await panel.bringToFront();
  await panel.reload();
  // Extension pages forbid eval, so each measured step carries its own frame-by-frame wait.
  const timed = (script) => panel.evaluate(script, HISTORY_SIZE);

  const firstPageMs = await timed(async () => {
    const waitFor = async (check) => { const until = performance.now() + 60_000; while (!check()) { if (performance.now() > until) throw new Error(`gave up waiting; status: ${document.querySelector('[aria-label="Matching actions"]')?.textContent}; row: ${document.querySelector('[role=row][aria-rowindex="2"]')?.textContent}`); await new Promise((r) => setTimeout(r, 4)); } };
    const start = performance.now();
    [...document.querySelectorAll('[role=tab]')].find((tab) => tab.textContent === 'History').click();
    await waitFor(() => {
      const cell = document.querySelector('[role=row][aria-rowindex="2"] [role=cell]');
      return cell && cell.textContent !== '…';
    });
    return performance.now() - start;
  });

  const filterMs = await timed(async (total) => {
    const waitFor = async (check) => { const until = performance.now() + 60_000; while (!check()) { if (performance.now() > until) throw new Error(`gave up waiting; status: ${document.querySelector('[aria-label="Matching actions"]')?.textContent}; row: ${document.querySelector('[role=row][aria-rowindex="2"]')?.textContent}`); await new Promise((r) => setTimeout(r, 4)); } };
    const select = document.querySelector('select[aria-label=Site]');
    await waitFor(() => [...select.options].some((option) => option.value === 'https://site7.example'));
    const start = performance.now();
    select.value = 'https://site7.example';
    select.dispatchEvent(new Event('change', { bubbles: true }));
    await waitFor(() => {
      const status = document.querySelector('[aria-label="Matching actions"]')?.textContent ?? '';
      const cells = document.querySelectorAll('[role=row][aria-rowindex="2"] [role=cell]');
      return status.startsWith(`${(total / 50).toLocaleString()} `) && cells[1]?.textContent === 'https://site7.example';
    });
    return performance.now() - start;
  });
  log(`first page ${Math.round(firstPageMs)} ms, filter ${Math.round(filterMs)} ms`);

  await panel.selectOption('select[aria-label=Site]', '');
  await expectText(panel, '[aria-label="Matching actions"]', HISTORY_SIZE.toLocaleString());
  const figures = await exportsAndReads(panel, dir);
  return { firstPageMs, filterMs, ...figures, chained: await chainedExports(panel) };
}

const CHAINED_FORMATS = ['ndjson', 'json'];

/**
 * The chain's share of an export: the same history rewritten as it is, then with three chain
 * links on every record, each exported alike (rounds of both kept apart by the rewrite between).
 */
async function chainedExports(panel) {
  const exportsOf = async () => {
    const runs = Object.fromEntries(CHAINED_FORMATS.map((format) => [format, []]));
    for (let round = 0; round < EXPORT_ROUNDS; round++) {
      for (const format of rotated(CHAINED_FORMATS, round)) runs[format].push(await exportAndCheck(panel, format));
    }
    return runs;
  };
  log('the same 100k rewritten as they are, then with their hash-chain links: NDJSON and JSON');
  await panel.evaluate(rewriteHistory, false);
  const plain = await exportsOf();
  await panel.evaluate(rewriteHistory, true);
  const chained = await exportsOf();
  return Object.fromEntries(
    CHAINED_FORMATS.map((format) => [format, { plain: median(plain[format]), chained: median(chained[format]), ratio: median(chained[format]) / median(plain[format]) }]),
  );
}

async function expectText(page, selector, start) {
  // Not waitForFunction: extension pages forbid the eval it polls with.
  await page.locator(selector).filter({ hasText: new RegExp(`^${start}`) }).waitFor({ timeout: 60_000 });
}

const LAUNCHER_RUNS = 7;

/**
 * `npm run browser` from a fresh profile to its printed endpoint: the command a person types,
 * spawned as they would, each run in a new profile folder. Milliseconds per run.
 */
async function launcherColdStarts() {
  const times = [];
  for (let run = 0; run < LAUNCHER_RUNS; run++) {
    const profile = mkdtempSync(join(tmpdir(), 'countersign-bench-launch-'));
    const started = performance.now();
    const child = spawn(process.execPath, ['scripts/countersign.mjs', 'browser', '--headless', '--json', '--port', '0', '--profile', profile], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const exited = new Promise((done) => child.once('exit', done));
    await new Promise((done, fail) => {
      child.stdout.once('data', done);
      child.once('exit', (code) => fail(new Error(`the launcher exited (${code}) before printing its endpoint`)));
    });
    times.push(performance.now() - started);
    child.kill('SIGINT');
    await exited;
    rmSync(profile, { recursive: true, force: true, maxRetries: 5 });
  }
  return times;
}

/** `--only loads,history`: a subset of the sections, for working on one figure. */
const SECTIONS = ['loads', 'unguarded', 'requests', 'person', 'latency', 'agent', 'chain', 'team', 'history', 'launcher'];
const only = process.argv.includes('--only') ? process.argv[process.argv.indexOf('--only') + 1].split(',') : SECTIONS;
for (const name of only) if (!SECTIONS.includes(name)) throw new Error(`--only: no section "${name}" (sections: ${SECTIONS.join(', ')})`);
const runs = (section) => only.includes(section);
/** Sections that threw, with why: the others' figures are still printed and written. */
const failedSections = {};

/** Runs one section when asked for; a failure is reported and does not lose the other sections. */
async function section(name, work) {
  if (!runs(name)) return;
  try {
    await work();
  } catch (error) {
    failedSections[name] = error instanceof Error ? error.message : String(error);
    log(`section "${name}" FAILED: ${failedSections[name]}`);
    if (process.env.BENCH_DEBUG) console.error(error);
  }
}

const spreadText = ({ median: mid, q1, q3, wide }) => `${round(mid)} [${round(q1)}–${round(q3)}]${wide ? ' WIDE' : ''}`;
/** Ratios taken block by block: the median and quartiles over the blocks. */
const ratioText = ({ median: mid, q1, q3 }) => `${round(mid, 3)} [${round(q1, 3)}–${round(q3, 3)}] over ${UNGUARDED_BLOCKS} blocks`;

async function main() {
  const server = await startFixtureServer();
  const withExtension = await launch([resolve(EXTENSION_DIR)], ['--remote-debugging-port=0']);
  const floor = await launch([FLOOR_EXTENSION]);
  const observerFloor = await launch([OBSERVER_FLOOR_EXTENSION]);
  const without = await launch([]);
  const worker = withExtension.context.serviceWorkers()[0] ?? (await withExtension.context.waitForEvent('serviceworker'));
  const extensionId = new URL(worker.url()).host;
  const results = {};
  const details = { machine: `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB` };
  try {
    const agentWith = await withExtension.context.newPage();
    const agentWithout = await without.context.newPage();

    await section('loads', async () => {
      const arms = { with: agentWith, observerFloor: await observerFloor.context.newPage(), floor: await floor.context.newPage(), without: agentWithout };
      log(`page load (${LOAD_RUNS} per arm): store page and heavy page, under automation`);
      const dirs = { with: withExtension.dir, observerFloor: observerFloor.dir, floor: floor.dir, without: without.dir };
      const store = await pageLoads(arms, `${server.origin}/shop/checkout.html`, dirs);
      const heavy = await pageLoads(arms, `${server.origin}/bench/heavy.html`, dirs);
      log('benign events');
      const events = await benignOverhead(arms, `${server.origin}/bench/events.html`);
      Object.assign(results, {
        pageLoadOverheadRatio: round(Math.max(store.ratio, heavy.ratio), 3),
        pageLoadOverheadRatioStore: round(store.ratio, 3),
        pageLoadOverheadRatioHeavy: round(heavy.ratio, 3),
        pageLoadOverheadVsFloor: round(Math.max(store.vsFloor, heavy.vsFloor), 3),
        pageLoadOverheadVsFloorStore: round(store.vsFloor, 3),
        pageLoadOverheadVsFloorHeavy: round(heavy.vsFloor, 3),
        pageLoadOverheadVsObserverFloorStore: round(store.vsObserverFloor, 3),
        pageLoadOverheadVsObserverFloorHeavy: round(heavy.vsObserverFloor, 3),
        pageLoadCpuVsFloorStore: round(store.cpuVsFloor, 3),
        pageLoadCpuVsFloorHeavy: round(heavy.cpuVsFloor, 3),
        pageLoadCpuVsObserverFloorStore: round(store.cpuVsObserverFloor, 3),
        pageLoadCpuVsObserverFloorHeavy: round(heavy.cpuVsObserverFloor, 3),
        benignEventOverheadUs: round(events.overheadUs),
        benignEventOverheadUsVsFloor: round(events.vsFloorUs),
      });
      const cpuText = (figures) => Object.fromEntries(Object.entries(figures.cpuPerLoad).map(([name, ms]) => [name, round(ms, 1)]));
      Object.assign(details, {
        storePageMs: armsText(store.arms),
        heavyPageMs: armsText(heavy.arms),
        storePageCpuMsPerLoad: cpuText(store),
        heavyPageCpuMsPerLoad: cpuText(heavy),
        benignEventUs: armsText(events.arms),
      });
    });
    await floor.context.close();

    await section('unguarded', async () => {
      log('page load in an unguarded tab (Xvfb, no automation)');
      const unguarded = await unguardedLoads(server, { with: [resolve(EXTENSION_DIR)], observerFloor: [OBSERVER_FLOOR_EXTENSION], floor: [FLOOR_EXTENSION], without: [] });
      if (unguarded.missing) log(`not measured: ${unguarded.missing.join(' and ')} missing (apt-get install xvfb xdotool)`);
      const vsFloor = unguarded.vsFloorByBlock?.median;
      results.pageLoadOverheadVsFloorUnguarded = unguarded.missing ? null : round(vsFloor, 3);
      results.pageLoadOverheadVsObserverFloorUnguarded = unguarded.missing ? null : round(unguarded.vsObserverFloorByBlock.median, 3);
      if (!unguarded.missing) results.pageLoadOverheadVsFloor = round(Math.max(results.pageLoadOverheadVsFloor ?? 0, vsFloor), 3);
      if (!unguarded.missing) {
        details.unguardedStorePageMs = armsText(unguarded.arms);
        details.unguardedVsFloorByBlock = ratioText(unguarded.vsFloorByBlock);
        details.unguardedVsObserverFloorByBlock = ratioText(unguarded.vsObserverFloorByBlock);
      }
    });

    await section('requests', async () => {
      log('benign requests: our in-page hooks, none, and the debugger Fetch-domain prototype');
      const fetchDomain = await launch([FETCH_DOMAIN_PROTOTYPE]);
      const requests = await requestOverhead(
        {
          with: agentWith,
          without: agentWithout,
          observerFloor: await observerFloor.context.newPage(),
          fetchDomain: await fetchDomain.context.newPage(),
        },
        `${server.origin}/bench/requests.html`,
      );
      await fetchDomain.context.close();
      rmSync(fetchDomain.dir, { recursive: true, force: true, maxRetries: 5 });
      results.requestHoldOverheadUs = round(requests.overheadUs, 0);
      results.requestHoldOverheadVsObserverFloorUs = round(requests.vsObserverFloorUs, 0);
      const attribution = await attributionCost(agentWith, agentWithout, await without.context.newPage(), `${server.origin}/bench/requests.html`);
      results.requestAttributionUs = round(attribution.stackPerRequestUs, 1);
      results.taskTaggingPerCallbackUs = round(attribution.taggingPerCallbackUs, 2);
      results.taskTaggingKeepsPageAfterAwait = attribution.taggingKeepsPageAfterAwait;
      details.attributionUs = Object.fromEntries(Object.entries(attribution.us).map(([name, value]) => [name, round(value, 2)]));
      results.requestHoldOverheadUsFetchDomain = round(requests.fetchDomainOverheadUs, 0);
      details.benignFetchUs = Object.fromEntries(Object.entries(requests.us).map(([name, value]) => [name, round(value, 0)]));
      const tools = await readOnlyToolCost(agentWith, agentWithout, `${server.origin}/bench/requests.html`);
      results.readOnlyToolCallOverheadUs = round(tools.overheadUs, 0);
      details.readOnlyToolCallUs = Object.fromEntries(Object.entries(tools.us).map(([name, value]) => [name, round(value, 0)]));
    });

    await section('person', async () => {
      log('a person\'s click in an unguarded tab (Xvfb, xdotool)');
      const person = await personClicks(server, resolve(EXTENSION_DIR));
      if (person.missing) log(`not measured: ${person.missing.join(' and ')} missing (apt-get install xvfb xdotool)`);
      Object.assign(results, {
        personHoldCheckMsP50: person.with ? round(percentile(person.with, 50) - percentile(person.without, 50)) : null,
        personHoldCheckMsP95: person.with ? round(percentile(person.with, 95) - percentile(person.without, 50)) : null,
        personClicksReleased: person.with ? person.with.length : null,
      });
      details.personClickMs = person.with ? { with: median(person.with), without: median(person.without) } : 'not measured';
    });

    const panel = await withExtension.context.newPage();
    await panel.goto(`chrome-extension://${extensionId}/sidepanel.html`);
    // Reflex-speed clicking is the point of these measurements: no dwell, no fatigue pause.
    await send(panel, { type: 'set-settings', settings: { dwellMs: 0, fatigueCount: 10_000, floodLimit: 10_000 } });
    await section('latency', async () => {
      log('intercept to card');
      const { toCard, toApprovable } = await interceptToCard(agentWith, panel, server.origin);
      log('approve to request');
      const toRequest = await approveToRequest(agentWith, panel, server);
      log('burst of 200 actions from 20 tabs');
      const storm = await burst(withExtension.context, panel, server.origin);
      const { actions } = await send(panel, { type: 'queue' });
      for (const action of actions) await send(panel, { type: 'decide', id: action.id, verdict: 'reject' });
      await send(panel, { type: 'resume-tab', tabId: -1 }).catch(() => undefined);
      Object.assign(results, {
        interceptToCardMsP50: percentile(toCard, 50),
        interceptToCardMsP95: percentile(toCard, 95),
        holdToApprovableMsP50: percentile(toApprovable, 50),
        holdToApprovableMsP95: percentile(toApprovable, 95),
        approveToRequestMsP50: percentile(toRequest, 50),
        approveToRequestMsP95: percentile(toRequest, 95),
        burstActions: storm.reached,
        burstLost: 200 - storm.reached,
      });
      details.burstFiredWithinMs = storm.firedWithinMs;
      log('a frame\'s first hold, the describer injected then');
      const firstHolds = await firstHoldToCard(agentWith, panel, server.origin);
      results.firstHoldToCardMsP50 = percentile(firstHolds, 50);
      results.firstHoldToCardMsP95 = percentile(firstHolds, 95);
    });

    await section('agent', async () => {
      log(`ask_person to the card, and the answer's click to ask_person returning (${QUESTIONS} questions)`);
      const { toCard, toReturn } = await askPersonLatency({ context: withExtension.context, panel, profile: withExtension.dir, count: QUESTIONS });
      Object.assign(results, {
        askToCardMsP50: percentile(toCard, 50),
        askToCardMsP95: percentile(toCard, 95),
        answerToReturnMsP50: percentile(toReturn, 50),
        answerToReturnMsP95: percentile(toReturn, 95),
      });
    });

    await section('chain', async () => {
      log('the hash chain on the hold path: the links a held action\'s writes add');
      results.chainCostPerHeldActionUs = round(await chainCostPerHeldActionUs(), 1);
    });

    await section('team', async () => {
      log('team review: held in one browser to the card in another\'s panel, a fleet of 50 agent browsers, and failover on a cluster');
      const reviewer = await launch([resolve(EXTENSION_DIR)]);
      try {
        const reviewerWorker = reviewer.context.serviceWorkers()[0] ?? (await reviewer.context.waitForEvent('serviceworker'));
        const reviewerPanel = await reviewer.context.newPage();
        await reviewerPanel.goto(`chrome-extension://${new URL(reviewerWorker.url()).host}/sidepanel.html`);
        await send(reviewerPanel, { type: 'set-settings', settings: { dwellMs: 0, fatigueCount: 10_000 } });
        const team = await teamReview({ agent: agentWith, agentPanel: panel, reviewerPanel, origin: server.origin });
        const failover = await teamFailover({ agent: agentWith, agentPanel: panel, reviewerPanel, origin: server.origin });
        Object.assign(results, {
          heldToReviewerCardMsP50: percentile(team.toReviewer, 50),
          heldToReviewerCardMsP95: percentile(team.toReviewer, 95),
          teamFleetFirstCardMsP95: round(percentile(team.firstCard, 95), 0),
          teamFleetQueued: team.fleetQueued,
          teamFailoverMsP95: round(percentile(failover, 95), 0),
        });
        Object.assign(details, {
          teamFailoverMs: spreadText(spread(failover)),
          teamFleetFirstCardMs: spreadText(spread(team.firstCard)),
          teamFleetInQueueMs: team.fleetInQueueMs,
          teamQueueReplyMs: round(team.queueReplyMs, 0),
        });
      } finally {
        await reviewer.context.close().catch(() => undefined); // a crash already reported above
        rmSync(reviewer.dir, { recursive: true, force: true, maxRetries: 5 });
      }
    });

    await section('history', async () => {
      await send(panel, { type: 'clear-history' });
      log(`history with ${HISTORY_SIZE.toLocaleString()} entries`);
      const history = await history100k(panel, withExtension.dir);
      const { quiet, busy } = history;
      Object.assign(results, {
        history100kFirstPageMs: round(history.firstPageMs, 0),
        history100kFilterMs: round(history.filterMs, 0),
        history100kExportCsvMs: round(quiet.csv.median, 0),
        history100kExportNdjsonMs: round(quiet.ndjson.median, 0),
        history100kExportJsonMs: round(quiet.json.median, 0),
        history100kExportCsvBusyMs: round(busy.csv.median, 0),
        history100kExportNdjsonBusyMs: round(busy.ndjson.median, 0),
        history100kExportJsonBusyMs: round(busy.json.median, 0),
        history100kReadAllMs: round(quiet.read.median, 0),
        history100kExportCsvVsReadAll: round(quiet.csv.median / quiet.read.median, 2),
        history100kPeakHeapMb: round(history.peakHeapMb, 1),
        history100kExportNdjsonChainedVsUnchained: round(history.chained.ndjson.ratio, 3),
        history100kExportJsonChainedVsUnchained: round(history.chained.json.ratio, 3),
      });
      details.chainedExportMs = Object.fromEntries(Object.entries(history.chained).map(([format, { plain, chained }]) => [format, `${round(plain, 0)} → ${round(chained, 0)}`]));
      details.exportMs = Object.fromEntries(Object.entries(quiet).map(([name, figures]) => [name, spreadText(figures)]));
      details.exportBesideBusyProcessMs = Object.fromEntries(Object.entries(busy).map(([name, figures]) => [name, spreadText(figures)]));
    });

    await section('launcher', async () => {
      log(`npm run browser from a fresh profile to its printed endpoint (${LAUNCHER_RUNS} runs)`);
      const times = await launcherColdStarts();
      results.launcherColdStartMs = round(median(times), 0);
      details.launcherColdStartMs = spreadText(spread(times));
    });

  } catch (error) {
    // Between sections (a browser gone, say): the figures measured so far are still written.
    failedSections.run = error instanceof Error ? error.message : String(error);
  } finally {
    results.contentScriptBytesGz = contentScriptFiles().reduce((sum, file) => sum + gzipSync(readFileSync(file), { level: 9 }).length, 0);
    details.relaunchedUnderXvfb = relaunches.length;
    print(results, details);
    if (jsonOut) writeFileSync(jsonOut, `${JSON.stringify({ ...results, details, failedSections }, null, 2)}\n`);
    if (Object.keys(failedSections).length) process.exitCode = 1;
    await withExtension.context.close().catch(() => undefined);
    await without.context.close().catch(() => undefined);
    await floor.context.close().catch(() => undefined);
    await observerFloor.context.close().catch(() => undefined);
    await server.close();
    for (const dir of [withExtension.dir, floor.dir, observerFloor.dir, without.dir]) rmSync(dir, { recursive: true, force: true, maxRetries: 5 });
  }
}

const TARGETS = {
  pageLoadOverheadVsFloor: ['<=', 1.03],
  benignEventOverheadUs: ['<=', 20],
  requestHoldOverheadUs: ['<=', 1000],
  requestHoldOverheadVsObserverFloorUs: ['<=', 250],
  readOnlyToolCallOverheadUs: ['<=', 5000],
  requestAttributionUs: ['<=', 50],
  personHoldCheckMsP95: ['<=', 50],
  personClicksReleased: ['=', PERSON_CLICKS],
  interceptToCardMsP95: ['<=', 100],
  holdToApprovableMsP95: ['<=', 150],
  approveToRequestMsP95: ['<=', 50],
  askToCardMsP95: ['<=', 150],
  answerToReturnMsP95: ['<=', 100],
  heldToReviewerCardMsP95: ['<=', 300],
  teamFleetFirstCardMsP95: ['<=', 200],
  teamFleetQueued: ['=', 500],
  teamFailoverMsP95: ['<=', 10_000],
  history100kFirstPageMs: ['<=', 200],
  history100kFilterMs: ['<=', 150],
  history100kExportCsvMs: ['<=', 1500],
  history100kExportNdjsonMs: ['<=', 1500],
  history100kExportJsonMs: ['<=', 1500],
  history100kExportCsvBusyMs: ['<=', 3000],
  history100kExportNdjsonBusyMs: ['<=', 3000],
  history100kExportJsonBusyMs: ['<=', 3000],
  history100kPeakHeapMb: ['<=', 150],
  history100kExportNdjsonChainedVsUnchained: ['<=', 1.1],
  history100kExportJsonChainedVsUnchained: ['<=', 1.1],
  chainCostPerHeldActionUs: ['<=', 3100],
  burstLost: ['=', 0],
  launcherColdStartMs: ['<=', 3000],
  contentScriptBytesGz: ['<=', CONTENT_SCRIPT_BUDGET_GZ],
};

/** `median [q1–q3]` per arm, flagged when the spread is too wide to trust. */
function armsText(arms) {
  return Object.fromEntries(Object.entries(arms).map(([name, figures]) => [name, spreadText(figures)]));
}

function print(results, details) {
  console.log(JSON.stringify(results));
  const rows = Object.entries(results).map(([key, value]) => {
    const target = TARGETS[key];
    const met = !target || value === null ? false : target[0] === '=' ? value === target[1] : value <= target[1];
    const verdict = value === null ? 'NOT MEASURED' : met ? 'ok' : 'MISSED';
    return [key, String(value), target ? `${target[0]} ${target[1]}` : '', target ? verdict : ''];
  });
  const widths = [0, 1, 2, 3].map((i) => Math.max(...rows.map((row) => row[i].length), ['metric', 'value', 'target', ''][i].length));
  const line = (cells) => cells.map((cell, i) => cell.padEnd(widths[i])).join('  ');
  console.log(line(['metric', 'value', 'target', '']));
  for (const row of rows) console.log(line(row));
  console.log(`machine: ${details.machine}`);
  if (relaunches.length) console.log(`relaunched under Xvfb (no request within ${LAUNCH_SHOWS_REQUEST_MS} ms): ${relaunches.length} (${relaunches.join(', ')})`);
  for (const [name, why] of Object.entries(failedSections)) console.log(`section "${name}" FAILED, its figures are missing: ${why}`);
  console.log(`details: ${JSON.stringify(details)}`);
  const wide = Object.entries(details).filter(([, value]) => typeof value === 'object' && JSON.stringify(value).includes('WIDE'));
  for (const [key] of wide) console.log(`warning: ${key} varied too much between runs (interquartile range over ${WIDE_SPREAD * 100} % of the median): rerun on a quieter machine before trusting it`);
}

await main();
