import { describe, expect, it } from 'vitest';
import { verifyExport } from '@/lib/audit/verify';
import { Broker, type Origin } from '@/lib/broker/broker';
import { openCountersignDb } from '@/lib/db/open';
import { ActionStore } from '@/lib/db/store';
import { generateReviewerKey, signDecision } from '@/lib/team/signing';
import { fingerprintOf } from '@/lib/broker/passkey';
import { joinSlices, writeRows, writerFor, type ExportFormat } from '@/lib/export/formats';
import { FakePlatform } from './fake-platform';
import { proposal } from './helpers';

// The hash chain over the history and `countersign verify`'s checks, on exports written by the
// real writers from a real broker's records, then tampered with as an editor would.

let dbCounter = 0;
const origin: Origin = { tabId: 1, frameId: 0, tabUrl: 'https://shop.example/checkout', tabTitle: 'Checkout' };

async function history() {
  const store = new ActionStore(await openCountersignDb(`audit-${dbCounter++}`));
  await store.saveSettings({ ...(await store.settings()), dwellMs: 0 });
  const platform = new FakePlatform();
  const broker = new Broker(store, platform);
  await broker.reconcile();
  const held = [];
  for (let i = 0; i < 6; i++) {
    const action = proposal({ label: `Order ${i}`, heldAt: 1_700_000_000_000 + i, kind: 'submit' });
    await broker.holds.hold(action, origin);
    held.push(action.id);
  }
  await broker.decisions.deliverDecision(held[0]!, 'approve');
  await broker.decisions.deliverDecision(held[1]!, 'reject', 'not this one');
  await broker.decisions.fromPanel({ id: held[2]!, verdict: 'approve', edits: [{ index: 0, value: 'Grace' }] });
  return { store, platform, broker, held };
}

async function exported(store: ActionStore, broker: Broker, format: ExportFormat = 'ndjson', filter = {}): Promise<string> {
  const records = (await store.recent(10_000)).filter((record) => !('site' in filter) || record.site === (filter as { site: string }).site);
  const writer = writerFor(format, { filter, exportedAt: new Date(), audit: await broker.exportAudit() });
  async function* batches() {
    yield records;
  }
  return joinSlices([await writeRows(batches(), writer)], writer).blob.text();
}

const lines = (text: string) => text.trimEnd().split('\n');
const rowsOf = (text: string) => lines(text).slice(1).map((line) => JSON.parse(line) as Record<string, unknown>);
const withRows = (text: string, rows: unknown[]) => [lines(text)[0], ...rows.map((row) => JSON.stringify(row))].join('\n') + '\n';

describe('the canonical form', () => {
  it('digests a record as its exported row reads back, whatever the order of its keys', async () => {
    const { store, held } = await history();
    const record = (await store.get(held[0]!))!;
    const { exportedAction } = await import('@/lib/db/exported');
    const { rowDigest, stateDigest } = await import('@/lib/db/chain');
    const row = JSON.parse(JSON.stringify(exportedAction(record))) as Record<string, unknown>;
    expect(rowDigest(row)).toBe(stateDigest(record));
    const reversed = Object.fromEntries(Object.entries(row).reverse());
    expect(rowDigest(reversed)).toBe(stateDigest(record));
    expect(rowDigest({ ...row, note: 'x' })).not.toBe(stateDigest(record));
    // The links and a JSON export's picture are not part of what a link covers.
    expect(rowDigest({ ...row, chain: [], screenshot: 'data:image/jpeg;base64,AAAA' })).toBe(stateDigest(record));
  });
});

