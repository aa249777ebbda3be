import { useState } from 'react';
import type { ActionRecord } from '@/lib/db/schema';
import { ChainStatus } from './ChainStatus';
import { ExportControls } from './ExportControls';
import { Filters } from './Filters';
import { HistoryDetail } from './HistoryDetail';
import { HistoryTable } from './HistoryTable';
import { t } from '../i18n';
import { Retention } from './Retention';
import { useHistory } from './useHistory';

/** Searchable, filterable history, virtualized: only the rows in view are read and drawn. */
export function HistoryView() {
  const { state, model } = useHistory();
  const [selected, setSelected] = useState<ActionRecord | null>(null);
  const { total, pages, error } = state;
  const firstPage = pages?.get(0);

  return (
    <section aria-label={t('history.label')} className="history-view">
      <Filters state={state} model={model} />
      <div className="toolbar">
        <span role="status" aria-label={t('history.matching')}>
          {total === null ? t('history.counting') : t('history.actions', total, [total.toLocaleString()])}
        </span>
        <ExportControls exporting={state.exporting} onExport={(format, screenshots) => void model.exportAs(format, screenshots)} />
      </div>
      {pages && !selected && <ChainStatus pages={pages} />}
      {error && (
        <p className="note" role="alert">
          {error}
        </p>
      )}
      {selected ? (
        <HistoryDetail record={selected} onClose={() => setSelected(null)} />
      ) : firstPage?.length === 0 ? (
        <p className="empty">{t('history.nothingMatches')}</p>
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
