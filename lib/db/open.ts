import { openDB, type IDBPDatabase, type IDBPTransaction } from 'idb';
import type { CountersignSchema } from './schema';
import { withDerived } from './derived';
import { classifyWording } from '@/lib/actions/wording';

export const DB_NAME = 'countersign';

type UpgradeTx = IDBPTransaction<CountersignSchema, ('actions' | 'settings' | 'screenshots' | 'rules')[], 'versionchange'>;
type Migration = (db: IDBPDatabase<CountersignSchema>, tx: UpgradeTx) => void | Promise<void>;

/** Migration N takes the database from version N to N+1. Never edit one that has shipped. */
export const MIGRATIONS: readonly Migration[] = [
  (db) => {
    const actions = db.createObjectStore('actions', { keyPath: 'id' });
    actions.createIndex('byStatusCreated', ['status', 'createdAt']);
    actions.createIndex('byCreated', 'createdAt');
  },
  (db, tx) => {
    db.createObjectStore('settings');
    // Closing a tab abandons its pending actions without scanning the history.
    tx.objectStore('actions').createIndex('byTab', 'tabId');
  },
  (db) => {
    // Blobs apart from the records, so listing history never loads images.
    db.createObjectStore('screenshots');
  },
  (db, tx) => {
    const rules = db.createObjectStore('rules', { keyPath: 'id' });
    rules.createIndex('byPattern', 'pattern');
    // Per-site history: known recipients, runs of approvals for suggestions.
    tx.objectStore('actions').createIndex('bySiteCreated', ['site', 'createdAt']);
  },
  async (_db, tx) => {
    // History filters and search, each served by an index; older records get their fields now.
    const actions = tx.objectStore('actions');
    actions.createIndex('byOutcomeCreated', ['outcome', 'createdAt']);
    actions.createIndex('byKindCreated', ['kind', 'createdAt']);
    actions.createIndex('byWord', 'words', { multiEntry: true });
    for (let cursor = await actions.openCursor(); cursor; cursor = await cursor.continue()) {
      await cursor.update(withDerived(cursor.value));
    }
  },
  async (_db, tx) => {
    // The kind `delete` splits off `submit`: rules keep judging deletions as they did, and
    // recorded deletions are filed under their new kind.
    const rules = tx.objectStore('rules');
    for (let cursor = await rules.openCursor(); cursor; cursor = await cursor.continue()) {
      const submit = cursor.value.kinds?.submit;
      if (submit !== undefined && cursor.value.kinds?.delete === undefined) {
        await cursor.update({ ...cursor.value, kinds: { ...cursor.value.kinds, delete: submit } });
      }
    }
    const actions = tx.objectStore('actions');
    const submits = IDBKeyRange.bound(['submit', -Infinity], ['submit', Infinity]);
    for (let cursor = await actions.index('byKindCreated').openCursor(submits); cursor; cursor = await cursor.continue()) {
      if (classifyWording(cursor.value.label) === 'delete') await cursor.update(withDerived({ ...cursor.value, kind: 'delete' }));
    }
  },
];

export const DB_VERSION = MIGRATIONS.length;

/**
 * Opens the database, migrating it first. Readers (the side panel) pass `yieldToUpgrades`
 * so an updated background is never blocked by a panel left open on the old version.
 */
export function openCountersignDb(
  name = DB_NAME,
  version = DB_VERSION,
  { yieldToUpgrades = false } = {},
): Promise<IDBPDatabase<CountersignSchema>> {
  const opening = openDB<CountersignSchema>(name, version, {
    upgrade(db, oldVersion, newVersion, tx) {
      // In order, inside the one upgrade transaction: after an async step the rest wait for it.
      let running: Promise<void> | null = null;
      for (const migrate of MIGRATIONS.slice(oldVersion, newVersion ?? version)) {
        if (running) running = running.then(() => migrate(db, tx));
        else running = migrate(db, tx) ?? null;
      }
    },
    blocking() {
      if (yieldToUpgrades) void opening.then((db) => db.close());
    },
  });
  return opening;
}
