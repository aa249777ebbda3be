import { wsconnect } from '@nats-io/nats-core';
import { jetstreamManager } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Broker, type Origin } from '@/lib/broker/broker';
import { handlePanelRequest } from '@/lib/broker/router';
import { openCountersignDb } from '@/lib/db/open';
import { outcomeOf } from '@/lib/db/outcome';
import { ActionStore } from '@/lib/db/store';
import type { PanelReplies, PanelType } from '@/lib/messaging/messages';
import { PENDING_BUCKET } from '@/lib/team/entry';
import { AGENT, loggedOutcomes, REVIEWER, startTeamCluster, type TeamCluster } from '../team-server';
import { FakePlatform } from './fake-platform';
import { proposal } from './helpers';

// Team review on three real nats-server nodes: the node the agent browser is connected to
// dies (and, separately, the queue stream's leader) while actions are pending and while the
// reviewer decides; nothing is lost or doubled.

const origin: Origin = { tabId: 1, frameId: 0, tabUrl: 'https://shop.example/checkout', tabTitle: 'Checkout' };
let counter = 0;

async function browser(cluster: TeamCluster, change: Record<string, unknown>) {
  const store = new ActionStore(await openCountersignDb(`team-cluster-${counter++}`));
  await store.saveSettings({ ...(await store.settings()), dwellMs: 0 });
  const platform = new FakePlatform();
  const broker = new Broker(store, platform);
  const panel = <T extends PanelType>(message: { type: T } & Record<string, unknown>) => handlePanelRequest(broker, message) as Promise<PanelReplies[T]>;
  expect(await panel({ type: 'set-team', change: { enabled: true, url: cluster.wsUrls.join(','), ...change } })).toEqual({ ok: true });
  await expect.poll(async () => (await panel({ type: 'team-status' })).state, { timeout: 15_000 }).toBe('online');
  return { store, platform, broker, panel };
}

/** Which node of the cluster a server name or address is. */
const nodeNamed = (cluster: TeamCluster, name: string) => cluster.nodes[Number(/countersign-(\d+)/.exec(name)![1]) - 1]!;
const nodeAt = (cluster: TeamCluster, server: string) => cluster.nodes.find((candidate) => server.includes(new URL(candidate.wsUrl).port))!;

/**
 * One action pending before the failure, `fail` stops a node, one action held after it; the
 * reviewer approves both. Both reach the reviewer, each is applied and delivered once, and the
 * log stream ends where the agent browser's own history does.
 */
async function survives(cluster: TeamCluster, browserName: string, fail: (ci: Awaited<ReturnType<typeof browser>>) => Promise<TeamCluster['nodes'][number]>) {
  const desk = await browser(cluster, { browserName: `desk-${browserName}`, role: 'reviewer', reviewerName: 'desk', user: REVIEWER.user, password: REVIEWER.pass });
  const key = (await desk.panel({ type: 'team-status' })).publicKey;
  const ci = await browser(cluster, { browserName, role: 'agent', user: AGENT.user, password: AGENT.pass, trustedReviewers: [{ name: 'desk', key }] });
  const reviews = async () => (await desk.panel({ type: 'team-queue' })).reviews.filter((review) => review.browser === browserName);
  try {
    const first = proposal({ label: 'Before the failure', kind: 'submit' });
    await ci.broker.holds.hold(first, origin);
    await expect.poll(async () => (await reviews()).map((review) => review.card.id), { timeout: 15_000 }).toContain(first.id);

    // The reviewer's card stays through the failover and the queue's reopen: it is never withdrawn and redrawn.
    const shown = desk.broker.team.link.reviews;
    let withdrawn = 0;
    const watching = setInterval(() => void (shown.has(`${browserName}.${first.id}`) || withdrawn++), 5);
    const node = await fail(ci);
    const second = proposal({ label: 'During the failure', kind: 'submit' });
    await ci.broker.holds.hold(second, origin);
    await expect.poll(async () => (await reviews()).map((review) => review.card.id).sort(), { timeout: 30_000 }).toEqual([first.id, second.id].sort());
    clearInterval(watching);
    expect(withdrawn).toBe(0);

    // Decided once each, right after the failover: a decision waits out the queue's reopen instead of failing.
    for (const review of await reviews()) {
      expect(await desk.panel({ type: 'team-decide', browser: browserName, id: review.card.id, verdict: 'approve', fingerprint: review.card.fingerprint })).toEqual({ ok: true });
    }
    await expect.poll(async () => [(await ci.store.get(first.id))?.status, (await ci.store.get(second.id))?.status], { timeout: 15_000 }).toEqual(['approved', 'approved']);
    await node.start();
    await new Promise((done) => setTimeout(done, 1000));
    const delivered = ci.platform.sent.filter((sent) => sent.message.type === 'decision');
    expect(delivered.map((sent) => (sent.message as { id: string }).id).sort()).toEqual([first.id, second.id].sort());

    // The log stream lost no change: its last word on each action is the agent browser's.
    const history = new Map((await ci.store.recent(50)).map((record) => [record.id, outcomeOf(record)]));
    await expect.poll(() => loggedOutcomes(cluster.wsUrls, browserName), { timeout: 15_000 }).toEqual(history);
  } finally {
    await ci.broker.team.link.close();
    await desk.broker.team.link.close();
  }
}

describe('team review on a three-node cluster', () => {
  let cluster: TeamCluster;
  beforeAll(async () => {
    cluster = await startTeamCluster(3);
  }, 60_000);
  afterAll(() => cluster?.close());

  it('keeps every held action reaching the reviewer and applies each decision once when the agent browser’s node dies', async () => {
    await survives(cluster, 'ci-1', async (ci) => {
      // The node this agent browser talks to stops; the replicas on the others carry on.
      const server = ci.broker.team.link['connection']!.getServer();
      const node = nodeAt(cluster, server);
      await node.stop();
      return node;
    });
  }, 120_000);

  it('does the same when the queue stream’s leader dies (a node neither browser may be connected to)', async () => {
    await survives(cluster, 'ci-2', async () => {
      const connection = await wsconnect({ servers: cluster.wsUrls, ...AGENT });
      try {
        const info = await (await jetstreamManager(connection)).streams.info(`KV_${PENDING_BUCKET}`);
        const node = nodeNamed(cluster, info.cluster!.leader!);
        await node.stop();
        return node;
      } finally {
        await connection.close();
      }
    });
  }, 120_000);
});
