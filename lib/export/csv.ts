import type { ExportedAction } from './record';

/** The CSV columns, in their documented, stable order. */
export const CSV_COLUMNS: readonly [string, (action: ExportedAction) => string][] = [
  ['id', (a) => a.id],
  ['held_at', (a) => a.heldAt],
  ['decided_at', (a) => a.decidedAt ?? ''],
  ['held_to_decided_ms', (a) => (a.heldToDecidedMs === null ? '' : String(a.heldToDecidedMs))],
  ['outcome', (a) => a.outcome],
  ['decided_by', (a) => a.decidedBy ?? ''],
  ['rule_id', (a) => a.ruleId ?? ''],
  ['site', (a) => a.site],
  ['url', (a) => a.url],
  ['title', (a) => a.title],
  ['kind', (a) => a.kind],
  ['trigger', (a) => a.trigger],
  ['label', (a) => a.label],
  ['amount', (a) => (a.amount ? String(a.amount.value) : '')],
  ['currency', (a) => a.amount?.currency ?? ''],
  ['recipients', (a) => a.recipients.join('; ')],
  ['message', (a) => a.message ?? ''],
  ['form_method', (a) => a.form?.method ?? ''],
  ['form_action', (a) => a.form?.action ?? ''],
  ['fields', (a) => a.fields.map((f) => `${f.label || f.name}=${f.value}`).join('; ')],
  ['signals', (a) => a.signals.join('; ')],
  ['risks', (a) => a.risks.join('; ')],
  ['note', (a) => a.note ?? ''],
  ['reason', (a) => [a.reason, ...a.policyReasons].filter(Boolean).join('; ')],
  ['edits', (a) => a.edits.map((e) => `${e.label}: ${e.before} -> ${e.after}`).join('; ')],
];

// A spreadsheet would run these as formulas.
const FORMULA_START = /^[=+\-@\t\r]/;

/** One RFC 4180 cell: formula starts neutralised with a leading apostrophe, then quoted if needed. */
export function csvCell(value: string): string {
  const safe = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvHeader(): string {
  return `${CSV_COLUMNS.map(([name]) => name).join(',')}\r\n`;
}

export function csvRow(action: ExportedAction): string {
  return `${CSV_COLUMNS.map(([, read]) => csvCell(read(action))).join(',')}\r\n`;
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
