import type { CDPSession, Page } from '@playwright/test';
import puppeteer from 'puppeteer-core';
import { openCdp } from '../../scripts/cdp.mjs';
import type { ActionRecord } from '../../lib/db/schema';
import { expect, expectNothingReceived, expectReceivedOnce, launchPlainChromium, test, type FixtureServer } from './fixtures';

// Agents that call a page's WebMCP tools instead of clicking, over the DevTools protocol as an
// agent's browser tool server does (WebMCP.enable, WebMCP.invokeTool). The bank page registers
// imperative tools whose code calls its API, declares a cheque-book form as a tool, and runs its
// own heartbeat, autosave and analytics on timers.

interface ToolResponse {
  invocationId: string;
  status: 'Completed' | 'Error' | string;
  output?: unknown;
  errorText?: string;
  exception?: { description?: string };
}

const BANK_TOOLS = ['close_account', 'export_statement', 'get_balance', 'order_cheque_book', 'set_account_nickname', 'transfer_money'];

/** A WebMCP client over a raw DevTools session, as browser tool servers speak it. */
async function webmcp(page: Page) {
  const cdp: CDPSession = await page.context().newCDPSession(page);
  const send = cdp.send.bind(cdp) as unknown as (method: string, params?: object) => Promise<Record<string, unknown>>;
  const on = cdp.on.bind(cdp) as unknown as (event: string, listener: (params: never) => void) => void;
  const frames = new Map<string, string>();
  const responses = new Map<string, ToolResponse>();
  on('WebMCP.toolsAdded', ({ tools }: { tools: { name: string; frameId: string }[] }) => {
    for (const tool of tools) frames.set(tool.name, tool.frameId);
  });
  on('WebMCP.toolResponded', (response: ToolResponse) => responses.set(response.invocationId, response));
  await send('WebMCP.enable');
  await expect.poll(() => [...frames.keys()].sort()).toEqual(BANK_TOOLS);
  return {
    /** Invokes a tool; resolves with its invocation id at once, as the protocol does. */
    async invoke(toolName: string, input: object): Promise<string> {
      const { invocationId } = await send('WebMCP.invokeTool', { frameId: frames.get(toolName), toolName, input });
      return invocationId as string;
    },
    responded: (invocationId: string) => responses.get(invocationId),
    async response(invocationId: string): Promise<ToolResponse> {
      await expect.poll(() => responses.has(invocationId), { message: `no response to ${invocationId}` }).toBe(true);
      return responses.get(invocationId)!;
    },
  };
}

async function openBank(agent: Page, server: FixtureServer) {
  await agent.goto(`${server.origin}/bank/tools.html`);
  return webmcp(agent);
}

/** The page's own timers kept sending while the tools were held and decided. */
async function expectPageTrafficFlowing(server: FixtureServer) {
  const heartbeats = server.received('/api/bank/session/heartbeat').length;
  await expect.poll(() => server.received('/api/bank/session/heartbeat').length).toBeGreaterThan(heartbeats);
  for (const path of ['/api/bank/drafts/current', '/api/bank/analytics']) {
    await expect.poll(() => server.received(path).length, { message: path }).toBeGreaterThan(0);
  }
}

test('a consequential tool call waits for the person; approved with an edited argument, the tool runs once with it', async ({
  agent,
  panel,
  server,
}) => {
  const tools = await openBank(agent, server);
  const call = await tools.invoke('transfer_money', { iban: 'GB33BUKB20201555555555', amount: 950, currency: 'EUR', reference: 'invoice 4471' });
  const card = panel.card('transfer_money');
  await expect(card).toContainText('Tool call');
  await expect(card).toContainText('Transfer money from the current account to a payee');
  await expect(card).toContainText('GB33BUKB20201555555555');
  await expect(card.getByRole('row', { name: /Payee IBAN/ })).toBeVisible(); // named from the tool's schema
  await expect(card).toContainText('€950.00');
  await expectNothingReceived(server, '/api/bank/transfers');
  expect(tools.responded(call)).toBeUndefined(); // nothing of the tool's code ran

  await card.getByRole('button', { name: 'Edit values' }).click();
  await card.getByRole('textbox', { name: 'Amount' }).fill('900');
  await panel.approve('transfer_money', /^Approve purchase with edits/);
  const sent = await expectReceivedOnce(server, '/api/bank/transfers');
  expect(JSON.parse(sent.body)).toEqual({ iban: 'GB33BUKB20201555555555', amount: 900, currency: 'EUR', reference: 'invoice 4471' });
  expect(await tools.response(call)).toMatchObject({ status: 'Completed', output: 'Transferred 900 EUR to GB33BUKB20201555555555' });
  await expectPageTrafficFlowing(server);
});

