import { wsconnect, type NatsConnection } from '@nats-io/nats-core';
import { Kvm, type KV } from '@nats-io/kv';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryKey, PENDING_BUCKET, type TeamCard, type TeamEntry } from '@/lib/team/entry';
import { TeamQueue } from '@/lib/team/queue';
import { AgentRelay, type AgentSide } from '@/lib/team/relay';
import { generateReviewerKey, signDecision } from '@/lib/team/signing';
import { AGENT, REVIEWER, startTeamServer, type TeamServer } from '../team-server';
import { proposal } from './helpers';

/** The agent browser's records, as the broker keeps them: settle is atomic, the first wins. */
class FakeAgent implements AgentSide {
  readonly records = new Map<string, { card: TeamCard; status: string; by: string; at: number }>();
  readonly refusals: { id: string; reason: string }[] = [];
  applied = 0;

  hold(): TeamCard {
    const action = proposal();
    const card: TeamCard = { ...action, site: 'https://shop.example', tabUrl: 'https://shop.example/', tabTitle: 'Shop', risks: [], createdAt: 1, fingerprint: `fp-${action.id}` };
    this.records.set(card.id, { card, status: 'pending', by: '', at: 0 });
    return card;
  }

  settle(id: string, status: string, by: string): boolean {
    const record = this.records.get(id)!;
    if (record.status !== 'pending') return false;
    Object.assign(record, { status, by, at: Date.now() });
    return true;
  }

  async pendingCards() {
    return [...this.records.values()].filter((record) => record.status === 'pending').map((record) => record.card);
  }
  async standing(id: string) {
    const record = this.records.get(id);
    return record && { status: record.status, by: record.by, at: record.at };
  }
  async applyDecision(id: string, decision: { verdict: string; reviewer: string }) {
    const settled = this.settle(id, decision.verdict === 'approve' ? 'approved' : 'rejected', decision.reviewer);
    if (settled) this.applied++;
    return settled;
  }
  async logRefusal(id: string, reason: string) {
    this.refusals.push({ id, reason });
  }
}

