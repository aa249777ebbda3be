import type { ExportAudit } from '@/lib/db/chain';
export type { ExportAudit } from '@/lib/db/chain';
import type { ActionRecord } from '@/lib/db/schema';
import type { HistoryFilter } from '@/lib/history/query';
import { csvHeader, csvRow } from './csv';
import { exportedAction, type ExportedAction } from '@/lib/db/exported';

export type ExportFormat = 'json' | 'csv' | 'ndjson' | 'evalset';
export const EXPORT_FORMATS: readonly ExportFormat[] = ['json', 'csv', 'ndjson', 'evalset'];
export const HISTORY_SCHEMA = 'countersign-history';
export const HISTORY_VERSION = 1;

export interface ExportOptions {
  filter: HistoryFilter;
  exportedAt: Date;
  /** JSON and NDJSON: the chain's head and checkpoints, before the rows. */
  audit?: ExportAudit;
  /** JSON only: a screenshot as a data URL, when the person asked for them. */
  screenshotOf?: (id: string) => Promise<string | undefined>;
}

/** A streaming writer: text before the rows, each row's text (or nothing), text after. */
export interface Writer {
  mime: string;
  extension: string;
  start(): string;
  /** Written between two rows (JSON's comma); rows of line formats end their own lines. */
  separator: string;
  /** Fetches what the rows of a batch need beyond the records (JSON's screenshots). */
  prepare?(batch: readonly ActionRecord[]): Promise<void>;
  row(record: ActionRecord): string;
  end(): string;
}

export function writerFor(format: ExportFormat, options: ExportOptions): Writer {
  switch (format) {
    case 'csv':
      // The byte-order mark makes spreadsheets read the file as UTF-8.
      return { mime: 'text/csv', extension: 'csv', start: () => `\ufeff${csvHeader()}`, separator: '', row: csvRow, end: () => '' };
    case 'ndjson':
      return {
        mime: 'application/x-ndjson',
        extension: 'ndjson',
        // The one line that is not an action comes first, so a truncated file still starts with it.
        start: () => (options.audit ? `${JSON.stringify(headerOf(options))}\n` : ''),
        separator: '',
        row: (r) => `${JSON.stringify(exportedAction(r))}\n`,
        end: () => '',
      };
    case 'evalset':
      return { mime: 'application/x-ndjson', extension: 'jsonl', start: () => '', separator: '', row: evalLine, end: () => '' };
    case 'json': {
      const screenshots = new Map<string, string>();
      const { screenshotOf } = options;
      return {
        mime: 'application/json',
        extension: 'json',
        start: () =>
          `${JSON.stringify(headerOf(options)).slice(0, -1)},"actions":[\n`,
        separator: ',\n',
        ...(screenshotOf && {
          prepare: async (batch) => {
            screenshots.clear();
            for (const record of batch) {
              const screenshot = await screenshotOf(record.id);
              if (screenshot) screenshots.set(record.id, screenshot);
            }
          },
        }),
        row: (record) => {
          const action: ExportedAction = exportedAction(record);
          const screenshot = screenshots.get(record.id);
          if (screenshot) action.screenshot = screenshot;
          return JSON.stringify(action);
        },
        end: () => '\n]}\n',
      };
    }
  }
}

/** What comes before the rows: the schema, when and what was exported, and the chain to check them against. */
function headerOf({ exportedAt, filter, audit }: ExportOptions) {
  return {
    schema: HISTORY_SCHEMA,
    version: HISTORY_VERSION,
    exportedAt: exportedAt.toISOString(),
    filter,
    ...(audit ? { chain: { head: audit.head, checkpoints: audit.checkpoints } } : {}),
  };
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
    context: {
      site: action.site,
      url: action.url,
      title: action.title,
      frameUrl: action.frameUrl,
      signals: action.signals,
      risks: action.risks,
      ...(action.task ? { task: action.task.task } : {}),
    },
    proposedAction: {
      kind: action.kind,
      trigger: action.trigger,
      label: action.label,
      form: action.form,
      fields: action.fields,
      amount: action.amount,
      recipients: action.recipients,
      message: action.message,
      cause: action.cause,
      tool: action.tool,
    },
    decision: action.outcome,
    edits: action.edits,
    note: action.note,
  })}\n`;
}

/**
 * Writes batches of records as the rows of one Blob, a Blob part per batch: each batch's text
 * leaves the heap as it is written, and the records are never all held at once. No text
 * before or after the rows: slices of one export are written apart and joined by `joinSlices`.
 */
export async function writeRows(batches: AsyncIterable<readonly ActionRecord[]>, writer: Writer): Promise<RowsBlob> {
  const parts: Blob[] = [];
  let count = 0;
  for await (const batch of batches) {
    await writer.prepare?.(batch);
    let text = '';
    for (const record of batch) {
      const line = writer.row(record);
      if (!line) continue;
      text += count++ ? writer.separator + line : line;
    }
    parts.push(new Blob([text]));
  }
  return { rows: new Blob(parts), count };
}

export interface RowsBlob {
  rows: Blob;
  count: number;
}

/** The whole file: the writer's start, the slices' rows in order with separators, its end. */
export function joinSlices(slices: readonly RowsBlob[], writer: Writer): { blob: Blob; count: number } {
  const parts: BlobPart[] = [writer.start()];
  let count = 0;
  for (const slice of slices) {
    if (!slice.count) continue;
    if (count) parts.push(writer.separator);
    parts.push(slice.rows);
    count += slice.count;
  }
  parts.push(writer.end());
  return { blob: new Blob(parts, { type: writer.mime }), count };
}

/** A stored screenshot as a data URL, for JSON exports that include them. */
export function dataUrl(blob: Blob | undefined): Promise<string | undefined> {
  if (!blob) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const reader = new FileReader();
    reader.onload = () => resolve(reader.result as string);
    reader.onerror = () => resolve(undefined);
    reader.readAsDataURL(blob);
  });
}

export function exportFileName(format: ExportFormat, writer: Writer, now: Date): string {
  const suffix = format === 'evalset' ? '-evalset' : '';
  return `countersign-history${suffix}-${now.toISOString().slice(0, 10)}.${writer.extension}`;
}
