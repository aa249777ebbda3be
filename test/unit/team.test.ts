import { wsconnect, type NatsConnection } from '@nats-io/nats-core';
import { jetstream, jetstreamManager } from '@nats-io/jetstream';
import { Kvm, type KV } from '@nats-io/kv';
import type { ActionRecord } from '@/lib/db/schema';
import { writerFor } from '@/lib/export/formats';
import { ensureLogStream, LOG_STREAM, LogPublisher, logSubject } from '@/lib/team/log';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { entryKey, parseEntry, PENDING_BUCKET, type TeamEntry } from '@/lib/team/entry';
import { TeamQueue, type ReadEntry } from '@/lib/team/queue';
import { checkDecision, generateReviewerKey, signDecision, type SignedDecision } from '@/lib/team/signing';
import { AGENT, REVIEWER, startTeamServer, type TeamServer } from '../team-server';
import { proposal } from './helpers';

function pendingEntry(browser = 'ci-runner-1'): TeamEntry {
  const action = proposal({
    fields: [
      { name: 'name', label: 'Name', type: 'text', value: 'Ada' },
      { name: 'card', label: 'Card number', type: 'text', value: '••••', masked: true },
    ],
  });
  return {
    v: 1,
    browser,
    id: action.id,
    state: 'pending',
    card: { ...action, site: 'https://shop.example', tabUrl: 'https://shop.example/checkout', tabTitle: 'Checkout', risks: ['amount'], createdAt: 1, fingerprint: 'fp-1' },
  };
}

const statementFor = (entry: TeamEntry, verdict: 'approve' | 'reject' = 'approve') => ({
  browser: entry.browser,
  id: entry.id,
  fingerprint: entry.card.fingerprint,
  verdict,
  at: 2,
});

describe('reviewer signatures', () => {
  it('verify for the browser, action and card they were made for, from a configured key only', async () => {
    const alice = { name: 'alice', ...(await generateReviewerKey()) };
    const mallory = { name: 'alice', ...(await generateReviewerKey()) }; // claims the same name
    const entry = pendingEntry();
    const expected = { browser: entry.browser, id: entry.id, fingerprint: entry.card.fingerprint };
    const signed = await signDecision(statementFor(entry), alice);

    expect(await checkDecision(signed, expected, [alice.publicKey])).toEqual({ ok: true });
    expect(await checkDecision(await signDecision(statementFor(entry), mallory), expected, [alice.publicKey])).toEqual({
      ok: false,
      flaw: 'untrustedKey',
      reason: 'signed by a key this browser does not trust',
    });
    // A relay that edits a signed decision, or moves it to another action or card, is caught.
    const tampered: SignedDecision = { ...signed, verdict: 'reject' };
    expect(await checkDecision(tampered, expected, [alice.publicKey])).toEqual({ ok: false, flaw: 'badSignature', reason: 'the signature does not match' });
    const withNote: SignedDecision = { ...signed, note: 'sent by the relay' };
    expect((await checkDecision(withNote, expected, [alice.publicKey])).ok).toBe(false);
    expect(await checkDecision(signed, { ...expected, fingerprint: 'fp-2' }, [alice.publicKey])).toEqual({
      ok: false,
      flaw: 'otherVersion',
      reason: 'made for a different version of this action',
    });
    expect(await checkDecision(signed, { ...expected, id: 'other' }, [alice.publicKey])).toEqual({ ok: false, flaw: 'otherAction', reason: 'made for another action' });
    const unsigned: SignedDecision = { ...signed, signature: '' };
    expect((await checkDecision(unsigned, expected, [alice.publicKey])).ok).toBe(false);
  });
});

describe('entries', () => {
  it('refuse what is not a well-formed entry: a bad browser name, a card with no id or fingerprint, junk', () => {
    const entry = pendingEntry();
    expect(parseEntry(JSON.parse(JSON.stringify(entry)))).not.toBeNull();
    expect(parseEntry({ ...entry, browser: 'a.b' })).toBeNull();
    expect(parseEntry({ ...entry, card: { ...entry.card, id: undefined } })).toBeNull();
    // Page data is read as leniently as a page's own proposal: what cannot be read is unclassified.
    expect(parseEntry({ ...entry, card: { ...entry.card, kind: 'launch-missiles' } })?.card.kind).toBe('unclassified');
    expect(parseEntry({ ...entry, card: { ...entry.card, fingerprint: undefined } })).toBeNull();
    expect(parseEntry('junk')).toBeNull();
  });
});

describe('a question card in the team queue', () => {
  const question = {
    id: 'q-1',
    kind: 'question',
    trigger: 'channel',
    label: 'Red or blue?',
    frameUrl: 'https://shop.example/cart',
    frameTitle: 'Cart',
    heldAt: 1,
    question: { text: 'Red or blue?', options: ['Red', 'Blue'], confidence: 0.3 },
    site: 'https://shop.example',
    tabUrl: 'https://shop.example/cart',
    tabTitle: 'Cart',
    risks: [],
    createdAt: 1,
    fingerprint: 'fp-q',
  };
  const entry = (card: unknown) => ({ v: 1, browser: 'ci-1', id: 'q-1', state: 'pending', card });

  it('is read by its own schema: what the agent asked, nothing a page could add', () => {
    const read = parseEntry(entry({ ...question, fields: [{ name: 'card', label: 'Card', type: 'text', value: '4242' }], form: { action: 'https://evil.example', method: 'post' } }));
    expect(read?.card).toMatchObject({ kind: 'question', question: { text: 'Red or blue?', options: ['Red', 'Blue'], confidence: 0.3 }, fields: [] });
    expect(read?.card.form).toBeUndefined();
  });

  it('is refused without its question, with ten options or an impossible confidence', () => {
    expect(parseEntry(entry({ ...question, question: undefined }))).toBeNull();
    expect(parseEntry(entry({ ...question, question: { text: 'Which?', options: Array.from({ length: 10 }, (_, i) => `Option ${i}`) } }))).toBeNull();
    expect(parseEntry(entry({ ...question, question: { text: 'Which?', confidence: 2 } }))).toBeNull();
  });

  it('is answered by a statement of its own: an answer’s signature does not verify as a decision, nor with another answer', async () => {
    const reviewer = { name: 'desk', ...(await generateReviewerKey()) };
    const expected = { browser: 'ci-1', id: 'q-1', fingerprint: 'fp-q' };
    const signed = await signDecision({ ...expected, verdict: 'approve', at: 2, answer: 'Blue' }, reviewer);
    expect(await checkDecision(signed, expected, [reviewer.publicKey])).toEqual({ ok: true });
    expect(await checkDecision({ ...signed, answer: 'Red' }, expected, [reviewer.publicKey])).toMatchObject({ ok: false });
    const asDecision: SignedDecision = { ...signed };
    delete asDecision.answer;
    expect(await checkDecision(asDecision, expected, [reviewer.publicKey])).toMatchObject({ ok: false });
  });
});

