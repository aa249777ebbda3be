import type { IDBPDatabase } from 'idb';
import type { CountersignSchema } from '@/lib/db/schema';
import { queryHistoryBatches, splitByTime, type HistoryFilter } from '@/lib/history/query';
import { dataUrl, exportFileName, joinSlices, writeRows, writerFor, type ExportAudit, type ExportFormat, type RowsBlob } from './formats';

type Db = IDBPDatabase<CountersignSchema>;

/** One slice of an export: the rows of `filter` (a span of time), written apart from the rest. */
export interface SliceJob {
  format: ExportFormat;
  filter: HistoryFilter;
  exportedAt: number;
  screenshots: boolean;
}

export type SliceRunner = (job: SliceJob) => Promise<RowsBlob>;

/** Writes one slice's rows from the database at hand: in a worker, or in the page itself. */
export async function writeSlice(db: Db, job: SliceJob): Promise<RowsBlob> {
  const writer = writerFor(job.format, {
    filter: job.filter,
    exportedAt: new Date(job.exportedAt),
    ...(job.screenshots ? { screenshotOf: async (id: string) => dataUrl((await db.get('screenshots', id))?.blob) } : {}),
  });
  return writeRows(queryHistoryBatches(db, job.filter), writer);
}

export interface ExportRequest {
  format: ExportFormat;
  filter: HistoryFilter;
  exportedAt: Date;
  screenshots: boolean;
  audit?: ExportAudit;
}

/** Spans per lane: a burst of activity in one span still leaves the other lanes work to do. */
const SLICES_PER_LANE = 4;

/**
 * The whole export: the filter split into spans of time, written `lanes` at a time (each lane
 * takes the next span when it finishes one), then joined in order between the format's start and end.
 */
export async function exportHistory(
  db: Db,
  request: ExportRequest,
  runSlice: SliceRunner,
  lanes: number,
): Promise<{ blob: Blob; count: number; fileName: string }> {
  const filters = await splitByTime(db, request.filter, lanes > 1 ? lanes * SLICES_PER_LANE : 1);
  const slices: RowsBlob[] = new Array<RowsBlob>(filters.length);
  let next = 0;
  const lane = async () => {
    for (let at = next++; at < filters.length; at = next++) {
      slices[at] = await runSlice({ format: request.format, filter: filters[at]!, exportedAt: request.exportedAt.getTime(), screenshots: request.screenshots });
    }
  };
  await Promise.all(Array.from({ length: Math.min(lanes, filters.length) }, lane));
  const writer = writerFor(request.format, { filter: request.filter, exportedAt: request.exportedAt, ...(request.audit ? { audit: request.audit } : {}) });
  return { ...joinSlices(slices, writer), fileName: exportFileName(request.format, writer, request.exportedAt) };
}
