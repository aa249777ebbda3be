import type { IDBPDatabase } from 'idb';
import { openCountersignDb } from '@/lib/db/open';
import type { CountersignSchema } from '@/lib/db/schema';

// Extension pages read the history straight from IndexedDB (messages cannot carry Blobs,
// and 100,000 records should not cross a message channel); only the broker writes.
let opening: Promise<IDBPDatabase<CountersignSchema>> | null = null;

export function historyDb(): Promise<IDBPDatabase<CountersignSchema>> {
  return (opening ??= openCountersignDb(undefined, undefined, { yieldToUpgrades: true }));
}
