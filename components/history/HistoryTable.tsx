import { useEffect, useRef, useState } from 'react';
import type { ActionRecord } from '@/lib/db/schema';
import { kindName, t } from '../i18n';
import { PageText } from '../PageText';
import { useScreenshot } from '../useScreenshot';
import { outcomeText } from './HistoryDetail';
import { PAGE } from './model';

const ROW_HEIGHT = 48;
const OVERSCAN = 8;

/** Draws only the rows in view, and asks for the pages they need. */
export function HistoryTable(props: {
  total: number;
  pages: ReadonlyMap<number, ActionRecord[]>;
  onRowsInView: (first: number, last: number) => void;
  onOpen: (record: ActionRecord) => void;
}) {
  const { total, pages, onRowsInView, onOpen } = props;
  const viewport = useRef<HTMLDivElement>(null);
  const [scrollTop, setScrollTop] = useState(0);
  const [height, setHeight] = useState(480);

  useEffect(() => {
    const element = viewport.current;
    if (!element) return;
    const observer = new ResizeObserver(() => setHeight(element.clientHeight));
    observer.observe(element);
    return () => observer.disconnect();
  }, []);

  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(total, Math.ceil((scrollTop + height) / ROW_HEIGHT) + OVERSCAN);
  useEffect(() => onRowsInView(first, last), [first, last, pages, onRowsInView]);

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
    <div role="table" aria-label={t('history.table')} aria-rowcount={total + 1} className="history-table">
      <div role="row" aria-rowindex={1} className="history-head">
        <span role="columnheader">{t('history.when')}</span>
        <span role="columnheader">{t('history.site')}</span>
        <span role="columnheader">{t('history.action')}</span>
        <span role="columnheader">{t('history.outcome')}</span>
        <span role="columnheader">{t('history.picture')}</span>
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
        {kindName(record.kind)}: <PageText text={record.label} />
        {record.traffic && ` · ${t('history.times', { count: record.traffic.count })}`}
        {record.amount && ` · ${record.amount.value} ${record.amount.currency}`}
      </span>
      <span role="cell">{outcomeText(record)}</span>
      <span role="cell">
        <Thumbnail record={record} />
      </span>
    </>
  );
}

function Thumbnail({ record }: { record: ActionRecord }) {
  const url = useScreenshot(record.id, record.screenshot === 'captured');
  return url ? <img className="thumbnail" src={url} alt={t('history.thumbnail')} /> : null;
}
