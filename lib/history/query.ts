import { unwrap, type IDBPDatabase } from 'idb';
import type { ActionKind } from '@/lib/actions/types';
import type { ActionRecord, CountersignSchema } from '@/lib/db/schema';
import type { Outcome } from '@/lib/db/outcome';

type Db = IDBPDatabase<CountersignSchema>;
type IndexName = 'bySiteCreated' | 'byOutcomeCreated' | 'byKindCreated' | 'byCreated' | 'byWord';

export interface HistoryFilter {
  text?: string;
  site?: string;
  kind?: ActionKind;
  outcome?: Outcome;
  /** Inclusive bounds on when the action was held, in ms since the epoch. */
  from?: number;
  to?: number;
}

interface Plan {
  index: IndexName;
  range: IDBKeyRange | null;
  /** Filters the index does not cover, checked on each record in its range. */
  check: ((record: ActionRecord) => boolean) | null;
  /** Whether the index yields records newest first (byWord does not). */
  ordered: boolean;
}

const TEXT_RESULT_LIMIT = 10_000;

export function searchTokens(text: string | undefined): string[] {
  return (text ?? '').toLowerCase().match(/[\p{L}\p{N}]+/gu) ?? [];
}

/**
 * Picks one index to walk (site, then outcome, then kind, then search word, then date) so
 * that no filter scans the whole history; the other filters are checked within its range.
 */
export function planQuery(filter: HistoryFilter): Plan {
  const from = filter.from ?? -Infinity;
  const to = filter.to ?? Infinity;
  const tokens = searchTokens(filter.text);
  const checks: ((record: ActionRecord) => boolean)[] = [];
  const within = (key: string) => IDBKeyRange.bound([key, from], [key, to]);
  let plan: Omit<Plan, 'check'> | null = null;

  if (filter.site) plan = { index: 'bySiteCreated', range: within(filter.site), ordered: true };
  if (filter.outcome) {
    if (plan) checks.push((record) => record.outcome === filter.outcome);
    else plan = { index: 'byOutcomeCreated', range: within(filter.outcome), ordered: true };
  }
  if (filter.kind) {
    if (plan) checks.push((record) => record.kind === filter.kind);
    else plan = { index: 'byKindCreated', range: within(filter.kind), ordered: true };
  }
  if (tokens.length) {
    checks.push((record) => tokens.every((token) => (record.words ?? []).some((word) => word.startsWith(token))));
    if (!plan) {
      const longest = tokens.reduce((a, b) => (b.length > a.length ? b : a));
      plan = { index: 'byWord', range: IDBKeyRange.bound(longest, `${longest}\uffff`), ordered: false };
      if (filter.from !== undefined || filter.to !== undefined) {
        checks.push((record) => record.createdAt >= from && record.createdAt <= to);
      }
    }
  }
  plan ??= {
    index: 'byCreated',
    range: filter.from !== undefined || filter.to !== undefined ? IDBKeyRange.bound(from, to) : null,
    ordered: true,
  };
  return { ...plan, check: checks.length ? (record) => checks.every((check) => check(record)) : null };
}

const BATCH = 500;

/**
 * Matching records, newest first, a batch at a time. Each batch is read in its own short
 * transaction that reopens the range just below where the last stopped, so a consumer may
 * await anything between batches and no batch rescans what came before.
 */
export async function* queryHistoryBatches(db: Db, filter: HistoryFilter): AsyncGenerator<ActionRecord[]> {
  const plan = planQuery(filter);
  if (!plan.ordered) {
    yield await collectUnordered(db, plan);
    return;
  }
  const read = async (resume: Position | null): Promise<Batch> => {
    const range = resume ? below(plan.range, resume.key) : plan.range;
    return (await readBatchAtOnce(db, plan.index, range, resume)) ?? readBatchByCursor(db, plan.index, range, resume);
  };
  let next: Promise<Batch> | null = read(null);
  while (next) {
    const { records, more }: Batch = await next;
    const last = records.at(-1);
    // The next batch is read while the consumer works through this one.
    next = more && last ? read({ key: last.key, primaryKey: last.primaryKey }) : null;
    next?.catch(() => undefined); // a consumer that stops early never awaits it; a failure then is nobody's
    const values: ActionRecord[] = [];
    for (const { value } of records) if (!plan.check || plan.check(value)) values.push(value);
    if (values.length) yield values;
  }
}

/** Matching records, newest first, one at a time. */
export async function* queryHistory(db: Db, filter: HistoryFilter): AsyncGenerator<ActionRecord> {
  for await (const batch of queryHistoryBatches(db, filter)) yield* batch;
}

interface Position {
  key: IDBValidKey;
  primaryKey: IDBValidKey;
}

interface Batch {
  records: (Position & { value: ActionRecord })[];
  more: boolean;
}

/** Entries sharing the last key come in descending primary key order: those are already read. */
function alreadyRead(entry: Position, resume: Position | null): boolean {
  return resume !== null && indexedDB.cmp(entry.key, resume.key) === 0 && indexedDB.cmp(entry.primaryKey, resume.primaryKey) >= 0;
}

type IndexWithRecords = IDBIndex & {
  getAllRecords?(options: { query: IDBKeyRange | null; count: number; direction: IDBCursorDirection }): IDBRequest<(Position & { value: ActionRecord })[]>;
};

/**
 * One request for a whole batch where the browser has `getAllRecords` (Chromium 141+), instead
 * of a round trip per record; undefined where it has not, or when a run of equal keys fills it.
 */