describe('the agent browser’s relay on a real nats-server', () => {
  let server: TeamServer;
  let agentConnection: NatsConnection;
  let reviewerConnection: NatsConnection;
  let agentKv: KV;
  let reviewerQueue: TeamQueue;
  let alice: Awaited<ReturnType<typeof generateReviewerKey>> & { name: string };
  let mallory: typeof alice;
  let browserCount = 0;

  beforeAll(async () => {
    server = await startTeamServer();
    agentConnection = await wsconnect({ servers: server.wsUrl, ...AGENT });
    reviewerConnection = await wsconnect({ servers: server.wsUrl, ...REVIEWER });
    agentKv = await new Kvm(agentConnection).create(PENDING_BUCKET, { history: 5 });
    reviewerQueue = new TeamQueue(await new Kvm(reviewerConnection).open(PENDING_BUCKET));
    alice = { name: 'alice', ...(await generateReviewerKey()) };
    mallory = { name: 'alice', ...(await generateReviewerKey()) };
  }, 20_000);

  afterAll(async () => {
    await agentConnection?.close();
    await reviewerConnection?.close();
    await server?.close();
  });

  /** A fresh agent browser with its own name, trusting alice only. */
  function agentBrowser() {
    const agent = new FakeAgent();
    const browser = `agent-${++browserCount}`;
    return { agent, browser, relay: new AgentRelay(agentKv, browser, [alice.publicKey], agent) };
  }

  /** A reviewer decides on the entry as it stands now (compare-and-set on its revision). */
  async function review(browser: string, id: string, reviewer = alice, verdict: 'approve' | 'reject' = 'approve') {
    const read = (await reviewerQueue.read(browser, id))!;
    const entry = read.entry!;
    const decision = await signDecision({ browser, id, fingerprint: entry.card.fingerprint, verdict, at: Date.now() }, reviewer);
    return reviewerQueue.replace({ ...entry, state: 'decided', decision }, read.revision);
  }

  const entryOf = async (browser: string, id: string): Promise<TeamEntry> => (await reviewerQueue.read(browser, id))!.entry!;

  it('offers each pending card once, however often it syncs', async () => {
    const { agent, browser, relay } = agentBrowser();
    const card = agent.hold();
    await relay.sync();
    const first = await reviewerQueue.read(browser, card.id);
    await relay.sync();
    expect((await reviewerQueue.read(browser, card.id))!.revision).toBe(first!.revision);
    expect(first!.entry).toMatchObject({ state: 'pending', card: { id: card.id, fingerprint: card.fingerprint } });
  });

  it('applies a trusted reviewer’s approval exactly once and closes the entry', async () => {
    const { agent, browser, relay } = agentBrowser();
    const card = agent.hold();
    await relay.sync();
    expect(await review(browser, card.id)).toBe('written');
    await relay.sync();
    await relay.sync();
    expect(agent.applied).toBe(1);
    expect(agent.records.get(card.id)).toMatchObject({ status: 'approved', by: 'alice' });
    expect(await entryOf(browser, card.id)).toMatchObject({ state: 'closed', closed: { status: 'approved', by: 'alice' } });
  });

  it('refuses and logs a decision signed by a key it was not given, and a trusted one still decides', async () => {
    const { agent, browser, relay } = agentBrowser();
    const card = agent.hold();
    await relay.sync();
    expect(await review(browser, card.id, mallory)).toBe('written');
    await relay.sync();
    expect(agent.records.get(card.id)!.status).toBe('pending');
    expect(agent.refusals).toEqual([{ id: card.id, reason: 'team decision refused: signed by a key this browser does not trust' }]);
    // Pending again, with the reason for the refused reviewer to see (under the name it claimed).
    expect(await entryOf(browser, card.id)).toMatchObject({
      state: 'pending',
      refused: [{ reviewer: 'alice', reason: 'signed by a key this browser does not trust', flaw: 'untrustedKey' }],
    });
    expect((await entryOf(browser, card.id)).decision).toBeUndefined();

    expect(await review(browser, card.id, alice, 'reject')).toBe('written');
    await relay.sync();
    expect(agent.records.get(card.id)).toMatchObject({ status: 'rejected', by: 'alice' });
  });

  it('refuses an unsigned decision written straight into the bucket', async () => {
    const { agent, browser, relay } = agentBrowser();
    const card = agent.hold();
    await relay.sync();
    const read = (await reviewerQueue.read(browser, card.id))!;
    const forged = { ...read.entry!, state: 'decided', decision: { browser, id: card.id, fingerprint: card.fingerprint, verdict: 'approve', at: 1, reviewer: 'alice', key: alice.publicKey, signature: 'AAAA' } };
    await (await new Kvm(reviewerConnection).open(PENDING_BUCKET)).update(entryKey(browser, card.id), JSON.stringify(forged), read.revision);
    await relay.sync();
    expect(agent.applied).toBe(0);
    expect(agent.refusals.map((refusal) => refusal.reason)).toEqual(['team decision refused: the signature does not match']);
  });

  it('lets the local panel and a reviewer race: whoever writes first decides, once', async () => {
    const { agent, browser, relay } = agentBrowser();
    const [mine, theirs] = [agent.hold(), agent.hold()];
    await relay.sync();
    // The local panel first: the reviewer's write, made on the revision it read, loses.
    const stale = (await reviewerQueue.read(browser, mine.id))!;
    expect(await relay.claim(mine.id, 'reject', 'person')).toBe('claimed');
    const decision = await signDecision({ browser, id: mine.id, fingerprint: mine.fingerprint, verdict: 'approve', at: 1 }, alice);
    expect(await reviewerQueue.replace({ ...stale.entry!, state: 'decided', decision }, stale.revision)).toBe('lost');
    agent.settle(mine.id, 'rejected', 'person');
    // The reviewer first: the local claim loses, and the reviewer's decision is applied.
    expect(await review(browser, theirs.id)).toBe('written');
    expect(await relay.claim(theirs.id, 'reject', 'person')).toBe('lost');
    await relay.sync();
    expect(agent.records.get(mine.id)!.status).toBe('rejected');
    expect(agent.records.get(theirs.id)).toMatchObject({ status: 'approved', by: 'alice' });
    expect(agent.applied).toBe(1);
    expect(await entryOf(browser, mine.id)).toMatchObject({ state: 'closed', closed: { status: 'rejected', by: 'person' } });
  });

  it('after the server was away: decided locally meanwhile, the entry closes on resync and a late decision is refused', async () => {
    const { agent, browser, relay } = agentBrowser();
    const [decidedHere, decidedThere] = [agent.hold(), agent.hold()];
    await relay.sync();
    await server.stop();
    // The local queue works without the server.
    expect(agent.settle(decidedHere.id, 'approved', 'person')).toBe(true);
    await server.start();
    await expect.poll(async () => reviewerQueue.read(browser, decidedHere.id).then(Boolean).catch(() => false), { timeout: 15_000 }).toBe(true);
    // A reviewer decides one the agent browser settled (timed out) while they could not talk.
    agent.settle(decidedThere.id, 'rejected', 'timeout');
    expect(await review(browser, decidedThere.id)).toBe('written');
    await relay.sync();
    expect(await entryOf(browser, decidedHere.id)).toMatchObject({ state: 'closed', closed: { status: 'approved', by: 'person' } });
    expect(agent.records.get(decidedThere.id)!.status).toBe('rejected');
    expect(agent.refusals).toEqual([{ id: decidedThere.id, reason: 'a decision by alice arrived after the action was settled here' }]);
    expect(await entryOf(browser, decidedThere.id)).toMatchObject({ state: 'closed', closed: { status: 'rejected', by: 'timeout' } });
  }, 30_000);

  it('ignores and counts a malformed entry under its name', async () => {
    const { browser, relay } = agentBrowser();
    await (await new Kvm(reviewerConnection).open(PENDING_BUCKET)).put(entryKey(browser, 'junk'), 'not json');
    await relay.sync();
    expect(relay.malformed).toBe(1);
  });
});