describe('the team queue on a real nats-server (JetStream KV over WebSocket)', () => {
  let server: TeamServer;
  let agent: NatsConnection;
  let reviewers: NatsConnection[];
  let agentKv: KV;

  beforeAll(async () => {
    server = await startTeamServer();
    agent = await wsconnect({ servers: server.wsUrl, ...AGENT });
    reviewers = [await wsconnect({ servers: server.wsUrl, ...REVIEWER }), await wsconnect({ servers: server.wsUrl, ...REVIEWER })];
    agentKv = await new Kvm(agent).create(PENDING_BUCKET, { history: 5 });
  }, 20_000);

  afterAll(async () => {
    for (const connection of [agent, ...reviewers]) await connection?.close();
    await server?.close();
  });

  const reviewerQueue = async (index: number) => new TeamQueue(await new Kvm(reviewers[index]!).open(PENDING_BUCKET));

  it('shows a reviewer what the agent browser offered, secrets still masked', async () => {
    const entry = pendingEntry();
    const seen: ReadEntry[] = [];
    const stop = await (await reviewerQueue(0)).watch('*', (_, read) => read && seen.push(read));
    await new TeamQueue(agentKv).offer(entry);
    await expect.poll(() => seen.find((read) => read.entry?.id === entry.id)).toBeTruthy();
    const shown = seen.find((read) => read.entry?.id === entry.id)!.entry!;
    expect(shown.card.fields[1]).toMatchObject({ label: 'Card number', value: '••••', masked: true });
    expect(shown.state).toBe('pending');
    stop();
  });

  it('lets exactly one of two reviewers deciding at once win', async () => {
    const entry = pendingEntry();
    const revision = await new TeamQueue(agentKv).offer(entry);
    const [first, second] = [await reviewerQueue(0), await reviewerQueue(1)];
    const alice = { name: 'alice', ...(await generateReviewerKey()) };
    const bob = { name: 'bob', ...(await generateReviewerKey()) };
    const decided = (decision: SignedDecision): TeamEntry => ({ ...entry, state: 'decided', decision });
    const results: ('written' | 'lost')[] = await Promise.all([
      first.replace(decided(await signDecision(statementFor(entry), alice)), revision),
      second.replace(decided(await signDecision(statementFor(entry, 'reject'), bob)), revision),
    ]);
    expect([...results].sort()).toEqual(['lost', 'written']);
    const stored = await new TeamQueue(agentKv).read(entry.browser, entry.id);
    const winner = results[0] === 'written' ? 'alice' : 'bob';
    expect(stored!.entry!.decision).toMatchObject({ reviewer: winner });
    expect(stored!.revision).toBe(revision + 1);
  });

  it('publishes each change of an action to the log stream as the NDJSON export writes it, once', async () => {
    await ensureLogStream(await jetstreamManager(agent));
    await ensureLogStream(await jetstreamManager(agent)); // a second browser finds it there
    const log = new LogPublisher(jetstream(agent), 'ci-runner-1');
    const held: ActionRecord = { ...proposal(), tabId: 7, frameId: 0, tabUrl: 'https://shop.example/', tabTitle: 'Shop', site: 'https://shop.example', status: 'pending', createdAt: 1, risks: [] };
    const approved: ActionRecord = { ...held, status: 'approved', decidedAt: 5, decidedBy: 'person', deliveredAt: 6 };
    expect(await log.publish(held)).toEqual({ duplicate: false });
    expect(await log.publish(approved)).toEqual({ duplicate: false });
    expect(await log.publish(approved)).toEqual({ duplicate: true }); // a retry after a lost ack

    // A consumer of the stream (as the nats CLI or a log shipper would read it).
    const consumer = await jetstream(reviewers[0]!).consumers.get(LOG_STREAM, { filter_subjects: logSubject('ci-runner-1') });
    const lines: string[] = [];
    for await (const message of await consumer.fetch({ max_messages: 3, expires: 1000 })) lines.push(message.string());
    const ndjson = writerFor('ndjson', { filter: {}, exportedAt: new Date(0) });
    expect(lines).toEqual([held, approved].map((record) => ndjson.row(record).trimEnd()));
  });

  it('reads a malformed entry as null, for the agent browser to ignore and count', async () => {
    const queue = await reviewerQueue(0);
    await (await new Kvm(reviewers[0]!).open(PENDING_BUCKET)).put(entryKey('ci-runner-1', 'junk'), '{"v":1,"card":');
    expect(await queue.read('ci-runner-1', 'junk')).toMatchObject({ entry: null });
  });
});