test('a rejected tool call fails with the reviewer’s note as its error, and its code never runs', async ({ agent, panel, server }) => {
  const tools = await openBank(agent, server);
  const call = await tools.invoke('close_account', { reason: 'moving banks', pin: '4711' });
  const card = panel.card('close_account');
  await expect(card).toContainText('the page marks this tool as consequential');
  await expect(card).toContainText('moving banks');
  await expect(card).not.toContainText('4711'); // a PIN is masked like a form's
  await panel.reject('close_account', 'You were not asked to close anything');
  const response = await tools.response(call);
  expect(response.status).toBe('Error');
  expect(response.exception?.description).toContain('Rejected by reviewer: You were not asked to close anything');
  await expectNothingReceived(server, '/api/bank/account');
  await expectPageTrafficFlowing(server);
});

test('a read-only tool runs with no card and is logged; one that writes anyway is held at its request', async ({ agent, panel, server }) => {
  const tools = await openBank(agent, server);
  const balance = await tools.invoke('get_balance', {});
  expect(await tools.response(balance)).toMatchObject({ status: 'Completed', output: 'EUR 2340.18' });
  expect(server.received('/api/bank/balance')).toHaveLength(1);

  const statement = await tools.invoke('export_statement', { month: '2026-11' });
  const card = panel.card('POST /api/bank/statements/share');
  await expect(card).toContainText('sent by a page tool the agent called');
  await expect(card).toContainText('accountant@example.org');
  await expect(panel.queue.cards).toHaveCount(1); // the page's timers made none
  await panel.reject('POST /api/bank/statements/share');
  expect(await tools.response(statement)).toMatchObject({ status: 'Error' });
  await expectNothingReceived(server, '/api/bank/statements/share');

  await panel.history.open();
  const row = panel.history.row('get_balance').first();
  await expect(row).toBeVisible();
  await row.click();
  await expect(panel.history.detail).toContainText('the page marks this tool read-only');
});

test('a declarative tool form is held with the tool named; approved, it is submitted once and the call completes', async ({
  agent,
  panel,
  server,
}) => {
  const tools = await openBank(agent, server);
  const call = await tools.invoke('order_cheque_book', { leaves: '50' });
  const card = panel.card('order_cheque_book');
  await expect(card).toContainText('a form the page offers agents as a tool');
  await expect(card).toContainText('Order a cheque book, posted to the account holder');
  await expectNothingReceived(server, '/api/bank/cheque-books');
  await panel.approve('order_cheque_book');
  const order = await expectReceivedOnce(server, '/api/bank/cheque-books');
  expect(new URLSearchParams(order.body).get('leaves')).toBe('50');
  expect(await tools.response(call)).toMatchObject({ status: 'Completed' });
});

test('"Always allow tool" lets later calls of that tool on that site run unasked, and only that tool', async ({ agent, panel, server }) => {
  const tools = await openBank(agent, server);
  await tools.invoke('set_account_nickname', { nickname: 'Bills' });
  const card = panel.card('set_account_nickname');
  await card.getByText('Rules for').click();
  await card.getByRole('button', { name: /^Always allow tool set_account_nickname on/ }).click();
  await expectReceivedOnce(server, '/api/bank/accounts/current/nickname');
  const again = await tools.invoke('set_account_nickname', { nickname: 'Rent' });
  expect(await tools.response(again)).toMatchObject({ status: 'Completed', output: 'Renamed' });
  expect(server.received('/api/bank/accounts/current/nickname')).toHaveLength(2);
  await tools.invoke('transfer_money', { iban: 'GB33BUKB20201555555555', amount: 5, currency: 'EUR' });
  await expect(panel.card('transfer_money')).toBeVisible();
  await panel.sites.open();
  await expect(panel.page.getByText('tools always allowed: set_account_nickname')).toBeVisible();
});

type QueueCard = ActionRecord;

/**
 * The person's panel in a browser whose other tabs no client is attached to: opened and read
 * over the browser's own DevTools session, attached to the panel's tab alone.
 */