describe('the hash chain', () => {
  it('links every change of an action, and an untouched export verifies: NDJSON and JSON', async () => {
    const { store, broker, held } = await history();
    const first = await store.get(held[0]!);
    // Held, evaluated, decided, delivered (replayed): each change of what the export shows is a link.
    expect(first?.deliveredAt).toBeDefined();
    expect(first?.chain?.length).toBe(4);
    expect(first?.chain?.map(([seq]) => seq)).toEqual([...first!.chain!.map(([seq]) => seq)].sort((a, b) => a - b));
    for (const format of ['ndjson', 'json'] as const) {
      const report = await verifyExport(await exported(store, broker, format));
      expect(report.problems, format).toEqual([]);
      expect(report).toMatchObject({ ok: true, rows: 6, verified: 6 });
      expect(report.approvals.panel).toBe(2);
    }
  });

  it('finds and locates a changed field, a removed record, a reordered pair, a replaced signature and a truncated file', async () => {
    const { store, broker, held } = await history();
    const text = await exported(store, broker);
    const rows = rowsOf(text);

    const changed = rows.map((row) => (row.id === held[1] ? { ...row, note: 'approved after all' } : row));
    const changedReport = await verifyExport(withRows(text, changed));
    expect(changedReport.ok).toBe(false);
    expect(changedReport.problems).toEqual([{ where: expect.stringContaining(held[1]!), what: expect.stringMatching(/content differs/) }]);

    const removed = await verifyExport(withRows(text, rows.filter((row) => row.id !== held[3])));
    expect(removed.problems.map((problem) => problem.what).join(' ')).toMatch(/missing after the last checkpoint: a record was removed/);

    const swapped = [rows[1], rows[0], ...rows.slice(2)];
    const reordered = await verifyExport(withRows(text, swapped));
    expect(reordered.problems).toEqual([{ where: expect.stringMatching(/^row 1 .* and row 2 /), what: expect.stringMatching(/out of order/) }]);

    const header = JSON.parse(lines(text)[0]!) as { chain: { head: { signature: string } } };
    const forged = { ...header, chain: { ...header.chain, head: { ...header.chain.head, signature: header.chain.head.signature.replace(/^./, (c) => (c === 'A' ? 'B' : 'A')) } } };
    const resigned = await verifyExport([JSON.stringify(forged), ...lines(text).slice(1)].join('\n'));
    expect(resigned.problems).toEqual([{ where: 'header', what: expect.stringMatching(/signature over the chain head does not match/) }]);

    // Re-signed with another key, it holds only for that key: pinned to the browser's, it fails.
    const ownKey = await broker.logKey.publicKey();
    expect((await verifyExport(text, { key: ownKey })).ok).toBe(true);
    const otherKey = (await generateReviewerKey()).publicKey;
    expect((await verifyExport(text, { key: otherKey })).problems).toEqual([{ where: 'header', what: expect.stringMatching(/not the expected/) }]);

    const truncated = await verifyExport(text.slice(0, Math.floor(text.length * 0.6)));
    expect(truncated.ok).toBe(false);
    expect(truncated.problems.map((problem) => problem.where).join(' ')).toMatch(/line \d+/);

    const json = await exported(store, broker, 'json');
    expect((await verifyExport(json.slice(0, -10))).problems[0]?.what).toMatch(/not whole JSON/);
  });

  it('a row changed together with its link, or two links swapped, no longer reaches the signed head', async () => {
    const { store, broker } = await history();
    const text = await exported(store, broker);
    const { rowDigest } = await import('@/lib/db/chain');
    const edited = rowsOf(text) as { label: string; chain: [number, number, string][] }[];
    edited[0]!.label = 'Order 99';
    edited[0]!.chain.at(-1)![2] = rowDigest(edited[0] as unknown as Record<string, unknown>);
    const report = await verifyExport(withRows(text, edited));
    expect(report.problems).toEqual([{ where: expect.stringMatching(/^seq \d+–\d+$/), what: expect.stringMatching(/do not reach the signed head/) }]);

    const swapped = rowsOf(text) as { chain: [number, number, string][] }[];
    const [a, b] = [swapped[0]!.chain.at(-1)!, swapped[1]!.chain.at(-1)!];
    [a[0], b[0]] = [b[0], a[0]];
    expect((await verifyExport(withRows(text, swapped))).ok).toBe(false);
  });

  it('after retention and Clear history, a pruned log still verifies from its signed checkpoint', async () => {
    const { store, broker } = await history();
    await broker.updateSettings({ historyMaxEntries: 4 });
    expect((await store.recent(100)).length).toBe(4);
    const checkpoints = await store.checkpoints();
    expect(checkpoints.map((checkpoint) => checkpoint.reason)).toEqual(['began', 'retention']);
    let report = await verifyExport(await exported(store, broker));
    expect(report.problems).toEqual([]);
    expect(report.notes.join(' ')).toMatch(/the last checkpoint/);

    await broker.clearHistory();
    await broker.holds.hold(proposal({ label: 'After the clear', kind: 'submit' }), origin);
    report = await verifyExport(await exported(store, broker));
    expect(report.problems).toEqual([]);
    expect((await store.checkpoints()).map((checkpoint) => checkpoint.reason)).toEqual(['began', 'retention', 'cleared']);
  });

  it('says a filtered export shows its rows are genuine, not that none is missing', async () => {
    const { store, broker } = await history();
    const report = await verifyExport(await exported(store, broker, 'ndjson', { site: 'https://shop.example' }));
    expect(report.ok).toBe(true);
    expect(report.notes.join(' ')).toMatch(/a filtered export/);
  });

  it('checks a team reviewer’s kept signature against the action, and finds one moved to another action', async () => {
    const { store, broker, held } = await history();
    const reviewer = { name: 'desk', ...(await generateReviewerKey()) };
    const record = (await store.get(held[4]!))!;
    const decision = await signDecision({ browser: 'ci-1', id: record.id, fingerprint: await fingerprintOf(record), verdict: 'approve', at: 1 }, reviewer);
    await broker.decisions.deliverDecision(record.id, 'approve', undefined, [], { name: 'desk', key: reviewer.publicKey }, { team: decision });
    const text = await exported(store, broker);
    const report = await verifyExport(text);
    expect(report.problems).toEqual([]);
    expect(report.approvals.team).toBe(1);
    // The same signature on another row (its chain rebuilt would need the log key): found at the proof.
    const { checkProof } = await import('@/lib/audit/proofs');
    const other = rowsOf(text).find((row) => row.id === held[5])!;
    expect(await checkProof({ ...other, proof: { team: decision } })).toMatchObject({ ok: false, problem: expect.stringMatching(/made for another action/) });
  });
});
