import type { ActionRecord } from '@/lib/db/schema';
import type { HistoryFilter } from '@/lib/history/query';
import { csvHeader, csvRow } from './csv';
import { exportedAction, type ExportedAction } from './record';

export type ExportFormat = 'json' | 'csv' | 'ndjson' | 'evalset';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['json', 'csv', 'ndjson', 'evalset'];
export const HISTORY_SCHEMA = 'countersign-history';
export const HISTORY_VERSION = 1;

export interface ExportOptions {
  filter: HistoryFilter;
  exportedAt: Date;
  /** JSON only: a screenshot as a data URL, when the person asked for them. */
  screenshotOf?: (id: string) => Promise<string | undefined>;
}

/** A streaming writer: text before the rows, each row's text (or nothing), text after. */
export interface Writer {
  mime: string;
  extension: string;
  start(): string;
  row(record: ActionRecord): Promise<string>;
  end(): string;
}

export function writerFor(format: ExportFormat, options: ExportOptions): Writer {
  switch (format) {
    case 'csv':
      // The byte-order mark makes spreadsheets read the file as UTF-8.
      return { mime: 'text/csv', extension: 'csv', start: () => `\ufeff${csvHeader()}`, row: async (r) => csvRow(exportedAction(r)), end: () => '' };
    case 'ndjson':
      return { mime: 'application/x-ndjson', extension: 'ndjson', start: () => '', row: async (r) => `${JSON.stringify(exportedAction(r))}\n`, end: () => '' };
    case 'evalset':
      return { mime: 'application/x-ndjson', extension: 'jsonl', start: () => '', row: async (r) => evalLine(r), end: () => '' };
    case 'json': {
      let first = true;
      return {
        mime: 'application/json',
        extension: 'json',
        start: () =>
          `{"schema":"${HISTORY_SCHEMA}","version":${HISTORY_VERSION},"exportedAt":${JSON.stringify(options.exportedAt.toISOString())},"filter":${JSON.stringify(options.filter)},"actions":[\n`,
        row: async (record) => {
          const action: ExportedAction = exportedAction(record);
          const screenshot = options.screenshotOf && (await options.screenshotOf(record.id));
          if (screenshot) action.screenshot = screenshot;
          const text = `${first ? '' : ',\n'}${JSON.stringify(action)}`;
          first = false;
          return text;
        },
        end: () => '\n]}\n',
      };
    }
  }
}

/**
 * One line per action a person decided: the context the reviewer saw, what the agent
 * proposed, and the decision with its edits and note: material for agent evaluations.
 */
function evalLine(record: ActionRecord): string {
  if (record.decidedBy !== 'person' || (record.status !== 'approved' && record.status !== 'rejected')) return '';
  const action = exportedAction(record);
  return `${JSON.stringify({
    id: action.id,
    context: { site: action.site, url: action.url, title: action.title, frameUrl: action.frameUrl, signals: action.signals, risks: action.risks },
    proposedAction: {
      kind: action.kind,
      trigger: action.trigger,
      label: action.label,
      form: action.form,
      fields: action.fields,
      amount: action.amount,
      recipients: action.recipients,
      message: action.message,
    },
    decision: action.outcome,
    edits: action.edits,
    note: action.note,
  })}\n`;
}

const BATCH = 500;

/** Streams records into Blob parts in batches; the records themselves are never all held at once. */
export async function exportBlob(records: AsyncIterable<ActionRecord>, writer: Writer): Promise<{ blob: Blob; count: number }> {
  const parts: BlobPart[] = [writer.start()];
  let batch = '';
  let count = 0;
  for await (const record of records) {
    const line = await writer.row(record);
    if (line) count++;
    batch += line;
    if (count % BATCH === 0 && batch) {
      parts.push(batch);
      batch = '';
    }
  }
  parts.push(batch, writer.end());
  return { blob: new Blob(parts, { type: writer.mime }), count };
}

export function exportFileName(format: ExportFormat, writer: Writer, now: Date): string {
  const suffix = format === 'evalset' ? '-evalset' : '';
  return `countersign-history${suffix}-${now.toISOString().slice(0, 10)}.${writer.extension}`;
}
