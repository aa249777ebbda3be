import { describe, expect, it } from 'vitest';
import { openCountersignDb } from '@/lib/db/open';
import type { ActionRecord } from '@/lib/db/schema';
import { ActionStore } from '@/lib/db/store';
import { outcomeOf, wordsOf } from '@/lib/db/outcome';
import { EXPORT_FORMATS } from '@/lib/export/formats';
import { exportHistory, writeSlice, type SliceJob } from '@/lib/export/slices';
import { countHistory, pageHistory, planQuery, queryHistory, splitByTime, type HistoryFilter } from '@/lib/history/query';
import { proposal } from './helpers';

let dbCounter = 0;

function record(i: number, over: Partial<ActionRecord> = {}): ActionRecord {
  return {
    ...proposal({ id: `a${String(i).padStart(5, '0')}`, kind: (['purchase', 'send', 'submit'] as const)[i % 3], label: `Action ${i}` }),
    tabId: 1,
    frameId: 0,
    tabUrl: `https://site${i % 4}.example/page`,
    tabTitle: i % 10 === 0 ? 'Quarterly invoice' : 'Checkout',
    site: `https://site${i % 4}.example`,
    status: i % 5 === 0 ? 'rejected' : 'approved',
    decidedBy: 'person',
    createdAt: 1_000_000 + i * 1000,
    decidedAt: 1_000_000 + i * 1000 + 500,
    risks: [],
    recipients: i % 3 === 1 ? [`person${i % 7}@mail.example`] : undefined,
    ...over,
  };
}

async function seeded(count: number) {
  const db = await openCountersignDb(`history-${dbCounter++}`);
  const store = new ActionStore(db);
  for (let i = 0; i < count; i++) await store.add(record(i));
  return db;
}

async function all(db: Awaited<ReturnType<typeof seeded>>, filter: HistoryFilter) {
  const ids: string[] = [];
  for await (const r of queryHistory(db, filter)) ids.push(r.id);
  return ids;
}

// The same filter applied by brute force, to check each index plan against.
function expected(count: number, keep: (r: ActionRecord) => boolean): string[] {
  return Array.from({ length: count }, (_, i) => record(i))
    .filter(keep)
    .sort((a, b) => b.createdAt - a.createdAt)
    .map((r) => r.id);
}

describe('outcome', () => {
  it.each([
    [{ status: 'approved', decidedBy: 'person' }, 'approved'],
    [{ status: 'approved', decidedBy: 'person', edits: [{ label: 'a', before: 'b', after: 'c' }] }, 'edited'],
    [{ status: 'approved', decidedBy: 'rule' }, 'allowed-by-rule'],
    [{ status: 'rejected', decidedBy: 'rule' }, 'blocked-by-rule'],
    [{ status: 'rejected', decidedBy: 'timeout' }, 'timeout'],
    [{ status: 'rejected', decidedBy: 'person' }, 'rejected'],
    [{ status: 'abandoned', decidedBy: 'system' }, 'abandoned'],
    [{ status: 'pending' }, 'pending'],
  ] as const)('%j is %s', (input, outcome) => expect(outcomeOf(input as never)).toBe(outcome));

  it('indexes words a person would search by', () => {
    const words = wordsOf({ label: 'Send', site: 'https://mail.example', tabTitle: 'Compose – Mail', recipients: ['ada@example.com'], message: 'Q3 numbers', kind: 'send' });
    expect(words).toEqual(expect.arrayContaining(['send', 'mail.example', 'mail', 'compose', 'ada@example.com', 'ada', 'example', 'q3', 'numbers']));
  });
});

