import { openDB, type IDBPDatabase, type IDBPTransaction } from 'idb';
import type { CountersignSchema } from './schema';

export const DB_NAME = 'countersign';

type UpgradeTx = IDBPTransaction<CountersignSchema, ('actions' | 'settings')[], 'versionchange'>;
type Migration = (db: IDBPDatabase<CountersignSchema>, tx: UpgradeTx) => void;

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
];

export const DB_VERSION = MIGRATIONS.length;

export function openCountersignDb(name = DB_NAME, version = DB_VERSION): Promise<IDBPDatabase<CountersignSchema>> {
  return openDB<CountersignSchema>(name, version, {
    upgrade(db, oldVersion, newVersion, tx) {
      for (const migrate of MIGRATIONS.slice(oldVersion, newVersion ?? version)) migrate(db, tx);
    },
  });
}
