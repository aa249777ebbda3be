import { wsconnect } from '@nats-io/nats-core';
import { jetstream } from '@nats-io/jetstream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Broker, type Origin } from '@/lib/broker/broker';
import { handlePanelRequest } from '@/lib/broker/router';
import { openCountersignDb } from '@/lib/db/open';
import { ActionStore } from '@/lib/db/store';
import type { PanelReplies, PanelType } from '@/lib/messaging/messages';
import { LOG_STREAM, logSubject } from '@/lib/team/log';
import { AGENT, REVIEWER, startTeamCluster, type TeamCluster } from '../team-server';
import { FakePlatform } from './fake-platform';
import { proposal } from './helpers';

// Team review on three real nats-server nodes: the node the agent browser is connected to
// dies while actions are pending and while the reviewer decides; nothing is lost or doubled.

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

describe('team review on a three-node cluster', () => {
  let cluster: TeamCluster;
  beforeAll(async () => {
    cluster = await startTeamCluster(3);
  }, 60_000);
  afterAll(() => cluster?.close());

  it('keeps every held action reaching the reviewer and applies each decision once when the agent browser’s node dies', async () => {
    const desk = await browser(cluster, { browserName: 'desk', role: 'reviewer', reviewerName: 'desk', user: REVIEWER.user, password: REVIEWER.pass });
    const key = (await desk.panel({ type: 'team-status' })).publicKey;
    const ci = await browser(cluster, { browserName: 'ci-1', role: 'agent', user: AGENT.user, password: AGENT.pass, trustedReviewers: [{ name: 'desk', key }] });
    const reviews = async () => (await desk.panel({ type: 'team-queue' })).reviews;

    const first = proposal({ label: 'Before the failure', kind: 'submit' });
    await ci.broker.hold(first, origin);
    await expect.poll(async () => (await reviews()).map((review) => review.card.id), { timeout: 15_000 }).toContain(first.id);

    // The node this agent browser talks to stops; the replicas on the others carry on.
    const server = ci.broker.team.link['connection']!.getServer();
    const node = cluster.nodes.find((candidate) => server.includes(new URL(candidate.wsUrl).port))!;
    await node.stop();
    const second = proposal({ label: 'During the failure', kind: 'submit' });
    await ci.broker.hold(second, origin);
    await expect.poll(async () => (await reviews()).map((review) => review.card.id).sort(), { timeout: 30_000 }).toEqual([first.id, second.id].sort());
    expect(ci.broker.team.link['connection']!.getServer()).not.toBe(server);

    for (const review of await reviews()) {
      await expect
        .poll(async () => (await desk.panel({ type: 'team-decide', browser: 'ci-1', id: review.card.id, verdict: 'approve', fingerprint: review.card.fingerprint })).ok, { timeout: 15_000 })
        .toBe(true);
    }
    await expect.poll(async () => [(await ci.store.get(first.id))?.status, (await ci.store.get(second.id))?.status], { timeout: 15_000 }).toEqual(['approved', 'approved']);
    await node.start();
    await new Promise((done) => setTimeout(done, 1000));
    const delivered = ci.platform.sent.filter((sent) => sent.message.type === 'decision');
    expect(delivered.map((sent) => (sent.message as { id: string }).id).sort()).toEqual([first.id, second.id].sort());

    // The log stream has every change the agent browser made to them.
    const connection = await wsconnect({ servers: cluster.wsUrls, ...REVIEWER });
    try {
      const consumer = await jetstream(connection).consumers.get(LOG_STREAM, { filter_subjects: logSubject('ci-1') });
      const events: { id: string; outcome: string }[] = [];
      for await (const message of await consumer.fetch({ max_messages: 50, expires: 2000 })) events.push(message.json());
      for (const action of [first, second]) expect(events.filter((event) => event.id === action.id).map((event) => event.outcome)).toContain('approved');
    } finally {
      await connection.close();
    }
    await ci.broker.team.link.close();
    await desk.broker.team.link.close();
  }, 120_000);
});