describe('history queries', () => {
  const COUNT = 1200; // more than two read batches

  it.each<[string, HistoryFilter, (r: ActionRecord) => boolean]>([
    ['everything', {}, () => true],
    ['one site', { site: 'https://site2.example' }, (r) => r.site === 'https://site2.example'],
    ['one kind', { kind: 'send' }, (r) => r.kind === 'send'],
    ['one outcome', { outcome: 'rejected' }, (r) => r.status === 'rejected'],
    ['a date range', { from: 1_000_000 + 100_000, to: 1_000_000 + 200_000 }, (r) => r.createdAt >= 1_100_000 && r.createdAt <= 1_200_000],
    ['site and kind', { site: 'https://site1.example', kind: 'send' }, (r) => r.site === 'https://site1.example' && r.kind === 'send'],
    ['outcome and range', { outcome: 'approved', to: 1_050_000 }, (r) => r.status === 'approved' && r.createdAt <= 1_050_000],
    ['a search word', { text: 'invoice' }, (r) => r.tabTitle === 'Quarterly invoice'],
    ['a search prefix with a kind', { text: 'quart', kind: 'purchase' }, (r) => r.tabTitle === 'Quarterly invoice' && r.kind === 'purchase'],
    ['a recipient', { text: 'person3@mail' }, (r) => r.recipients?.[0] === 'person3@mail.example'],
  ])('%s', async (_name, filter, keep) => {
    const db = await seededOnce(COUNT);
    const want = expected(COUNT, keep);
    expect(await all(db, filter)).toEqual(want);
    expect(await countHistory(db, filter)).toBe(want.length);
    expect((await pageHistory(db, filter, 7, 20)).map((r) => r.id)).toEqual(want.slice(7, 27));
  });

  it('never walks the whole history for a filter', () => {
    expect(planQuery({ site: 'x' }).index).toBe('bySiteCreated');
    expect(planQuery({ outcome: 'timeout' }).index).toBe('byOutcomeCreated');
    expect(planQuery({ kind: 'send' }).index).toBe('byKindCreated');
    expect(planQuery({ text: 'ada' }).index).toBe('byWord');
    expect(planQuery({ from: 1 }).range).not.toBeNull();
  });

  it('lets the consumer await other work between records', async () => {
    const db = await seededOnce(COUNT);
    let seen = 0;
    for await (const r of queryHistory(db, {})) {
      if (seen++ % 250 === 0) await new Promise((done) => setTimeout(done, 1));
      expect(r.id).toBeTruthy();
    }
    expect(seen).toBe(COUNT);
  });
});

describe('reading history in batches', () => {
  it('reads the same records by cursor where the browser lacks getAllRecords', async () => {
    const db = await seededOnce(1200);
    const proto = IDBIndex.prototype as unknown as Record<string, unknown>;
    const getAllRecords = proto.getAllRecords;
    delete proto.getAllRecords;
    try {
      expect(await all(db, { kind: 'send' })).toEqual(expected(1200, (r) => r.kind === 'send'));
      expect(await all(db, {})).toEqual(expected(1200, () => true));
    } finally {
      proto.getAllRecords = getAllRecords;
    }
  });

  it('gets through a run of equal keys longer than a batch, once each', async () => {
    const db = await openCountersignDb(`history-${dbCounter++}`);
    const store = new ActionStore(db);
    for (let i = 0; i < 1100; i++) await store.add(record(i, { createdAt: 5, kind: 'send' }));
    const ids = await all(db, { kind: 'send' });
    expect(ids).toHaveLength(1100);
    expect(new Set(ids).size).toBe(1100);
    expect(ids).toEqual([...ids].sort().reverse()); // equal keys: descending primary key
  });
});

let shared: Promise<Awaited<ReturnType<typeof seeded>>> | null = null;
function seededOnce(count: number) {
  return (shared ??= seeded(count));
}

describe('splitting an export into spans of time', () => {
  const filters: HistoryFilter[] = [{}, { site: 'https://site1.example' }, { kind: 'send', from: 1_100_000, to: 1_900_000 }, { outcome: 'rejected' }, { text: 'invoice' }];

  it.each(filters)('slices of %j hold every match once, newest first', async (filter) => {
    const db = await seededOnce(1200);
    for (const parts of [2, 3, 8]) {
      const slices = await splitByTime(db, filter, parts);
      const joined: string[] = [];
      for (const slice of slices) joined.push(...(await all(db, slice)));
      expect(joined).toEqual(await all(db, filter));
      expect(slices.length).toBe(filter.text ? 1 : parts);
    }
  });

  it('puts a record whose time is a cut in exactly one slice, fractional times too', async () => {
    const db = await openCountersignDb(`history-${dbCounter++}`);
    const store = new ActionStore(db);
    // Oldest 0, newest 3: cuts for three parts fall at 1 and 2, on records, with neighbours a hair away.
    const times = [0, 1 - 1e-9, 1, 1 + 2.3e-10, 2, 2.0000001, 3];
    for (const [i, createdAt] of times.entries()) await store.add(record(i, { createdAt }));
    const slices = await splitByTime(db, {}, 3);
    const joined: string[] = [];
    for (const slice of slices) joined.push(...(await all(db, slice)));
    expect(joined).toEqual(await all(db, {}));
    expect(joined).toHaveLength(times.length);
  });

  it.each(EXPORT_FORMATS)('writes the same %s file in any number of lanes', async (format) => {
    const db = await seededOnce(1200);
    const request = { format, filter: { site: 'https://site2.example' }, exportedAt: new Date(Date.UTC(2026, 10, 22)), screenshots: false };
    const inPage = (job: SliceJob) => writeSlice(db, job);
    const one = await exportHistory(db, request, inPage, 1);
    for (const lanes of [2, 3]) {
      const many = await exportHistory(db, request, inPage, lanes);
      expect(many.count).toBe(one.count);
      expect(await many.blob.text()).toBe(await one.blob.text());
    }
    expect(one.count).toBeGreaterThan(0);
  });
});
