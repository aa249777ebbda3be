import { nkeys, wsconnect, type NatsConnection } from '@nats-io/nats-core';
import { jetstream } from '@nats-io/jetstream';
import * as jwt from '@nats-io/jwt';
import { Kvm } from '@nats-io/kv';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { Broker, type Origin } from '@/lib/broker/broker';
import { handleAgentRequest, handlePanelRequest } from '@/lib/broker/router';
import { openCountersignDb } from '@/lib/db/open';
import { ActionStore } from '@/lib/db/store';
import type { PanelReplies, PanelType } from '@/lib/messaging/messages';
import { entryKey, PENDING_BUCKET } from '@/lib/team/entry';
import { LOG_STREAM, logSubject } from '@/lib/team/log';
import { TeamQueue } from '@/lib/team/queue';
import { checkDecision, generateReviewerKey, signDecision, type SignedDecision } from '@/lib/team/signing';
import { AGENT, REVIEWER, startTeamServer, type TeamServer } from '../team-server';
import { FakePlatform } from './fake-platform';
import { proposal } from './helpers';

let dbCounter = 0;
let browserCounter = 0;
const origin: Origin = { tabId: 1, frameId: 0, tabUrl: 'https://shop.example/checkout', tabTitle: 'Checkout' };

/** One browser's broker, driven through the panel's messages as the real panel drives it. */
async function browserBroker() {
  const store = new ActionStore(await openCountersignDb(`team-broker-${dbCounter++}`));
  await store.saveSettings({ ...(await store.settings()), dwellMs: 0 });
  const platform = new FakePlatform();
  const broker = new Broker(store, platform);
  const panel = <T extends PanelType>(message: { type: T } & Record<string, unknown>) => handlePanelRequest(broker, message) as Promise<PanelReplies[T]>;
  return { store, platform, broker, panel };
}
type BrowserBroker = Awaited<ReturnType<typeof browserBroker>>;

const decisions = (platform: FakePlatform) => platform.sent.filter((sent) => sent.message.type === 'decision');

