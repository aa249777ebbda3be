import { useState } from 'react';
import type { ActionRecord } from '@/lib/db/schema';
import { ExportControls } from './ExportControls';
import { Filters } from './Filters';
import { HistoryDetail } from './HistoryDetail';
import { HistoryTable } from './HistoryTable';
import { Retention } from './Retention';
import { useHistory } from './useHistory';

/** Searchable, filterable history, virtualized: only the rows in view are read and drawn. */
export function HistoryView() {
  const { state, model } = useHistory();
  const [selected, setSelected] = useState<ActionRecord | null>(null);
  const { total, pages, error } = state;
  const firstPage = pages?.get(0);

  return (
    <section aria-label="History view" className="history-view">
      <Filters state={state} model={model} />
      <div className="toolbar">
        <span role="status" aria-label="Matching actions">
          {total === null ? 'Counting…' : `${total.toLocaleString()} ${total === 1 ? 'action' : 'actions'}`}
        </span>
        <ExportControls exporting={state.exporting} onExport={(format, screenshots) => void model.exportAs(format, screenshots)} />
      </div>
      {error && (
        <p className="note" role="alert">
          {error}
        </p>
      )}
      {selected ? (
        <HistoryDetail record={selected} onClose={() => setSelected(null)} />
      ) : firstPage?.length === 0 ? (
        <p className="empty">Nothing matches.</p>
      ) : (
        pages &&
        firstPage && (
          <HistoryTable
            total={total ?? firstPage.length}
            pages={pages}
            onRowsInView={model.ensureRows}
            onOpen={setSelected}
          />
        )
      )}
      <Retention />
    </section>
  );
}
