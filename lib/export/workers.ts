import type { RowsBlob } from './formats';
import type { SliceJob, SliceRunner } from './slices';

type Reply = ({ ok: true } & RowsBlob) | { ok: false; error: string };

export interface WorkerPool {
  run: SliceRunner;
  close(): void;
}

/**
 * Runs slices in workers, reusing an idle one before starting another; where a worker cannot
 * start or its script fails, the slice is written in the page through `fallback`.
 */
export function workerPool(fallback: SliceRunner): WorkerPool {
  const idle: Worker[] = [];
  const all: Worker[] = [];
  const inWorker = (worker: Worker, job: SliceJob) =>
    new Promise<RowsBlob>((resolve, reject) => {
      worker.onmessage = ({ data }: MessageEvent<Reply>) => {
        idle.push(worker);
        if (data.ok) resolve({ rows: data.rows, count: data.count });
        else reject(new Error(data.error));
      };
      worker.onerror = (event) => {
        event.preventDefault();
        resolve(fallback(job));
      };
      worker.postMessage(job);
    });
  return {
    run(job) {
      let worker = idle.pop();
      if (!worker) {
        try {
          worker = new Worker(new URL('./export-worker.ts', import.meta.url), { type: 'module' });
        } catch {
          return fallback(job);
        }
        all.push(worker);
      }
      return inWorker(worker, job);
    },
    close() {
      for (const worker of all) worker.terminate();
    },
  };
}

/** One lane per core: at least one, at most four. */
export const EXPORT_LANES = Math.max(1, Math.min(4, globalThis.navigator?.hardwareConcurrency ?? 2));
