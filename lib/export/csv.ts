import type { ActionRecord } from '@/lib/db/schema';
import { outcomeOf } from '@/lib/db/outcome';

const iso = (time: number | undefined) => (time === undefined ? '' : new Date(time).toISOString());
const list = (values: readonly string[] | undefined) => (values ? values.join('; ') : '');

/**
 * The CSV columns, in their documented, stable order, read straight from the record: an
 * export of 100,000 rows builds no object per row on the way (golden files keep them equal
 * to the JSON export's names and values).
 */
export const CSV_COLUMNS: readonly [string, (record: ActionRecord) => string][] = [
  ['id', (r) => r.id],
  ['held_at', (r) => iso(r.createdAt)],
  ['decided_at', (r) => iso(r.decidedAt)],
  ['held_to_decided_ms', (r) => (r.decidedAt === undefined ? '' : String(r.decidedAt - r.createdAt))],
  ['outcome', (r) => outcomeOf(r)],
  ['decided_by', (r) => r.decidedBy ?? ''],
  ['rule_id', (r) => r.ruleId ?? ''],
  ['site', (r) => r.site],
  ['url', (r) => r.tabUrl],
  ['title', (r) => r.tabTitle],
  ['kind', (r) => r.kind],
  ['trigger', (r) => r.trigger],
  ['label', (r) => r.label],
  ['amount', (r) => (r.amount ? String(r.amount.value) : '')],
  ['currency', (r) => r.amount?.currency ?? ''],
  ['recipients', (r) => list(r.recipients)],
  ['message', (r) => r.message ?? ''],
  ['form_method', (r) => r.form?.method ?? ''],
  ['form_action', (r) => r.form?.action ?? ''],
  ['fields', (r) => r.fields.map((f) => `${f.label || f.name}=${f.value}`).join('; ')],
  ['signals', (r) => list(r.signals)],
  ['risks', (r) => list(r.risks)],
  ['note', (r) => r.note ?? ''],
  ['reason', (r) => [r.reason, ...(r.policyReasons ?? [])].filter(Boolean).join('; ')],
  ['edits', (r) => (r.edits ? r.edits.map((e) => `${e.label}: ${e.before} -> ${e.after}`).join('; ') : '')],
  ['team_reviewer', (r) => r.reviewer?.name ?? ''],
  ['team_reviewer_key', (r) => r.reviewer?.key ?? ''],
  ['cause', (r) => r.cause ?? ''],
  ['tool', (r) => r.tool?.name ?? ''],
  ['task', (r) => r.task?.task ?? ''],
  ['agent_unsure', (r) => (r.unsure ? `${Math.round(r.unsure.value * 100)} %: ${r.unsure.about}` : '')],
  ['answer', (r) => r.question?.answer ?? ''],
];

// A spreadsheet would run these as formulas.
const FORMULA_START = /^[=+\-@\t\r]/;
// Cells that need any treatment: most need none, and one test settles that.
const NEEDS_CARE = /^[=+\-@\t\r]|[",\r\n]/;

/** One RFC 4180 cell: formula starts neutralised with a leading apostrophe, then quoted if needed. */
export function csvCell(value: string): string {
  if (!NEEDS_CARE.test(value)) return value;
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvHeader(): string {
  return `${CSV_COLUMNS.map(([name]) => name).join(',')}\r\n`;
}

export function csvRow(record: ActionRecord): string {
  return `${CSV_COLUMNS.map(([, read]) => csvCell(read(record))).join(',')}\r\n`;
}

/** Reads CSV back (RFC 4180), for round-trip tests and for anyone checking an export. */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let cell = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') {
      row.push(cell);
      cell = '';
    } else if (char === '\r' && text[i + 1] === '\n') {
      row.push(cell);
      rows.push(row);
      row = [];
      cell = '';
      i++;
    } else cell += char;
  }
  if (cell || row.length) rows.push([...row, cell]);
  return rows;
}