async function panelAlone(port: number) {
  const { webSocketDebuggerUrl } = (await (await fetch(`http://127.0.0.1:${port}/json/version`)).json()) as { webSocketDebuggerUrl: string };
  const cdp = await openCdp(webSocketDebuggerUrl);
  const workerUrl = async () => {
    const { targetInfos } = await cdp.send<{ targetInfos: { type: string; url: string }[] }>('Target.getTargets');
    return targetInfos.find((target) => target.type === 'service_worker' && target.url.startsWith('chrome-extension://'))?.url;
  };
  await expect.poll(workerUrl).toBeTruthy();
  const { targetId } = await cdp.send<{ targetId: string }>('Target.createTarget', {
    url: `chrome-extension://${new URL((await workerUrl())!).host}/sidepanel.html`,
  });
  const { sessionId } = await cdp.send<{ sessionId: string }>('Target.attachToTarget', { targetId, flatten: true });
  const evaluate = async <T>(expression: string): Promise<T> => {
    const { result } = await cdp.send<{ result: { value: T } }>('Runtime.evaluate', { expression, awaitPromise: true, returnByValue: true }, sessionId);
    return result.value;
  };
  await expect.poll(() => evaluate('document.readyState === "complete" && Boolean(globalThis.chrome?.runtime?.id)')).toBe(true);
  const send = <T>(message: object) => evaluate<T>(`chrome.runtime.sendMessage(${JSON.stringify(message)})`);
  return {
    send,
    /** The cards the broker has finished evaluating, as the panel shows them. */
    queue: async () => (await send<{ actions: QueueCard[] }>({ type: 'queue' })).actions.filter((card) => card.evaluatedAt !== undefined),
    attachedTargets: async () => {
      const { targetInfos } = await cdp.send<{ targetInfos: { url: string; attached: boolean }[] }>('Target.getTargets');
      return targetInfos.filter((target) => target.attached).map((target) => target.url);
    },
    close: () => cdp.close(),
  };
}

/**
 * The panel's Approve, sent once the broker's own dwell has passed: the broker counts it from the
 * card's evaluation (a slow evaluation on a busy machine starts it late), not from the hold.
 */
async function approval(card: QueueCard) {
  const readable = card.evaluatedAt! + 1500 - Date.now();
  if (readable > 0) await new Promise((done) => setTimeout(done, readable));
  return { type: 'decide', id: card.id, verdict: 'approve', dwellMs: 60_000, ...(card.confirm ? { confirmation: card.confirm.value } : {}) };
}

test('a tool the page’s own assistant calls, in a tab no client drives, still waits for the person', async ({ server }) => {
  server.reset();
  const browser = await launchPlainChromium({ url: `${server.origin}/bank/tools.html?assistant` });
  const person = await panelAlone(browser.port);
  try {
    await expect.poll(async () => (await person.queue()).map((card) => card.label), { timeout: 15_000 }).toEqual(['transfer_money']);
    const [held] = await person.queue();
    expect(held!.signals).toEqual(['tool-call']); // no debugger, no webdriver: the call alone
    expect(await person.attachedTargets()).not.toContainEqual(expect.stringContaining('/bank/tools.html'));
    await expectNothingReceived(server, '/api/bank/transfers');
    expect(await person.send(await approval(held!))).toEqual({ ok: true });
    const sent = await expectReceivedOnce(server, '/api/bank/transfers');
    expect(JSON.parse(sent.body)).toMatchObject({ iban: 'FR7630006000011234567890189', amount: 42.5 });
    await expect
      .poll(() => server.received('/api/bank/assistant-log').map((request) => new URLSearchParams(request.query).get('text')))
      .toEqual(['Assistant: Transferred 42.5 EUR to FR7630006000011234567890189']);
  } finally {
    person.close();
    await browser.close();
  }
});

test('Puppeteer’s WebMCP client: a held tool answers only after the decision, a rejected one with the note', async ({ server }) => {
  server.reset();
  const chromium = await launchPlainChromium();
  const browser = await puppeteer.connect({ browserURL: `http://127.0.0.1:${chromium.port}`, defaultViewport: null });
  const person = await panelAlone(chromium.port);
  try {
    const page = await browser.newPage();
    await page.goto(`${server.origin}/bank/tools.html`);
    await expect.poll(() => page.webmcp.tools().map((tool) => tool.name).sort()).toEqual(BANK_TOOLS);
    const tool = (name: string) => page.webmcp.tools().find((candidate) => candidate.name === name)!;
    const transfer = tool('transfer_money').execute({ iban: 'DE02120300000000202051', amount: 12, currency: 'EUR', reference: 'lunch' });
    const close = tool('close_account').execute({ reason: 'cheaper elsewhere' });
    await expect.poll(async () => (await person.queue()).map((card) => card.label).sort()).toEqual(['close_account', 'transfer_money']);
    const cards = await person.queue();
    const byLabel = (label: string) => cards.find((card) => card.label === label)!;
    expect(await person.send({ type: 'decide', id: byLabel('close_account').id, verdict: 'reject', note: 'keep the account' })).toEqual({ ok: true });
    expect(await close).toMatchObject({ status: 'Error' });
    expect((await close).exception?.description).toContain('Rejected by reviewer: keep the account');
    await expectNothingReceived(server, '/api/bank/account');
    expect(await person.send(await approval(byLabel('transfer_money')))).toEqual({ ok: true });
    expect(await transfer).toMatchObject({ status: 'Completed', output: 'Transferred 12 EUR to DE02120300000000202051' });
    await expectReceivedOnce(server, '/api/bank/transfers');
  } finally {
    person.close();
    await browser.disconnect();
    await chromium.close();
  }
});
