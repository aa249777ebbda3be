// Writes one slice of an export off the panel's thread, reading the history itself.
import { openCountersignDb } from '@/lib/db/open';
import { writeSlice, type SliceJob } from './slices';

// The DOM library types `self` as a window; a worker's scope is this much of it.
const scope = self as unknown as { onmessage: (event: MessageEvent<SliceJob>) => void; postMessage(message: unknown): void };

// Opened once, for every slice this worker writes.
const opening = openCountersignDb(undefined, undefined, { yieldToUpgrades: true });

scope.onmessage = async ({ data: job }: MessageEvent<SliceJob>) => {
  try {
    scope.postMessage({ ok: true, ...(await writeSlice(await opening, job)) });
  } catch (error) {
    scope.postMessage({ ok: false, error: error instanceof Error ? error.message : String(error) });
  }
};
