import { useCallback, useEffect, useRef, useState } from 'react';
import { browser } from 'wxt/browser';
import type { ActionKind } from '@/lib/actions/types';
import type { ActionRecord } from '@/lib/db/schema';
import { EXPORT_FORMATS, type ExportFormat } from '@/lib/export/formats';
import { exportHistory, writeSlice } from '@/lib/export/slices';
import { EXPORT_LANES, workerPool } from '@/lib/export/workers';
import { OUTCOMES, outcomeOf, type Outcome } from '@/lib/db/outcome';
import { countHistory, distinctSites, pageHistory, type HistoryFilter } from '@/lib/history/query';
import { request } from '@/lib/messaging/client';
import type { PanelEvent } from '@/lib/messaging/protocol';
import { ACTION_KINDS } from '@/lib/actions/types';
import { ActionDetails, FieldTable, KIND_NAMES } from './ActionDetails';
import { historyDb } from './historyDb';
import { PageText } from './PageText';
import { useScreenshot } from './useScreenshot';

const ROW_HEIGHT = 48;
const PAGE = 100;
const OVERSCAN = 8;

const FORMAT_NAMES: Record<ExportFormat, string> = {
  json: 'JSON',
  csv: 'CSV',
  ndjson: 'NDJSON',
  evalset: 'Evaluation set (JSONL)',
};

/** Searchable, filterable history, virtualized: only the rows in view are read and drawn. */
export function HistoryView() {
  const [filter, setFilter] = useState<HistoryFilter>({});
  const [version, setVersion] = useState(0);
  const [total, setTotal] = useState<number | null>(null);
  const [firstPage, setFirstPage] = useState<ActionRecord[] | null>(null);
  const [sites, setSites] = useState<string[]>([]);
  const [selected, setSelected] = useState<ActionRecord | null>(null);

  useEffect(() => {
    const onMessage = (message: unknown) => {
      if ((message as PanelEvent)?.type === 'changed') setVersion((v) => v + 1);
    };
    browser.runtime.onMessage.addListener(onMessage);
    return () => browser.runtime.onMessage.removeListener(onMessage);
  }, []);

  // The first rows come first; counting a large history takes longer and would hold up
  // IndexedDB's one backend meanwhile, so it waits until they are shown.
  useEffect(() => {
    let live = true;
    setTotal(null);
    void historyDb().then(async (db) => {
      const rows = await pageHistory(db, filter, 0, PAGE);
      if (!live) return;
      setFirstPage(rows);
      const count = await countHistory(db, filter);
      if (!live) return;
      setTotal(count);
      const known = await distinctSites(db);
      if (live) setSites(known);
    });
    return () => {
      live = false;
    };
  }, [filter, version]);

  return (
    <section aria-label="History view" className="history-view">
      <Filters filter={filter} sites={sites} onChange={setFilter} />
      <div className="toolbar">
        <span role="status" aria-label="Matching actions">
          {total === null ? 'Counting…' : `${total.toLocaleString()} ${total === 1 ? 'action' : 'actions'}`}
        </span>
        <ExportControls filter={filter} />
      </div>
      {selected ? (
        <HistoryDetail record={selected} onClose={() => setSelected(null)} />
      ) : firstPage?.length === 0 ? (
        <p className="empty">Nothing matches.</p>
      ) : (
        firstPage && (
          <VirtualTable
            filter={filter}
            total={total ?? firstPage.length}
            firstPage={firstPage}
            version={version}
            onOpen={setSelected}
          />
        )
      )}
      <Retention />
    </section>
  );
}

function Filters(props: { filter: HistoryFilter; sites: string[]; onChange: (filter: HistoryFilter) => void }) {
  const { filter, sites, onChange } = props;
  const [text, setText] = useState(filter.text ?? '');
  const set = (change: Partial<HistoryFilter>) => {
    const next: HistoryFilter = { ...filter, ...change };
    for (const key of Object.keys(next) as (keyof HistoryFilter)[]) if (next[key] === undefined || next[key] === '') delete next[key];
    onChange(next);
  };
  const day = (value: string, end: boolean) => (value ? new Date(`${value}T${end ? '23:59:59.999' : '00:00:00'}`).getTime() : undefined);
  return (
    <form className="filters" role="search" aria-label="Filter the history" onSubmit={(e) => e.preventDefault()}>
      <input
        type="search"
        aria-label="Search the history"
        placeholder="Search: site, label, recipient, text"
        value={text}
        onChange={(e) => {
          setText(e.target.value);
          set({ text: e.target.value.trim() || undefined });
        }}
      />
      <select aria-label="Site" value={filter.site ?? ''} onChange={(e) => set({ site: e.target.value || undefined })}>
        <option value="">All sites</option>
        {sites.map((site) => (
          <option key={site} value={site}>
            {site}
          </option>
        ))}
      </select>
      <select aria-label="Kind" value={filter.kind ?? ''} onChange={(e) => set({ kind: (e.target.value || undefined) as ActionKind | undefined })}>
        <option value="">All kinds</option>
        {ACTION_KINDS.map((kind) => (
          <option key={kind} value={kind}>
            {KIND_NAMES[kind]}
          </option>
        ))}
      </select>
      <select aria-label="Outcome" value={filter.outcome ?? ''} onChange={(e) => set({ outcome: (e.target.value || undefined) as Outcome | undefined })}>
        <option value="">All outcomes</option>
        {OUTCOMES.map((outcome) => (
          <option key={outcome} value={outcome}>
            {outcome}
          </option>
        ))}
      </select>
      <label>
        From <input type="date" onChange={(e) => set({ from: day(e.target.value, false) })} />
      </label>
      <label>
        To <input type="date" onChange={(e) => set({ to: day(e.target.value, true) })} />
      </label>
    </form>
  );
}