async function readBatchAtOnce(db: Db, index: Plan['index'], range: IDBKeyRange | null, resume: Position | null): Promise<Batch | undefined> {
  const raw = unwrap(db.transaction('actions').store.index(index)) as IndexWithRecords;
  if (!raw.getAllRecords) return undefined;
  const request = raw.getAllRecords({ query: range, count: BATCH, direction: 'prev' });
  const entries = await new Promise<(Position & { value: ActionRecord })[]>((done, fail) => {
    request.onsuccess = () => done(request.result);
    request.onerror = () => fail(request.error);
  });
  const records = entries.filter((entry) => !alreadyRead(entry, resume));
  if (!records.length && entries.length === BATCH) return undefined;
  return { records, more: entries.length === BATCH };
}

async function readBatchByCursor(db: Db, index: Plan['index'], range: IDBKeyRange | null, resume: Position | null): Promise<Batch> {
  let cursor = await db.transaction('actions').store.index(index).openCursor(range, 'prev');
  while (cursor && alreadyRead(cursor, resume)) cursor = await cursor.continue();
  const records: Batch['records'] = [];
  while (cursor && records.length < BATCH) {
    records.push({ key: cursor.key, primaryKey: cursor.primaryKey, value: cursor.value });
    cursor = await cursor.continue();
  }
  return { records, more: cursor !== null };
}

/** The part of `range` at or below `key`. */
function below(range: IDBKeyRange | null, key: IDBValidKey): IDBKeyRange {
  if (!range || range.lower === undefined) return IDBKeyRange.upperBound(key);
  return IDBKeyRange.bound(range.lower, key, range.lowerOpen, false);
}

/** A word can match one record several times and yields key order: gather, de-duplicate, sort. */
async function collectUnordered(db: Db, plan: Plan): Promise<ActionRecord[]> {
  const found = new Map<string, ActionRecord>();
  let cursor = await db.transaction('actions').store.index(plan.index).openCursor(plan.range);
  while (cursor && found.size < TEXT_RESULT_LIMIT) {
    if (!plan.check || plan.check(cursor.value)) found.set(cursor.value.id, cursor.value);
    cursor = await cursor.continue();
  }
  return [...found.values()].sort((a, b) => b.createdAt - a.createdAt);
}

export async function countHistory(db: Db, filter: HistoryFilter): Promise<number> {
  const plan = planQuery(filter);
  if (!plan.check && plan.ordered) return db.transaction('actions').store.index(plan.index).count(plan.range ?? undefined);
  let count = 0;
  for await (const batch of queryHistoryBatches(db, filter)) count += batch.length;
  return count;
}

/** One page of matches, newest first; without extra checks the cursor skips ahead natively. */
export async function pageHistory(db: Db, filter: HistoryFilter, offset: number, limit: number): Promise<ActionRecord[]> {
  const plan = planQuery(filter);
  const page: ActionRecord[] = [];
  if (plan.ordered && !plan.check) {
    let cursor = await db.transaction('actions').store.index(plan.index).openCursor(plan.range, 'prev');
    if (cursor && offset > 0) cursor = await cursor.advance(offset);
    while (cursor && page.length < limit) {
      page.push(cursor.value);
      cursor = await cursor.continue();
    }
    return page;
  }
  let skipped = 0;
  for await (const record of queryHistory(db, filter)) {
    if (skipped++ < offset) continue;
    page.push(record);
    if (page.length >= limit) break;
  }
  return page;
}

/** Every site in the history, from the site index, jumping from one site to the next. */
export async function distinctSites(db: Db, limit = 500): Promise<string[]> {
  const sites: string[] = [];
  let cursor = await db.transaction('actions').store.index('bySiteCreated').openKeyCursor();
  while (cursor && sites.length < limit) {
    const site = (cursor.key as [string, number])[0];
    sites.push(site);
    cursor = await cursor.continue([site, Infinity]);
  }
  return sites;
}

/**
 * Splits a filter into `parts` filters covering consecutive, disjoint, equally long spans of
 * time between its oldest and newest match, newest first, so that slices of one export can be
 * written side by side. Two one-entry reads, no count. Text searches (not in time order) stay whole.
 */
export async function splitByTime(db: Db, filter: HistoryFilter, parts: number): Promise<HistoryFilter[]> {
  const plan = planQuery(filter);
  if (!plan.ordered || parts < 2) return [filter];
  const index = db.transaction('actions').store.index(plan.index);
  const [newest, oldest] = await Promise.all(['prev', 'next'].map(async (direction) => {
    const cursor = await index.openKeyCursor(plan.range, direction as IDBCursorDirection);
    return cursor ? createdAtOf(cursor.key) : undefined;
  }));
  if (newest === undefined || oldest === undefined || newest <= oldest) return [filter];
  const slices: HistoryFilter[] = [];
  let to = filter.to;
  for (let part = parts - 1; part > 0; part--) {
    const cut = oldest + ((newest - oldest) * part) / parts;
    slices.push({ ...filter, from: nextAbove(cut), ...(to === undefined ? {} : { to }) });
    to = cut;
  }
  slices.push({ ...filter, to: to! });
  return slices;
}

/** The time in an index key: the key itself (byCreated) or its second part. */
function createdAtOf(key: IDBValidKey): number | undefined {
  const time = Array.isArray(key) ? key[1] : key;
  return typeof time === 'number' ? time : undefined;
}

/** The smallest number greater than `value`, so inclusive bounds split without gap or overlap. */
function nextAbove(value: number): number {
  if (value === 0) return Number.MIN_VALUE;
  const bits = new Float64Array([value]);
  const word = new BigInt64Array(bits.buffer);
  word[0]! += value > 0 ? 1n : -1n;
  return bits[0]!;
}
