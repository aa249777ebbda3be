import { readFileSync, writeFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { ActionRecord } from '@/lib/db/schema';
import { csvCell, parseCsv, CSV_COLUMNS } from '@/lib/export/csv';
import { EXPORT_FORMATS, joinSlices, writeRows, writerFor, type Writer } from '@/lib/export/formats';

const GOLDEN = join(__dirname, 'golden');

/** One slice's rows between the writer's start and end, as a one-lane export writes them. */
async function exportBlob(batches: AsyncIterable<readonly ActionRecord[]>, writer: Writer) {
  return joinSlices([await writeRows(batches, writer)], writer);
}

/** Batches of two, so rows cross batch boundaries as they do in a real export. */
async function* from(records: ActionRecord[]) {
  for (let i = 0; i < records.length; i += 2) yield records.slice(i, i + 2);
}

const base = {
  tabId: 1,
  frameId: 0,
  frameTitle: 'Checkout',
  trigger: 'click' as const,
  signals: ['webdriver' as const],
  heldAt: 0,
  risks: [],
};

// Fixed records covering every outcome and the awkward values a CSV must survive.
const RECORDS: ActionRecord[] = [
  {
    ...base,
    id: 'a1',
    kind: 'purchase',
    label: 'Place order',
    frameUrl: 'https://shop.example/checkout',
    tabUrl: 'https://shop.example/checkout',
    tabTitle: 'Checkout, "Demo" Shop',
    site: 'https://shop.example',
    status: 'approved',
    decidedBy: 'person',
    createdAt: Date.UTC(2026, 10, 21, 9, 0, 0),
    decidedAt: Date.UTC(2026, 10, 21, 9, 0, 4),
    amount: { value: 1299.5, currency: 'EUR', text: '1.299,50 €' },
    form: { action: 'https://shop.example/order', method: 'post' },
    fields: [
      { name: 'name', label: 'Name', type: 'text', value: '=HYPERLINK("http://evil")' },
      { name: 'card', label: 'Card', type: 'text', value: '•••• 4242', masked: true },
    ],
    risks: ['sensitive-fields', 'amount'],
    edits: [{ label: 'Name', before: 'Ada', after: 'Ada Lovelace' }],
  },
  {
    ...base,
    id: 'a2',
    kind: 'send',
    label: 'Send',
    frameUrl: 'https://mail.example/compose',
    tabUrl: 'https://mail.example/compose',
    tabTitle: 'Письмо – 邮件',
    site: 'https://mail.example',
    status: 'rejected',
    decidedBy: 'person',
    reviewer: { name: 'desk, "night"', key: 'G2UDfEkoySyNRialnR-TZBNFG5A-TOBgw7AQBpNt_y0' },
    note: 'wrong, person\nline two',
    createdAt: Date.UTC(2026, 10, 21, 9, 1, 0),
    decidedAt: Date.UTC(2026, 10, 21, 9, 1, 30),
    recipients: ['+1 555 0100', '@handle'],
    message: '-2+3\ttab\rreturn',
    fields: [],
  },
  {
    ...base,
    id: 'a3',
    kind: 'submit',
    label: 'Save',
    frameUrl: 'https://app.example/settings',
    tabUrl: 'https://app.example/settings',
    tabTitle: 'Settings',
    site: 'https://app.example',
    status: 'rejected',
    decidedBy: 'timeout',
    cause: 'evaluated-script',
    note: 'no decision within 10 minutes',
    createdAt: Date.UTC(2026, 10, 21, 9, 2, 0),
    decidedAt: Date.UTC(2026, 10, 21, 9, 12, 0),
    fields: [],
  },
  {
    ...base,
    id: 'a4',
    kind: 'purchase',
    trigger: 'tool',
    label: 'buy_now',
    tool: { name: 'buy_now', description: 'Buy the product shown, with the saved card', consequential: true },
    task: { task: 'buy a kettle under 40 EUR', declaredAt: Date.UTC(2026, 10, 21, 9, 2, 30) },
    frameUrl: 'https://shop.example/p',
    tabUrl: 'https://shop.example/p',
    tabTitle: 'Kettle',
    site: 'https://shop.example',
    status: 'approved',
    decidedBy: 'rule',
    ruleId: 'r1',
    policyReasons: ['allowed by the rule for https://shop.example'],
    createdAt: Date.UTC(2026, 10, 21, 9, 3, 0),
    decidedAt: Date.UTC(2026, 10, 21, 9, 3, 0),
    fields: [],
  },
];

const EXPORTED_AT = new Date(Date.UTC(2026, 10, 21, 12, 0, 0));

async function render(format: (typeof EXPORT_FORMATS)[number]): Promise<string> {
  const writer = writerFor(format, { filter: { site: 'https://shop.example' }, exportedAt: EXPORTED_AT });
  return (await exportBlob(from(RECORDS), writer)).blob.text();
}

describe('writers against golden files', () => {
  it.each(EXPORT_FORMATS)('%s', async (format) => {
    const text = await render(format);
    const file = join(GOLDEN, `history.${format}`);
    if (process.env.UPDATE_GOLDEN) writeFileSync(file, text);
    expect(existsSync(file), `${file} is missing: run with UPDATE_GOLDEN=1 and review it`).toBe(true);
    expect(text).toBe(readFileSync(file, 'utf8'));
  });
});

describe('CSV', () => {
  it.each([
    ['plain', 'plain'],
    ['a,b', '"a,b"'],
    ['say "hi"', '"say ""hi"""'],
    ['two\nlines', '"two\nlines"'],
    ['=1+1', "'=1+1"],
    ['+cmd', "'+cmd"],
    ['-2', "'-2"],
    ['@SUM(A1)', "'@SUM(A1)"],
    ['\tTab', "'\tTab"],
    ['\rCR', `"'\rCR"`],
    ['=HYPERLINK("x")', `"'=HYPERLINK(""x"")"`],
    ['Zürich 東京 🙂', 'Zürich 東京 🙂'],
    ['', ''],
  ])('%j becomes %j', (value, cell) => expect(csvCell(value)).toBe(cell));

  it('round-trips quotes, commas, newlines and non-Latin text, with formulas neutralised', async () => {
    const writer = writerFor('csv', { filter: {}, exportedAt: EXPORTED_AT });
    const bytes = new Uint8Array(await (await exportBlob(from(RECORDS), writer)).blob.arrayBuffer());
    expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]); // UTF-8 byte-order mark for spreadsheets
    const [header, ...rows] = parseCsv(new TextDecoder().decode(bytes));
    expect(header).toEqual(CSV_COLUMNS.map(([name]) => name));
    expect(rows).toHaveLength(RECORDS.length);
    const column = (name: string) => header!.indexOf(name);
    expect(rows[0]![column('title')]).toBe('Checkout, "Demo" Shop');
    expect(rows[0]![column('fields')]).toBe('Name==HYPERLINK("http://evil"); Card=•••• 4242');
    expect(rows[1]![column('title')]).toBe('Письмо – 邮件');
    expect(rows[1]![column('note')]).toBe('wrong, person\nline two');
    expect(rows[1]![column('recipients')]).toBe("'+1 555 0100; @handle");
    expect(rows[1]![column('message')]).toBe("'-2+3\ttab\rreturn");
    expect(rows.map((row) => row[column('outcome')])).toEqual(['edited', 'rejected', 'timeout', 'allowed-by-rule']);
    for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });
});

