import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { wsconnect } from '@nats-io/nats-core';
import { Kvm } from '@nats-io/kv';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { startAgentChannel } from '../../scripts/agent-channel.mjs';
import { PENDING_BUCKET } from '@/lib/team/entry';
import { TeamQueue } from '@/lib/team/queue';
import { generateReviewerKey, signDecision } from '@/lib/team/signing';
import { REVIEWER, startTeamServer, type TeamServer } from '../team-server';
import { expect, expectNothingReceived, expectReceivedOnce, foreignClientTest as test, joinNewsletter } from './fixtures';
import { becomeAgent, browserWithPanel, type Browser } from './team-browsers';

// Two (or three) Chromium instances with the built extension and a real nats-server: agent
// browsers hold, reviewers decide in their Team view, the recording server shows what was sent.

/** A reviewer set up through Settings → Team review, as a person would; returns its key. */
async function becomeReviewer({ panel }: Browser, server: TeamServer, name: string): Promise<string> {
  const { page } = panel;
  await panel.settings.open();
  const team = page.getByRole('group', { name: 'Team review' });
  await team.getByLabel('Take part in team review').check();
  await team.getByLabel('Server (wss:// or ws://)').fill(server.wsUrl);
  await team.getByLabel('This browser’s name').fill(name);
  await team.getByLabel('Role').selectOption('reviewer');
  await team.getByLabel('User').fill(REVIEWER.user);
  await team.getByLabel('Password').fill(REVIEWER.pass);
  await team.getByLabel('Your name as a reviewer').fill(name);
  await team.getByRole('button', { name: 'Save team settings' }).click();
  await expect(team.getByRole('status').first()).toContainText('Connected to the team queue.');
  return team.getByLabel(/^This browser’s reviewer key/).inputValue();
}

test.describe.configure({ mode: 'serial' });

let nats: TeamServer;
let agent: Browser;
let desk: Browser;
let deskKey: string;

test.beforeAll(async () => {
  test.setTimeout(90_000);
  nats = await startTeamServer();
  [agent, desk] = await Promise.all([browserWithPanel('agent'), browserWithPanel('desk')]);
  deskKey = await becomeReviewer(desk, nats, 'desk');
  await becomeAgent(agent, nats, 'ci-1', [{ name: 'desk', key: deskKey }]);
});

test.afterAll(async () => {
  await Promise.all([agent?.close(), desk?.close()]);
  await nats?.close();
});

async function openTeamView({ panel }: Browser) {
  await panel.page.getByRole('tab', { name: 'Team' }).click();
}

test('an agent browser’s held form appears in the reviewer’s Team view; Approve there sends it once', async ({ server }) => {
  await joinNewsletter(await agent.context.newPage(), server.origin, 'ada@example.com');
  await expectNothingReceived(server, '/cases/newsletter');
  await openTeamView(desk);
  const card = desk.panel.page.getByRole('article', { name: `Form submission on ${server.origin}, from ci-1` });
  await expect(card).toContainText('ada@example.com');
  await expect(card).toContainText('From agent browser ci-1');
  // Where it goes, as the agent browser read it: the reviewer sees the real destination.
  await expect(card.locator('dt', { hasText: 'Sends to' }).locator('+ dd')).toHaveText(`POST ${server.origin}/cases/newsletter`);
  // The agent tab's picture, through the team's object store, as an image the panel drew.
  const picture = card.getByRole('img', { name: 'Screenshot of the tab when the action was held' });
  await expect(picture).toBeVisible();
  expect(await picture.evaluate((image: HTMLImageElement) => [image.src.slice(0, 11), image.naturalWidth > 0])).toEqual(['data:image/', true]);
  await desk.panel.approve(`${server.origin}`);
  const request = await expectReceivedOnce(server, '/cases/newsletter');
  expect(new URLSearchParams(request.body).get('email')).toBe('ada@example.com');
  await expect(desk.panel.page.getByText('No actions waiting in the team queue.')).toBeVisible();
  // The agent browser's own history names the reviewer.
  await agent.panel.history.open();
  await expect(agent.panel.page.getByRole('table', { name: 'History' })).toContainText('approved by team reviewer desk');
  await agent.panel.queue.open();
});

test('the agent’s question reaches the reviewer’s Team view; the option the reviewer clicks is what ask_person returns, signed', async () => {
  // The agent browser's channel as `npm run browser` sets it up, and `countersign mcp` on it.
  const profile = mkdtempSync(resolve(tmpdir(), 'countersign-team-channel-'));
  const channel = await startAgentChannel(profile);
  const worker = agent.context.serviceWorkers()[0] ?? (await agent.context.waitForEvent('serviceworker'));
  await worker.evaluate((config) => (globalThis as unknown as { countersignLaunch(mode: null, channel: unknown): Promise<string> }).countersignLaunch(null, config), {
    url: channel.url,
    secret: channel.secret,
  });
  const client = new Client({ name: 'agent-harness', version: '1.0.0' });
  await client.connect(new StdioClientTransport({ command: process.execPath, args: ['scripts/countersign.mjs', 'mcp', '--profile', profile], stderr: 'pipe' }));
  try {
    await client.callTool({ name: 'declare_task', arguments: { task: 'Renew the domain' } });
    const asking = client.callTool({ name: 'ask_person', arguments: { question: 'Renew for 1 year or 3 years?', options: ['1 year', '3 years'] } });
    await openTeamView(desk);
    const card = desk.panel.page.getByRole('article', { name: 'The agent asks, from ci-1' });
    await expect(card).toContainText('Renew for 1 year or 3 years?');
    await expect(card.locator('.task')).toHaveText('The agent’s task: Renew the domain');
    await card.getByRole('button', { name: '3 years' }).click();
    const result = await asking;
    expect((result.content as { text: string }[])[0]!.text).toBe('The person answered: 3 years');
    await expect(card).toHaveCount(0);
    await agent.panel.history.open();
    await expect(agent.panel.page.getByRole('table', { name: 'History' })).toContainText('answered by team reviewer desk');
    await agent.panel.queue.open();
  } finally {
    await client.close();
    await channel.close();
    rmSync(profile, { recursive: true, force: true });
  }
});

