import { useEffect, useState, useSyncExternalStore } from 'react';
import { writeSlice, exportHistory } from '@/lib/export/slices';
import { EXPORT_LANES, workerPool } from '@/lib/export/workers';
import { countHistory, distinctSites, pageHistory } from '@/lib/history/query';
import { historyDb } from '../historyDb';
import { request as brokerRequest } from '@/lib/messaging/client';
import { useBrokerChanges } from '../useBroker';
import { HistoryModel, type HistorySource } from './model';

/** The history as the panel reads it: straight from IndexedDB, exports in module workers. */
const panelSource: HistorySource = {
  page: async (filter, offset, limit) => pageHistory(await historyDb(), filter, offset, limit),
  count: async (filter) => countHistory(await historyDb(), filter),
  sites: async () => distinctSites(await historyDb()),
  async export(filter, format, screenshots) {
    const db = await historyDb();
    // JSON and NDJSON carry the chain's signed head, which `countersign verify` checks the rows against.
    const audit = format === 'json' || format === 'ndjson' ? await brokerRequest({ type: 'export-audit' }) : undefined;
    const request = { format, filter, exportedAt: new Date(), screenshots: format === 'json' && screenshots, ...(audit ? { audit } : {}) };
    const pool = workerPool((job) => writeSlice(db, job));
    const { blob, count, fileName } = await exportHistory(db, request, pool.run, EXPORT_LANES).finally(pool.close);
    download(blob, fileName);
    return { count };
  },
};

/** The history view's one data hook: one model per view, reloaded when the broker reports a change. */
export function useHistory() {
  const [model] = useState(() => new HistoryModel(panelSource));
  useEffect(() => {
    model.start();
    return () => model.stop();
  }, [model]);
  useBrokerChanges(() => model.changed());
  const state = useSyncExternalStore(model.subscribe, model.getState);
  return { state, model };
}

function download(blob: Blob, fileName: string): void {
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}