describe('team review between brokers, over a real nats-server', () => {
  let server: TeamServer;
  const open: BrowserBroker[] = [];

  beforeAll(async () => {
    server = await startTeamServer();
  }, 20_000);
  afterEach(async () => {
    for (const browser of open.splice(0)) await browser.broker.team.link.close();
  });
  afterAll(() => server?.close());

  async function reviewer(name = `desk-${++browserCounter}`) {
    const browser = await browserBroker();
    open.push(browser);
    expect(await browser.panel({ type: 'set-team', change: { enabled: true, url: server.wsUrl, browserName: name, role: 'reviewer', reviewerName: name, user: REVIEWER.user, password: REVIEWER.pass } })).toEqual({ ok: true });
    await expect.poll(async () => (await browser.panel({ type: 'team-status' })).state).toBe('online');
    return { ...browser, key: (await browser.panel({ type: 'team-status' })).publicKey, name };
  }

  async function agent(trusted: { name: string; key: string }[]) {
    const browser = await browserBroker();
    open.push(browser);
    const name = `ci-${++browserCounter}`;
    expect(await browser.panel({ type: 'set-team', change: { enabled: true, url: server.wsUrl, browserName: name, role: 'agent', user: AGENT.user, password: AGENT.pass, trustedReviewers: trusted } })).toEqual({ ok: true });
    await expect.poll(async () => (await browser.panel({ type: 'team-status' })).state).toBe('online');
    return { ...browser, name };
  }

  /** Holds a purchase in the agent browser and waits until the reviewer's queue shows it. */
  async function heldAndSeen(agentBrowser: Awaited<ReturnType<typeof agent>>, reviewers: BrowserBroker[]) {
    const action = proposal({
      fields: [{ name: 'card', label: 'Card', type: 'text', value: '•••• 4242', masked: true }],
      // Where the secret sits on screen: painted over, so a picture may be kept.
      redactions: [{ x: 10, y: 10, width: 200, height: 20 }],
      target: { x: 10, y: 40, width: 80, height: 20, viewportWidth: 800, viewportHeight: 600 },
    });
    expect(await agentBrowser.broker.holds.hold(action, origin)).toEqual({ status: 'held' });
    for (const { panel } of reviewers) {
      await expect.poll(async () => (await panel({ type: 'team-queue' })).reviews.map((review) => review.card.id)).toContain(action.id);
    }
    const review = (await reviewers[0]!.panel({ type: 'team-queue' })).reviews.find((r) => r.card.id === action.id)!;
    return { action, review };
  }

  it('shows an agent browser’s held action in the reviewer’s queue; Approve there delivers it once, signed', async () => {
    const desk = await reviewer();
    const ci = await agent([{ name: desk.name, key: desk.key }]);
    const { action, review } = await heldAndSeen(ci, [desk]);
    expect(review).toMatchObject({ browser: ci.name, card: { site: 'https://shop.example', label: 'Place order', tabTitle: 'Checkout' } });
    // The secret was masked in the page: only the mask travels.
    expect(review.card.fields[0]).toMatchObject({ value: '•••• 4242', masked: true });

    // The same gate as a local card: a high-risk purchase needs its typed confirmation.
    const decide = { type: 'team-decide', browser: ci.name, id: action.id, verdict: 'approve', fingerprint: review.card.fingerprint, note: 'ok by me' } as const;
    expect(review.card.confirm?.value).toBe('shop.example');
    expect(await desk.panel(decide)).toMatchObject({ ok: false, error: 'Type shop.example to confirm this approval.' });
    expect(await desk.panel({ ...decide, fingerprint: 'another-version', confirmation: 'shop.example' })).toMatchObject({ ok: false, error: 'The agent browser changed this action; review it again.' });
    expect(await desk.panel({ ...decide, confirmation: 'shop.example' })).toEqual({ ok: true });
    await expect.poll(async () => (await ci.store.get(action.id))?.status).toBe('approved');
    expect(await ci.store.get(action.id)).toMatchObject({ decidedBy: 'person', note: 'ok by me', reviewer: { name: desk.name, key: desk.key } });
    expect(decisions(ci.platform)).toHaveLength(1);
    await expect.poll(async () => (await desk.panel({ type: 'team-queue' })).reviews).toEqual([]);
    // Nothing is delivered twice, however often the relay syncs.
    ci.broker.team.changed();
    await new Promise((done) => setTimeout(done, 300));
    expect(decisions(ci.platform)).toHaveLength(1);

    // The picture went to the object store; the reviewer's panel gets it as an image.
    expect(review.card.screenshot).toBe(true);
    const picture = await desk.panel({ type: 'team-screenshot', browser: ci.name, id: action.id });
    expect(picture).toEqual({ url: `data:image/png;base64,${btoa('jpeg')}` });

    // Every change of the action is in the log stream, in the NDJSON export's shape.
    const connection = await wsconnect({ servers: server.wsUrl, ...REVIEWER });
    try {
      const consumer = await jetstream(connection).consumers.get(LOG_STREAM, { filter_subjects: logSubject(ci.name) });
      const events: { id: string; outcome: string; reviewer?: { name: string }; chain?: { seq: number; hash: string }[] }[] = [];
      for await (const message of await consumer.fetch({ max_messages: 10, expires: 1000 })) events.push(message.json());
      // Held, then decided (a sync may also catch the approval before its delivery was stored).
      const outcomes = events.map((event) => [event.id, event.outcome, event.reviewer?.name]);
      expect(outcomes[0]).toEqual([action.id, 'pending', undefined]);
      expect(outcomes.at(-1)).toEqual([action.id, 'approved', desk.name]);
      expect(outcomes.length).toBeLessThanOrEqual(3);
      // The stream carries the history's hash chain: each event with the links so far.
      const lastLinks = events.at(-1)!.chain!;
      expect(lastLinks.length).toBeGreaterThan(events[0]!.chain!.length);
      expect(lastLinks.at(-1)).toEqual((await ci.store.get(action.id))!.chain!.at(-1));
    } finally {
      await connection.close();
    }
  });

  it('shows the reviewer what joined a card, and refuses a decision signed before something joined', async () => {
    const desk = await reviewer();
    const ci = await agent([{ name: desk.name, key: desk.key }]);
    const { action, review } = await heldAndSeen(ci, [desk]);
    const stash = { method: 'POST', url: 'https://shop.example/api/stash', fields: [{ name: 'draft', label: 'draft', type: 'form', value: '1' }] };
    expect(await ci.broker.holds.joinRequest(origin.tabId, action.id, stash)).toEqual({ joined: true });
    await expect
      .poll(async () => (await desk.panel({ type: 'team-queue' })).reviews.find((r) => r.card.id === action.id)?.card.alsoSends)
      .toEqual([stash]);
    const stale = { type: 'team-decide', browser: ci.name, id: action.id, verdict: 'approve', fingerprint: review.card.fingerprint, confirmation: 'shop.example' } as const;
    expect(await desk.panel(stale)).toMatchObject({ ok: false, error: 'The agent browser changed this action; review it again.' });
    const current = (await desk.panel({ type: 'team-queue' })).reviews.find((r) => r.card.id === action.id)!;
    expect(await desk.panel({ ...stale, fingerprint: current.card.fingerprint })).toEqual({ ok: true });
  });

  it('ignores and counts a malformed entry in the bucket; the queue goes on', async () => {
    const desk = await reviewer();
    const ci = await agent([{ name: desk.name, key: desk.key }]);
    const connection = await wsconnect({ servers: server.wsUrl, ...AGENT });
    try {
      const kv = await new Kvm(connection).open(PENDING_BUCKET);
      await kv.put(entryKey(ci.name, 'garbage'), '{"v":1,"state":"pending","card":"<img src=x onerror=alert(1)>"}');
      await kv.put(entryKey(ci.name, 'not-json'), 'not json at all');
    } finally {
      await connection.close();
    }
    await expect.poll(async () => (await desk.panel({ type: 'team-status' })).malformed).toBe(2);
    await expect.poll(async () => (await ci.panel({ type: 'team-status' })).malformed).toBe(2);
    expect((await desk.panel({ type: 'team-queue' })).reviews).toEqual([]);
    const { action } = await heldAndSeen(ci, [desk]);
    expect((await desk.panel({ type: 'team-queue' })).reviews.map((review) => review.card.id)).toEqual([action.id]);
    // Counted once each, however often the agent browser syncs.
    await new Promise((done) => setTimeout(done, 300));
    expect((await ci.panel({ type: 'team-status' })).malformed).toBe(2);
  });

  it('delivers once when two reviewers approve at the same moment', async () => {
    const [alice, bob] = [await reviewer(), await reviewer()];
    const ci = await agent([{ name: alice.name, key: alice.key }, { name: bob.name, key: bob.key }]);
    const { action, review } = await heldAndSeen(ci, [alice, bob]);
    const approve = (who: BrowserBroker) =>
      who.panel({ type: 'team-decide', browser: ci.name, id: action.id, verdict: 'approve', fingerprint: review.card.fingerprint, confirmation: 'shop.example' });
    const replies = await Promise.all([approve(alice), approve(bob)]);
    expect(replies.filter((reply) => reply.ok)).toHaveLength(1);
    expect(replies.find((reply) => !reply.ok)).toMatchObject({ error: expect.stringMatching(/decided this action first|already decided/) });
    await expect.poll(async () => (await ci.store.get(action.id))?.status).toBe('approved');
    await new Promise((done) => setTimeout(done, 300));
    expect(decisions(ci.platform)).toHaveLength(1);
  });

  it('lets the local panel and a reviewer race: whoever writes first decides, once', async () => {
    const desk = await reviewer();
    const ci = await agent([{ name: desk.name, key: desk.key }]);
    const { action, review } = await heldAndSeen(ci, [desk]);
    const [remote, local] = await Promise.all([
      desk.panel({ type: 'team-decide', browser: ci.name, id: action.id, verdict: 'reject', fingerprint: review.card.fingerprint, note: 'no' }),
      ci.panel({ type: 'decide', id: action.id, verdict: 'approve', confirmation: 'shop.example' }),
    ]);
    expect([remote.ok, local.ok].filter(Boolean)).toHaveLength(1);
    const expected = remote.ok ? 'rejected' : 'approved';
    await expect.poll(async () => (await ci.store.get(action.id))?.status).toBe(expected);
    await new Promise((done) => setTimeout(done, 300));
    expect((await ci.store.get(action.id))?.status).toBe(expected);
    expect(decisions(ci.platform)).toHaveLength(1);
  });

  it('puts the agent’s question in the team queue; a reviewer’s signed answer is what the agent reads, and it cannot be replayed as an approval', async () => {
    const desk = await reviewer();
    const ci = await agent([{ name: desk.name, key: desk.key }]);
    await handleAgentRequest(ci.broker, { id: 1, type: 'declare-task', task: 'Buy a kettle' });
    const asked = (await handleAgentRequest(ci.broker, { id: 2, type: 'ask-person', question: 'Red or blue?', options: ['Red', 'Blue'], confidence: 0.3 })) as { question: string };
    await expect.poll(async () => (await desk.panel({ type: 'team-queue' })).reviews.map((review) => review.card.id)).toContain(asked.question);
    const review = (await desk.panel({ type: 'team-queue' })).reviews.find((r) => r.card.id === asked.question)!;
    expect(review.card).toMatchObject({ kind: 'question', question: { text: 'Red or blue?', options: ['Red', 'Blue'], confidence: 0.3 }, task: { task: 'Buy a kettle' } });

    const decide = { type: 'team-decide', browser: ci.name, id: asked.question, fingerprint: review.card.fingerprint } as const;
    expect(await desk.panel({ ...decide, verdict: 'approve' })).toMatchObject({ ok: false, error: 'A question from the agent is answered, not approved.' });
    expect(await desk.panel({ ...decide, verdict: 'approve', answer: 'Blue' })).toEqual({ ok: true });
    await expect.poll(async () => handleAgentRequest(ci.broker, { id: 3, type: 'await-answer', question: asked.question })).toEqual({ status: 'answered', answer: 'Blue' });
    expect(await ci.store.get(asked.question)).toMatchObject({ status: 'answered', reviewer: { name: desk.name, key: desk.key } });
    await expect.poll(async () => (await desk.panel({ type: 'team-queue' })).reviews.filter((r) => r.browser === ci.name)).toEqual([]);

    // The signed answer, its answer stripped, does not verify as a decision.
    const entry = await new TeamQueue(await new Kvm(ci.broker.team.link['connection']!).open(PENDING_BUCKET)).read(ci.name, asked.question);
    const signed = entry!.entry!.decision as SignedDecision;
    expect(signed.answer).toBe('Blue');
    const stripped: SignedDecision = { ...signed };
    delete stripped.answer;
    expect(await checkDecision(stripped, { browser: ci.name, id: asked.question, fingerprint: review.card.fingerprint }, [desk.key])).toEqual({ ok: false, flaw: 'badSignature', reason: 'the signature does not match' });
  });

  it('lets a question answered in the agent browser’s own panel close the team entry', async () => {
    const desk = await reviewer();
    const ci = await agent([{ name: desk.name, key: desk.key }]);
    const asked = (await handleAgentRequest(ci.broker, { id: 1, type: 'ask-person', question: 'Proceed?' })) as { question: string };
    const mine = async () => (await desk.panel({ type: 'team-queue' })).reviews.filter((r) => r.browser === ci.name);
    await expect.poll(async () => (await mine()).length).toBe(1);
    const review = (await mine())[0]!;
    expect(await ci.panel({ type: 'answer', id: asked.question, answer: 'No' })).toEqual({ ok: true });
    await expect.poll(mine).toEqual([]);
    expect(await desk.panel({ type: 'team-decide', browser: ci.name, id: asked.question, fingerprint: review.card.fingerprint, verdict: 'approve', answer: 'Yes' })).toMatchObject({ ok: false });
    expect((await ci.store.get(asked.question))?.question?.answer).toBe('No');
  });

  it('refuses and logs a decision written straight into the bucket, unsigned or by an unknown key', async () => {
    const desk = await reviewer();
    const ci = await agent([{ name: desk.name, key: desk.key }]);
    const { action, review } = await heldAndSeen(ci, [desk]);
    const connection: NatsConnection = await wsconnect({ servers: server.wsUrl, ...REVIEWER });
    try {
      const queue = new TeamQueue(await new Kvm(connection).open(PENDING_BUCKET));
      const mallory = { name: desk.name, ...(await generateReviewerKey()) };
      const statement = { browser: ci.name, id: action.id, fingerprint: review.card.fingerprint, verdict: 'approve' as const, at: Date.now() };
      for (const decision of [await signDecision(statement, mallory), { ...statement, reviewer: desk.name, key: desk.key, signature: 'AAAA' }]) {
        const read = (await queue.read(ci.name, action.id))!;
        expect(await queue.replace({ ...read.entry!, state: 'decided', decision }, read.revision)).toBe('written');
        await expect.poll(async () => (await queue.read(ci.name, action.id))?.entry?.state).toBe('pending');
      }
    } finally {
      await connection.close();
    }
    const record = await ci.store.get(action.id);
    expect(record?.status).toBe('pending');
    expect(record?.refusals?.map((refusal) => refusal.reason)).toEqual([
      'team decision refused: signed by a key this browser does not trust',
      'team decision refused: the signature does not match',
    ]);
    expect(decisions(ci.platform)).toHaveLength(0);
    // The trusted reviewer can still decide it.
    expect(await desk.panel({ type: 'team-decide', browser: ci.name, id: action.id, verdict: 'reject', fingerprint: review.card.fingerprint })).toEqual({ ok: true });
    await expect.poll(async () => (await ci.store.get(action.id))?.status).toBe('rejected');
  });

  it('keeps a held action held and locally decidable while the server is down, and resyncs after', async () => {
    const desk = await reviewer();
    const ci = await agent([{ name: desk.name, key: desk.key }]);
    const { action } = await heldAndSeen(ci, [desk]);
    await server.stop();
    try {
      await expect.poll(async () => (await ci.panel({ type: 'team-status' })).state).toBe('offline');
      expect((await ci.store.get(action.id))?.status).toBe('pending');
      expect(await ci.panel({ type: 'decide', id: action.id, verdict: 'approve', confirmation: 'shop.example' })).toEqual({ ok: true });
      expect(decisions(ci.platform)).toHaveLength(1);
    } finally {
      await server.start();
    }
    await expect.poll(async () => (await ci.panel({ type: 'team-status' })).state, { timeout: 10_000 }).toBe('online');
    // The entry closes on reconnect, so the reviewer's card goes away.
    await expect.poll(async () => (await desk.panel({ type: 'team-queue' })).reviews.map((r) => r.card.id), { timeout: 10_000 }).not.toContain(action.id);
  });

  it('starts with the server unreachable: local review works, and the queue catches up once it is there', async () => {
    const late = await startTeamServer();
    await late.stop();
    try {
      const desk = await browserBroker();
      open.push(desk);
      const ci = await browserBroker();
      open.push(ci);
      const { publicKey } = await desk.panel({ type: 'team-status' });
      const change = { enabled: true, url: late.wsUrl, user: AGENT.user, password: AGENT.pass };
      expect(await ci.panel({ type: 'set-team', change: { ...change, browserName: 'ci-late', role: 'agent', trustedReviewers: [{ name: 'desk', key: publicKey }] } })).toEqual({ ok: true });
      expect(await desk.panel({ type: 'set-team', change: { ...change, browserName: 'desk-late', role: 'reviewer', user: REVIEWER.user, password: REVIEWER.pass } })).toEqual({ ok: true });
      expect((await ci.panel({ type: 'team-status' })).state).toBe('connecting');
      const decidedHere = proposal({ kind: 'submit' });
      const waiting = proposal({ kind: 'submit', label: 'Save later' });
      for (const action of [decidedHere, waiting]) expect(await ci.broker.holds.hold(action, origin)).toEqual({ status: 'held' });
      expect(await ci.panel({ type: 'decide', id: decidedHere.id, verdict: 'approve' })).toEqual({ ok: true });
      expect(decisions(ci.platform)).toHaveLength(1);

      await late.start();
      await expect.poll(async () => (await ci.panel({ type: 'team-status' })).state, { timeout: 10_000 }).toBe('online');
      await expect.poll(async () => (await desk.panel({ type: 'team-queue' })).reviews.map((r) => r.card.label), { timeout: 10_000 }).toEqual(['Save later']);
    } finally {
      await late.close();
    }
  });

  it('signs in with an nkey seed instead of a password, and a seed the server does not know stays out', async () => {
    const user = nkeys.createUser();
    const stranger = nkeys.createUser();
    const keyed = await startTeamServer({ nkeys: [user.getPublicKey()] });
    try {
      const ci = await browserBroker();
      open.push(ci);
      const seed = new TextDecoder().decode(user.getSeed());
      const change = { enabled: true, url: keyed.wsUrl, browserName: 'ci-nkey', role: 'reviewer', nkeySeed: seed };
      expect(await ci.panel({ type: 'set-team', change })).toEqual({ ok: true });
      await expect.poll(async () => (await ci.panel({ type: 'team-status' })).state).toBe('online');
      expect(JSON.stringify(await ci.panel({ type: 'team-status' }))).not.toContain(seed);

      expect(await ci.panel({ type: 'set-team', change: { nkeySeed: new TextDecoder().decode(stranger.getSeed()) } })).toEqual({ ok: true });
      await expect.poll(async () => (await ci.panel({ type: 'team-status' })).problem, { timeout: 8000 }).toBe('The team server refused the connection: Authorization Violation');
      expect((await ci.panel({ type: 'team-status' })).state).toBe('offline');
    } finally {
      await keyed.close();
    }
  });

  it('signs in with a creds file (decentralized JWT auth) and uses JetStream under its account', async () => {
    const [operator, system, account, user] = [jwt.createOperator(), jwt.createAccount(), jwt.createAccount(), jwt.createUser()];
    // An account's limits replace the defaults whole: connections and subscriptions too.
    const everything = { conn: -1, subs: -1, data: -1, payload: -1, imports: -1, exports: -1, wildcards: true, mem_storage: -1, disk_storage: -1, streams: -1, consumer: -1 };
    const trust = {
      jwt: await jwt.encodeOperator('team', operator, { system_account: system.getPublicKey() }),
      systemAccount: system.getPublicKey(),
      accounts: {
        [system.getPublicKey()]: await jwt.encodeAccount('SYS', system, {}, { signer: operator }),
        [account.getPublicKey()]: await jwt.encodeAccount('team', account, { limits: everything }, { signer: operator }),
      },
    };
    const creds = new TextDecoder().decode(jwt.fmtCreds(await jwt.encodeUser('ci', user, account), user));
    const decentral = await startTeamServer({ operator: trust });
    try {
      const ci = await browserBroker();
      open.push(ci);
      expect(await ci.panel({ type: 'set-team', change: { enabled: true, url: decentral.wsUrl, browserName: 'ci-creds', role: 'reviewer', creds } })).toEqual({ ok: true });
      await expect.poll(async () => (await ci.panel({ type: 'team-status' })).state).toBe('online');
      const status = await ci.panel({ type: 'team-status' });
      expect(status.settings).toMatchObject({ hasCreds: true });
      expect(JSON.stringify(status)).not.toContain('SEED');
    } finally {
      await decentral.close();
    }
  });

  it('asks a reviewer’s passkey for a team card as for a local one: a driven reviewer panel cannot approve without it', async () => {
    const desk = await reviewer();
    const ci = await agent([{ name: desk.name, key: desk.key }]);
    await desk.store.savePasskey({ credentialId: 'cred-1', publicKey: 'pQECAyYgASFYIA', counter: 0, createdAt: 1 });
    desk.platform.panelDriven = true;
    const { action, review } = await heldAndSeen(ci, [desk]);
    expect(review.needsPasskey).toBe(true);
    const approve = { type: 'team-decide', browser: ci.name, id: action.id, verdict: 'approve', fingerprint: review.card.fingerprint, confirmation: 'shop.example' } as const;
    expect(await desk.panel(approve)).toMatchObject({ ok: false, error: 'This needs your passkey.' });
    // A challenge is bound to this browser's action and the card as the reviewer saw it.
    const options = await desk.panel({ type: 'passkey-challenge', browser: ci.name, id: action.id });
    expect(options).toMatchObject({ allowCredentials: [{ id: 'cred-1', type: 'public-key' }] });
    expect(await desk.panel({ type: 'passkey-challenge', browser: ci.name, id: 'no-such-action' })).toEqual({ error: 'This action is no longer waiting in the team queue.' });
    await new Promise((done) => setTimeout(done, 300));
    expect((await ci.store.get(action.id))?.status).toBe('pending');
    // Rejecting never needs it.
    expect(await desk.panel({ ...approve, verdict: 'reject' })).toEqual({ ok: true });
    await expect.poll(async () => (await ci.store.get(action.id))?.status).toBe('rejected');
  });

  it('takes the passkey to trust a new reviewer key, and leaves the administrator’s fields alone', async () => {
    const browser = await browserBroker();
    open.push(browser);
    await browser.store.savePasskey({ credentialId: 'cred', publicKey: 'key', counter: 0, createdAt: 1 });
    const key = (await generateReviewerKey()).publicKey;
    const reply = await browser.panel({ type: 'set-team', change: { trustedReviewers: [{ name: 'eve', key }] } });
    expect(reply).toMatchObject({ ok: false });
    expect((await browser.panel({ type: 'team-status' })).settings.trustedReviewers).toEqual([]);

    browser.platform.managedTeamPolicy = { url: 'wss://team.example:443', role: 'agent' };
    const status = await browser.panel({ type: 'team-status' });
    expect(status.settings).toMatchObject({ url: 'wss://team.example:443', managed: ['url', 'role'], enabled: false });
    expect(await browser.panel({ type: 'set-team', change: { url: 'ws://127.0.0.1:1' } })).toMatchObject({ ok: false, error: 'Set by your administrator: url.' });
    expect(await browser.panel({ type: 'set-team', change: { url: 'http://x' } })).toMatchObject({ ok: false, error: expect.stringContaining('wss://') });
    expect(await browser.panel({ type: 'set-team', change: { browserName: 'has a space' } })).toMatchObject({ ok: false });
    // Secrets never come back to the panel.
    expect(await browser.panel({ type: 'set-team', change: { password: 'hunter2' } })).toEqual({ ok: true });
    const shown = (await browser.panel({ type: 'team-status' })).settings;
    expect(shown).toMatchObject({ hasPassword: true });
    expect(JSON.stringify(shown)).not.toContain('hunter2');
  });
});