test('two reviewers approving at the same moment send it once', async ({ server }) => {
  const second = await browserWithPanel('desk-2');
  try {
    const secondKey = await becomeReviewer(second, nats, 'desk-2');
    await becomeAgent(agent, nats, 'ci-1', [{ name: 'desk', key: deskKey }, { name: 'desk-2', key: secondKey }]);
    await joinNewsletter(await agent.context.newPage(), server.origin, 'grace@example.com');
    const approves = [];
    for (const reviewer of [desk, second]) {
      await openTeamView(reviewer);
      const approve = reviewer.panel.card('grace@example.com').getByRole('button', { name: /^Approve/ });
      await expect(approve).toBeEnabled();
      approves.push(approve);
    }
    // Both presses in one instant. Two locator clicks are not: each first checks its button over
    // several round trips, and under load the first approval was delivered, the entry closed and
    // the other reviewer's card removed before the second click landed, which then waited for
    // its button for ever.
    await Promise.all(approves.map((approve) => approve.evaluate((button: HTMLButtonElement) => button.click())));
    await expectReceivedOnce(server, '/cases/newsletter');
    // Both queues empty: the entry closed once the agent browser delivered.
    await expect(desk.panel.page.getByText('No actions waiting in the team queue.')).toBeVisible();
    await expect(second.panel.page.getByText('No actions waiting in the team queue.')).toBeVisible();
  } finally {
    await second.close();
  }
});

test('with the server stopped, the action stays held, the panel says the team queue is offline, and it is decided locally', async ({ server }) => {
  await joinNewsletter(await agent.context.newPage(), server.origin, 'linus@example.com');
  await openTeamView(desk);
  await expect(desk.panel.card('linus@example.com')).toBeVisible();
  await nats.stop();
  try {
    await agent.panel.queue.open();
    await expect(agent.panel.page.getByRole('alert').filter({ hasText: 'Team queue offline' })).toBeVisible();
    await expectNothingReceived(server, '/cases/newsletter');
    await agent.panel.approve('linus@example.com');
    await expectReceivedOnce(server, '/cases/newsletter');
  } finally {
    await nats.start();
  }
  // On reconnect the entry closes, and the reviewer's card goes away.
  await expect(agent.panel.page.getByRole('alert').filter({ hasText: 'Team queue offline' })).toBeHidden({ timeout: 15_000 });
  await expect(desk.panel.card('linus@example.com')).toBeHidden({ timeout: 15_000 });
});

test('a decision written straight into the bucket, unsigned or by an unknown key, is refused and logged', async ({ server }) => {
  await joinNewsletter(await agent.context.newPage(), server.origin, 'mallory@example.com');
  await openTeamView(desk);
  await expect(desk.panel.card('mallory@example.com')).toBeVisible();
  const connection = await wsconnect({ servers: nats.wsUrl, ...REVIEWER });
  try {
    const queue = new TeamQueue(await new Kvm(connection).open(PENDING_BUCKET));
    const { id } = (await agent.panel.send<{ actions: { id: string }[] }>({ type: 'queue' })).actions[0]!;
    const read = (await queue.read('ci-1', id))!;
    const statement = { browser: 'ci-1', id, fingerprint: read.entry!.card.fingerprint, verdict: 'approve' as const, at: Date.now() };
    const forged = await signDecision(statement, { name: 'desk', ...(await generateReviewerKey()) });
    expect(await queue.replace({ ...read.entry!, state: 'decided', decision: forged }, read.revision)).toBe('written');
    await expect.poll(async () => (await queue.read('ci-1', id))?.entry?.state).toBe('pending');
    const again = (await queue.read('ci-1', id))!;
    const unsigned = { ...statement, reviewer: 'desk', key: deskKey, signature: 'AAAA' };
    expect(await queue.replace({ ...again.entry!, state: 'decided', decision: unsigned }, again.revision)).toBe('written');
    await expect.poll(async () => (await queue.read('ci-1', id))?.entry?.state).toBe('pending');
  } finally {
    await connection.close();
  }
  await expectNothingReceived(server, '/cases/newsletter');
  await agent.panel.queue.open();
  const card = agent.panel.card('mallory@example.com');
  await expect(card).toContainText('team decision refused: signed by a key this browser does not trust');
  await expect(card).toContainText('team decision refused: the signature does not match');
  // The trusted reviewer can still decide it.
  await desk.panel.reject('mallory@example.com', 'not this one');
  await expect(agent.panel.card('mallory@example.com')).toBeHidden();
  await expectNothingReceived(server, '/cases/newsletter');
});