function VirtualTable(props: {
  filter: HistoryFilter;
  total: number;
  firstPage: ActionRecord[];
  version: number;
  onOpen: (record: ActionRecord) => void;
}) {
  const { filter, total, firstPage, version, onOpen } = props;
  const viewport = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(480);
  const [pages, setPages] = useState<Map<number, ActionRecord[]>>(() => new Map([[0, firstPage]]));
  const loading = useRef(new Set<number>());

  useEffect(() => {
    setPages(new Map([[0, firstPage]]));
    loading.current.clear();
  }, [filter, version, firstPage]);

  useEffect(() => {
    const element = viewport.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setHeight(element.clientHeight));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(total, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);

  useEffect(() => {
    for (let page = Math.floor(first / PAGE); page * PAGE < last; page++) {
      if (pages.has(page) || loading.current.has(page)) continue;
      loading.current.add(page);
      void historyDb()
        .then((db) => pageHistory(db, filter, page * PAGE, PAGE))
        .then((rows) =>
          setPages((current) => {
            const next = new Map(current);
            next.set(page, rows);
            // Keep memory flat while scrolling far: drop pages well out of view.
            for (const key of next.keys()) if (Math.abs(key - page) > 5) next.delete(key);
            return next;
          }),
        )
        .finally(() => loading.current.delete(page));
    }
  }, [first, last, pages, filter]);

  const rows = [];
  for (let index = first; index < last; index++) {
    const record = pages.get(Math.floor(index / PAGE))?.[index % PAGE];
    rows.push(
      <div
        role="row"
        key={record?.id ?? `loading-${index}`}
        aria-rowindex={index + 2}
        className="history-row"
        style={{ top: index * ROW_HEIGHT }}
        tabIndex={record ? 0 : -1}
        onClick={() => record && onOpen(record)}
        onKeyDown={(e) => record && e.key === 'Enter' && onOpen(record)}
      >
        {record ? <HistoryCells record={record} /> : <span role="cell">…</span>}
      </div>,
    );
  }

  return (
    <div role="table" aria-label="History" aria-rowcount={total + 1} className="history-table">
      <div role="row" aria-rowindex={1} className="history-head">
        <span role="columnheader">When</span>
        <span role="columnheader">Site</span>
        <span role="columnheader">Action</span>
        <span role="columnheader">Outcome</span>
        <span role="columnheader">Picture</span>
      </div>
      <div ref={viewport} className="history-viewport" onScroll={(e) => setScrollTop(e.currentTarget.scrollTop)}>
        <div style={{ height: total * ROW_HEIGHT, position: 'relative' }}>{rows}</div>
      </div>
    </div>
  );
}

function HistoryCells({ record }: { record: ActionRecord }) {
  return (
    <>
      <span role="cell">{new Date(record.createdAt).toLocaleString()}</span>
      <span role="cell">
        <PageText text={record.site} />
      </span>
      <span role="cell">
        {KIND_NAMES[record.kind]}: <PageText text={record.label} />
        {record.amount && ` · ${record.amount.value} ${record.amount.currency}`}
      </span>
      <span role="cell">{outcomeText(record)}</span>
      <span role="cell">
        <Thumbnail record={record} />
      </span>
    </>
  );
}

function HistoryDetail({ record, onClose }: { record: ActionRecord; onClose: () => void }) {
  return (
    <article className="card detail" aria-label={`Details of ${record.label}`}>
      <button onClick={onClose}>Back to the list</button>
      <p>
        <strong>{outcomeText(record)}</strong>
        {record.decidedAt !== undefined && ` after ${((record.decidedAt - record.createdAt) / 1000).toFixed(1)} s`}
      </p>
      {record.fatigue && <p className="flag">Fatigue warning at this approval: {record.fatigue}</p>}
      <ActionDetails record={record} />
      {record.fields.length > 0 && <FieldTable fields={record.fields} caption="Fields" />}
      {record.edits && (
        <>
          <h2>Edits</h2>
          <ul className="edits">
            {record.edits.map((edit, index) => (
              <li key={index}>
                <PageText text={edit.label} />: “<PageText text={edit.before} />” → “<PageText text={edit.after} />”
              </li>
            ))}
          </ul>
        </>
      )}
    </article>
  );
}

function Thumbnail({ record }: { record: ActionRecord }) {
  const url = useScreenshot(record.id, record.screenshot === 'captured');
  return url ? <img className="thumbnail" src={url} alt="Screenshot when held" /> : null;
}

function outcomeText(record: ActionRecord): string {
  const outcome = outcomeOf(record);
  switch (outcome) {
    case 'allowed-by-rule':
    case 'blocked-by-rule':
      return `${outcome.replace(/-/g, ' ')}${record.policyReasons?.length ? ` (${record.policyReasons.join('; ')})` : ''}`;
    case 'timeout':
      return `timeout (${record.note ?? 'no decision in time'})`;
    case 'edited':
      return 'approved with edits by person';
    default: {
      const by = record.decidedBy ? ` by ${record.decidedBy}` : '';
      const why = record.reason ?? record.note;
      return `${record.status}${by}${why ? ` (${why})` : ''}`;
    }
  }
}

function ExportControls({ filter }: { filter: HistoryFilter }) {
  const [format, setFormat] = useState<ExportFormat>('json');
  const [screenshots, setScreenshots] = useState(false);
  const [busy, setBusy] = useState(false);
  const [done, setDone] = useState<string | null>(null);
  const [failed, setFailed] = useState<string | null>(null);

  async function run() {
    setBusy(true);
    setDone(null);
    setFailed(null);
    try {
      const db = await historyDb();
      const now = new Date();
      const request = { format, filter, exportedAt: now, screenshots: format === 'json' && screenshots };
      const pool = workerPool((job) => writeSlice(db, job));
      const { blob, count, fileName } = await exportHistory(db, request, pool.run, EXPORT_LANES).finally(pool.close);
      const url = URL.createObjectURL(blob);
      const link = document.createElement('a');
      link.href = url;
      link.download = fileName;
      link.click();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
      setDone(`Exported ${count.toLocaleString()} actions.`);
    } catch (error) {
      setFailed(`Export failed: ${error instanceof Error ? error.message : String(error)}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <span className="export">
      <select aria-label="Export format" value={format} onChange={(e) => setFormat(e.target.value as ExportFormat)}>
        {EXPORT_FORMATS.map((name) => (
          <option key={name} value={name}>
            {FORMAT_NAMES[name]}
          </option>
        ))}
      </select>
      <label>
        <input type="checkbox" checked={screenshots} disabled={format !== 'json'} onChange={(e) => setScreenshots(e.target.checked)} /> include
        screenshots
      </label>
      <button disabled={busy} onClick={() => void run()}>
        Export
      </button>
      {done && <span className="note">{done}</span>}
      {failed && (
        <span className="note" role="alert">
          {failed}
        </span>
      )}
    </span>
  );
}

function Retention() {
  const [usage, setUsage] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<number | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const measure = useCallback(() => {
    void navigator.storage.estimate().then(({ usage = 0, quota = 0 }) => setUsage(`${megabytes(usage)} used of ${megabytes(quota)} available`));
  }, []);
  useEffect(measure, [measure]);
  const decidedCount = async () => {
    const db = await historyDb();
    return (await db.count('actions')) - (await countHistory(db, { outcome: 'pending' }));
  };

  return (
    <footer className="retention">
      {usage && <p className="note">Storage: {usage}.</p>}
      {confirming === null ? (
        <button onClick={() => void decidedCount().then(setConfirming)}>Clear history</button>
      ) : (
        <div role="alertdialog" aria-label="Confirm clearing the history">
          <p>
            This removes {confirming.toLocaleString()} {confirming === 1 ? 'entry' : 'entries'} and their screenshots. Pending actions stay.
          </p>
          <button
            onClick={() =>
              void request({ type: 'clear-history' }).then(({ removed }) => {
                setConfirming(null);
                setMessage(`Removed ${removed.toLocaleString()} entries.`);
                measure();
              })
            }
          >
            Remove {confirming.toLocaleString()} entries
          </button>{' '}
          <button onClick={() => setConfirming(null)}>Keep them</button>
        </div>
      )}
      {message && <p role="status">{message}</p>}
    </footer>
  );
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
