import { wsconnect } from '@nats-io/nats-core';
import { jetstreamManager } from '@nats-io/jetstream';
import { chromium, type Browser as PlainBrowser, type Locator } from '@playwright/test';
import { outcomeOf } from '@/lib/db/outcome';
import type { ActionRecord } from '@/lib/db/schema';
import type { TeamStatus } from '@/lib/messaging/protocol';
import { PENDING_BUCKET } from '@/lib/team/entry';
import { serveDesk } from '../../scripts/team-desk.mjs';
import { AGENT, loggedOutcomes, startTeamCluster, type TeamCluster } from '../team-server';
import { BROWSER_FLAGS, expect, findChromium, foreignClientTest as test, joinNewsletter, type FixtureServer } from './fixtures';
import { becomeAgent, browserWithPanel, openDesk, type Browser, type Desk } from './team-browsers';

// Team review on three real nats-server nodes: the agent browser (Chromium with the built
// extension) and a reviewer desk (a phone) are given every node; a node dies while actions wait
// and while the desk approves. The recording server shows what was sent, and how often; the
// log stream is compared with the agent browser's own history.

test.describe.configure({ mode: 'serial' });

type Node = TeamCluster['nodes'][number];

let cluster: TeamCluster;
let deskSite: { url: string; close(): Promise<void> };
let agent: Browser;
let phones: PlainBrowser;
let desk: Desk;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  [cluster, deskSite] = await Promise.all([startTeamCluster(3), serveDesk()]);
  [agent, phones] = await Promise.all([browserWithPanel('cluster-agent'), chromium.launch({ executablePath: await findChromium(), args: BROWSER_FLAGS })]);
  const servers = cluster.wsUrls.join(',');
  desk = await openDesk(phones, deskSite.url, servers, 'phone', { passkey: true });
  await becomeAgent(agent, servers, 'ci-cluster', [{ name: 'phone', key: desk.key }]);
});

test.afterAll(async () => {
  await Promise.all([agent?.close(), phones?.close(), deskSite?.close()]);
  await cluster?.close();
});

const deskCard = (email: string) => desk.page.getByRole('article').filter({ hasText: email });

/** One tap on Approve, as a person makes it: right after a failover the decision waits out the queue's reopen. */
async function approveOnDesk(card: Locator): Promise<void> {
  await card.evaluate((element) => element.scrollIntoView({ block: 'center' }));
  await card.getByRole('button', { name: /^Approve/ }).tap({ timeout: 10_000 });
  // The card goes once the agent browser applied the decision; if it stays, say what it shows.
  await expect(card).toHaveCount(0, { timeout: 25_000 }).catch(async (error: Error) => {
    throw new Error(`${error.message}\nThe card still shows: ${await card.innerText().catch(() => '(gone)')}`);
  });
}

function receivedEmails(server: FixtureServer): string[] {
  return server.received('/cases/newsletter').map((request) => new URLSearchParams(request.body).get('email')!);
}

/** One form waiting before `fail`, one held after it; the desk approves both; each is sent once. */
async function survives(server: FixtureServer, name: string, fail: () => Promise<Node>): Promise<void> {
  const [before, during] = [`before-${name}@example.com`, `during-${name}@example.com`];
  await joinNewsletter(await agent.context.newPage(), server.origin, before);
  await expect(deskCard(before)).toBeVisible({ timeout: 15_000 });
  const node = await fail();
  try {
    await joinNewsletter(await agent.context.newPage(), server.origin, during);
    await expect(deskCard(during)).toBeVisible({ timeout: 30_000 });
    await expect(deskCard(before)).toBeVisible();
    expect(receivedEmails(server)).toEqual([]);
    await approveOnDesk(deskCard(before));
    await approveOnDesk(deskCard(during));
    await expect.poll(() => receivedEmails(server).sort(), { timeout: 15_000 }).toEqual([before, during].sort());
  } finally {
    await node.start();
  }
  // Nothing is sent twice once the node is back and everything resyncs.
  await new Promise((done) => setTimeout(done, 1500));
  expect(receivedEmails(server).sort()).toEqual([before, during].sort());
  await agent.panel.history.open();
  const history = agent.panel.page.getByRole('table', { name: 'History' });
  await expect(history.getByRole('row').filter({ hasText: 'approved by team reviewer phone' })).toHaveCount(2);
  // The log stream lost no change: its last word on each of the agent browser's actions is the browser's own.
  const outcomes = new Map((await storedRecords(agent)).map((record) => [record.id, outcomeOf(record)]));
  expect(outcomes.size).toBe(2);
  await expect
    .poll(async () => new Map([...(await loggedOutcomes(cluster.wsUrls, 'ci-cluster'))].filter(([id]) => outcomes.has(id))), { timeout: 15_000 })
    .toEqual(outcomes);
  await agent.panel.send({ type: 'clear-history' });
  await agent.panel.queue.open();
}

