import { openDB } from 'idb';
import { describe, expect, it } from 'vitest';
import { ChangeNotices } from '@/lib/db/change-notices';
import { DB_VERSION, MIGRATIONS, openCountersignDb } from '@/lib/db/open';
import type { ActionRecord } from '@/lib/db/schema';
import { ActionStore } from '@/lib/db/store';
import { proposal } from './helpers';

let counter = 0;
const freshName = () => `countersign-test-${counter++}`;

function record(over: Partial<ActionRecord> = {}): ActionRecord {
  return {
    ...proposal(),
    tabId: 7,
    frameId: 0,
    tabUrl: 'https://shop.example/checkout',
    tabTitle: 'Checkout',
    site: 'https://shop.example',
    status: 'pending',
    createdAt: 1,
    risks: [],
    ...over,
  };
}

function describeSchema(db: IDBDatabase) {
  const tx = db.transaction([...db.objectStoreNames], 'readonly');
  return [...db.objectStoreNames].map((name) => {
    const store = tx.objectStore(name);
    return { name, keyPath: store.keyPath, indexes: [...store.indexNames].map((i) => [i, store.index(i).keyPath]) };
  });
}

describe('database migrations', () => {
  it('the version is the number of migrations', () => {
    expect(DB_VERSION).toBe(MIGRATIONS.length);
  });

  it('upgrading from version 1 keeps every record and matches a fresh schema', async () => {
    const name = freshName();
    const v1 = await openCountersignDb(name, 1);
    await v1.add('actions', record({ id: 'old-1' }));
    await v1.add('actions', record({ id: 'old-2', status: 'approved', tabId: 9 }));
    v1.close();

    const upgraded = await openCountersignDb(name);
    expect((await upgraded.getAll('actions')).map((r) => r.id).sort()).toEqual(['old-1', 'old-2']);
    expect((await upgraded.getAllFromIndex('actions', 'byTab', 9)).map((r) => r.id)).toEqual(['old-2']);
    await upgraded.put('settings', { guardMode: 'always' }, 'settings');

    const fresh = await openCountersignDb(freshName());
    expect(describeSchema(upgraded as unknown as IDBDatabase)).toEqual(describeSchema(fresh as unknown as IDBDatabase));
    upgraded.close();
    fresh.close();
  });

  it.each(Array.from({ length: DB_VERSION - 1 }, (_, i) => i + 1))(
    'upgrading from version %i keeps pending actions in the queue',
    async (from) => {
      const name = freshName();
      const old = await openCountersignDb(name, from);
      await old.add('actions', record({ id: `from-${from}` }));
      old.close();
      const db = await openCountersignDb(name);
      expect(db.version).toBe(DB_VERSION);
      const range = IDBKeyRange.bound(['pending', -Infinity], ['pending', Infinity]);
      expect((await db.getAllFromIndex('actions', 'byStatusCreated', range)).map((r) => r.id)).toEqual([`from-${from}`]);
      // Indexes added later cover records written before them.
      const site = IDBKeyRange.bound(['https://shop.example', -Infinity], ['https://shop.example', Infinity]);
      expect((await db.getAllFromIndex('actions', 'bySiteCreated', site)).map((r) => r.id)).toEqual([`from-${from}`]);
      expect(await db.getAll('rules')).toEqual([]);
      db.close();
    },
  );

  it.each(Array.from({ length: DB_VERSION - 1 }, (_, i) => i + 1))(
    'upgrading from version %i files recorded deletions under `delete` and keeps what rules said of them',
    async (from) => {
      const name = freshName();
      const old = await openCountersignDb(name, from);
      await old.add('actions', record({ id: 'gone', kind: 'submit', label: 'Delete account', status: 'approved' }));
      await old.add('actions', record({ id: 'saved', kind: 'submit', label: 'Save changes', status: 'approved' }));
      await old.add('actions', record({ id: 'paid', kind: 'purchase', label: 'Remove card and pay', status: 'approved' }));
      if (old.objectStoreNames.contains('rules')) {
        const rule = { createdBy: 'person' as const, createdAt: 1, updatedAt: 1, applied: 0 };
        await old.add('rules', { ...rule, id: 'asks', pattern: 'https://shop.example', trust: 'trust', kinds: { submit: 'ask' } });
        await old.add('rules', { ...rule, id: 'plain', pattern: 'https://blog.example', trust: 'trust' });
        await old.add('rules', { ...rule, id: 'kept', pattern: 'https://mail.example', trust: 'ask', kinds: { submit: 'trust', delete: 'block' } });
      }
      old.close();

      const db = await openCountersignDb(name);
      expect((await db.get('actions', 'gone'))?.kind).toBe('delete');
      expect((await db.get('actions', 'saved'))?.kind).toBe('submit');
      expect((await db.get('actions', 'paid'))?.kind).toBe('purchase');
      const deletions = IDBKeyRange.bound(['delete', -Infinity], ['delete', Infinity]);
      expect((await db.getAllFromIndex('actions', 'byKindCreated', deletions)).map((r) => r.id)).toEqual(['gone']);
      expect((await db.get('actions', 'gone'))?.words).toContain('delete');
      if (from >= 4) {
        expect((await db.get('rules', 'asks'))?.kinds).toEqual({ submit: 'ask', delete: 'ask' });
        expect((await db.get('rules', 'plain'))?.kinds).toBeUndefined();
        expect((await db.get('rules', 'kept'))?.kinds).toEqual({ submit: 'trust', delete: 'block' });
      }
      db.close();
    },
  );

  it('each migration applies on top of the one before', async () => {
    const name = freshName();
    for (let version = 1; version <= DB_VERSION; version++) {
      const db = await openCountersignDb(name, version);
      expect(db.version).toBe(version);
      db.close();
    }
    const raw = await openDB(name);
    expect([...raw.objectStoreNames].sort()).toEqual(['actions', 'rules', 'screenshots', 'settings']);
    raw.close();
  });
});