describe('JSON and NDJSON', () => {
  it('round-trips through JSON with the schema version and the filter used', async () => {
    const parsed = JSON.parse(await render('json'));
    expect(parsed).toMatchObject({ schema: 'countersign-history', version: 1, filter: { site: 'https://shop.example' } });
    expect(parsed.actions.map((a: { id: string }) => a.id)).toEqual(['a1', 'a2', 'a3', 'a4']);
    expect(parsed.actions[0].amount).toEqual({ value: 1299.5, currency: 'EUR', text: '1.299,50 €' });
    expect(parsed.actions[1].note).toBe('wrong, person\nline two');
  });

  it('writes one action per line in NDJSON', async () => {
    const lines = (await render('ndjson')).trim().split('\n');
    expect(lines.map((line) => JSON.parse(line).outcome)).toEqual(['edited', 'rejected', 'timeout', 'allowed-by-rule']);
  });

  it('puts only people’s decisions in the evaluation set', async () => {
    const lines = (await render('evalset')).trim().split('\n').map((line) => JSON.parse(line));
    expect(lines.map((line) => [line.id, line.decision])).toEqual([
      ['a1', 'edited'],
      ['a2', 'rejected'],
    ]);
    expect(lines[0]).toMatchObject({ context: { site: 'https://shop.example' }, proposedAction: { kind: 'purchase' }, edits: [{ label: 'Name' }] });
    expect(lines[1].note).toBe('wrong, person\nline two');
  });

  it('adds screenshots to JSON only when asked', async () => {
    const writer = writerFor('json', { filter: {}, exportedAt: EXPORTED_AT, screenshotOf: async (id) => (id === 'a1' ? 'data:image/jpeg;base64,AAAA' : undefined) });
    const parsed = JSON.parse(await (await exportBlob(from(RECORDS), writer)).blob.text());
    expect(parsed.actions[0].screenshot).toBe('data:image/jpeg;base64,AAAA');
    expect(parsed.actions[1]).not.toHaveProperty('screenshot');
  });
});
