import { JetStreamApiCodes, JetStreamApiError } from '@nats-io/jetstream';
import type { KV } from '@nats-io/kv';
import { entryKey, parseEntry, type TeamEntry } from './entry';

export interface ReadEntry {
  /** Null when what the bucket holds is not a well-formed entry. */
  entry: TeamEntry | null;
  revision: number;
}

/**
 * The team queue's protocol over a JetStream KV bucket. Every change to an entry is a
 * compare-and-set on the revision it was read at, so of two writers at once one loses.
 */
export class TeamQueue {
  constructor(private readonly kv: KV) {}

  /** Puts a held action in the queue; fails if the key exists (a second hold of one id). */
  offer(entry: TeamEntry): Promise<number> {
    return this.kv.create(entryKey(entry.browser, entry.id), JSON.stringify(entry));
  }

  /** Offers the entry unless its key already holds one ('exists'); any other failure throws. */
  async offerNew(entry: TeamEntry): Promise<'offered' | 'exists'> {
    try {
      await this.offer(entry);
      return 'offered';
    } catch (error) {
      if (isWrongLastSequence(error)) return 'exists';
      throw error;
    }
  }

  async read(browser: string, id: string): Promise<ReadEntry | null> {
    const found = await this.kv.get(entryKey(browser, id));
    if (!found || found.operation !== 'PUT') return null;
    return { entry: parseEntry(safeJson(found.string())), revision: found.revision };
  }

  /**
   * Writes `next` over the entry as read at `revision`: 'lost' when someone wrote in between
   * (a reviewer's decision against another's, or against the agent browser's own).
   */
  async replace(next: TeamEntry, revision: number): Promise<'written' | 'lost'> {
    try {
      await this.kv.update(entryKey(next.browser, next.id), JSON.stringify(next), revision);
      return 'written';
    } catch (error) {
      if (isWrongLastSequence(error)) return 'lost';
      throw error;
    }
  }

  /** Reads and rewrites until the change lands: for the agent browser's own bookkeeping. */
  async amend(browser: string, id: string, change: (entry: TeamEntry) => TeamEntry | null): Promise<TeamEntry | null> {
    for (;;) {
      const current = await this.read(browser, id);
      if (!current?.entry) return null;
      const next = change(current.entry);
      if (!next) return current.entry;
      if ((await this.replace(next, current.revision)) === 'written') return next;
    }
  }

  /**
   * Calls `seen` for every entry under `prefix` (`*` for all browsers), now and as they change;
   * a deleted one comes as null, a malformed one with a null entry. Returns a function that stops watching.
   */
  async watch(prefix: string, seen: (key: string, read: ReadEntry | null) => void): Promise<() => void> {
    const updates = await this.kv.watch({ key: `${prefix}.>` });
    void (async () => {
      for await (const update of updates) {
        if (update.operation !== 'PUT') seen(update.key, null);
        else seen(update.key, { entry: parseEntry(safeJson(update.string())), revision: update.revision });
      }
    })();
    return () => updates.stop();
  }
}

/** A compare-and-set lost: the key was written since the revision it expected. */
function isWrongLastSequence(error: unknown): boolean {
  return error instanceof JetStreamApiError && (error.code === JetStreamApiCodes.StreamWrongLastSequence || error.code === JetStreamApiCodes.StreamWrongLastSequenceUnknown);
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