describe('settings in the worker', () => {
  it('are read from the database once and kept in step with every save', async () => {
    const db = await openCountersignDb(freshName());
    let reads = 0;
    const get = db.get.bind(db);
    db.get = ((...args: Parameters<typeof db.get>) => {
      if (args[0] === 'settings' && args[1] === 'settings') reads++;
      return get(...args);
    }) as typeof db.get;
    const store = new ActionStore(db);
    const [first] = await Promise.all(Array.from({ length: 50 }, () => store.settings()));
    expect(reads).toBe(1);
    await store.saveSettings({ ...first!, dwellMs: 4321 });
    expect((await store.settings()).dwellMs).toBe(4321);
    expect(reads).toBe(1);
    // What was saved is what a fresh reader of the database sees.
    expect((await new ActionStore(db).settings()).dwellMs).toBe(4321);
  });
});

describe('the store announces its own changes', () => {
  async function watched() {
    const store = new ActionStore(await openCountersignDb(freshName()));
    let notices = 0;
    store.notices.onChange(() => notices++);
    return { store, notices: () => notices };
  }

  it('after each write, before the writer goes on', async () => {
    const { store, notices } = await watched();
    const first = record();
    await store.add(first);
    expect(notices()).toBe(1);
    await store.update(first.id, { note: 'a' });
    await store.saveSettings(await store.settings());
    expect(notices()).toBe(3);
  });

  it('once for what is announced in one turn', async () => {
    const notices = new ChangeNotices();
    let delivered = 0;
    notices.onChange(() => delivered++);
    notices.announce();
    notices.announce();
    expect(delivered).toBe(0);
    await Promise.resolve();
    expect(delivered).toBe(1);
  });

  it('once for a batch, at its end', async () => {
    const { store, notices } = await watched();
    await store.notices.batch(async () => {
      for (let i = 0; i < 3; i++) await store.add(record());
      expect(notices()).toBe(0);
    });
    expect(notices()).toBe(1);
  });

  it('not for a write that changed nothing, nor for keys only the worker reads', async () => {
    const { store, notices } = await watched();
    const decided = record({ status: 'approved' });
    await store.add(decided);
    expect(notices()).toBe(1);
    expect(await store.settle(decided.id, { note: 'late' })).toBeNull();
    await store.update('no-such-id', { note: 'x' });
    await store.saveLogKey({ publicKey: 'k' } as never);
    expect(notices()).toBe(1);
    await store.putRule({ id: 'r1' } as never);
    expect(notices()).toBe(2);
  });
});