/** The agent browser's history as IndexedDB holds it. */
function storedRecords({ panel }: Browser): Promise<ActionRecord[]> {
  return panel.page.evaluate(
    () =>
      new Promise<ActionRecord[]>((done, fail) => {
        const opening = indexedDB.open('countersign');
        opening.onerror = () => fail(opening.error);
        opening.onsuccess = () => {
          const reading = opening.result.transaction('actions').objectStore('actions').getAll();
          reading.onsuccess = () => {
            opening.result.close();
            done(reading.result as ActionRecord[]);
          };
          reading.onerror = () => fail(reading.error);
        };
      }),
  );
}

test('the node the agent browser uses dies while a form waits: both forms reach the desk and are sent once each', async ({ server }) => {
  test.setTimeout(120_000);
  await survives(server, 'agent-node', async () => {
    const { server: address } = await agent.panel.send<TeamStatus>({ type: 'team-status' });
    const node = cluster.nodes.find((candidate) => address?.includes(new URL(candidate.wsUrl).port));
    expect(node, `the agent browser's node (${address})`).toBeDefined();
    await node!.stop();
    return node!;
  });
});

test('the queue stream’s leader dies while a form waits: both forms reach the desk and are sent once each', async ({ server }) => {
  test.setTimeout(120_000);
  await survives(server, 'leader', async () => {
    const connection = await wsconnect({ servers: cluster.wsUrls, user: AGENT.user, pass: AGENT.pass });
    try {
      const { cluster: placement } = await (await jetstreamManager(connection)).streams.info(`KV_${PENDING_BUCKET}`);
      const node = cluster.nodes[Number(/countersign-(\d+)/.exec(placement?.leader ?? '')?.[1]) - 1];
      expect(node, `the stream's leader (${placement?.leader})`).toBeDefined();
      await node!.stop();
      return node!;
    } finally {
      await connection.close();
    }
  });
});

test('while no node answers, the agent browser and the desk say so; a form held meanwhile waits and is decided in the agent browser', async ({ server }) => {
  test.setTimeout(120_000);
  await Promise.all(cluster.nodes.map((node) => node.stop()));
  try {
    await expect(agent.panel.page.getByRole('alert').filter({ hasText: 'Team queue offline: held actions stay held and can be decided here.' })).toBeVisible({
      timeout: 15_000,
    });
    await expect(desk.page.getByRole('alert').filter({ hasText: 'No team server answers' })).toBeVisible({ timeout: 15_000 });
    await joinNewsletter(await agent.context.newPage(), server.origin, 'offline@example.com');
    await agent.panel.approve('offline@example.com');
    await expect.poll(() => receivedEmails(server)).toEqual(['offline@example.com']);
  } finally {
    await Promise.all(cluster.nodes.map((node) => node.start()));
  }
  await expect(agent.panel.page.getByRole('alert').filter({ hasText: 'Team queue offline' })).toHaveCount(0, { timeout: 30_000 });
  await expect(desk.page.getByRole('status').first()).toContainText('Connected to the team queue.', { timeout: 30_000 });
  // The action decided while offline never appears at the desk afterwards, and is not sent again.
  await new Promise((done) => setTimeout(done, 1500));
  await expect(deskCard('offline@example.com')).toHaveCount(0);
  expect(receivedEmails(server)).toEqual(['offline@example.com']);
});
