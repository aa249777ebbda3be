import { useState } from 'react';
import { EXPORT_FORMATS, type ExportFormat } from '@/lib/export/formats';
import { t } from '../i18n';
import type { HistoryState } from './model';

const formatName = (format: ExportFormat) => (format === 'evalset' ? t('history.evalset') : format.toUpperCase());

export function ExportControls(props: {
  exporting: HistoryState['exporting'];
  onExport: (format: ExportFormat, screenshots: boolean) => void;
}) {
  const { exporting, onExport } = props;
  const [format, setFormat] = useState<ExportFormat>('json');
  const [screenshots, setScreenshots] = useState(false);
  return (
    <span className="export">
      <select aria-label={t('history.exportFormat')} value={format} onChange={(e) => setFormat(e.target.value as ExportFormat)}>
        {EXPORT_FORMATS.map((name) => (
          <option key={name} value={name}>
            {formatName(name)}
          </option>
        ))}
      </select>
      <label>
        <input type="checkbox" checked={screenshots} disabled={format !== 'json'} onChange={(e) => setScreenshots(e.target.checked)} />{' '}
        {t('history.includeScreenshots')}
      </label>
      <button disabled={exporting.busy} onClick={() => onExport(format, screenshots)}>
        {t('history.export')}
      </button>
      {exporting.done && <span className="note">{exporting.done}</span>}
      {exporting.error && (
        <span className="note" role="alert">
          {exporting.error}
        </span>
      )}
    </span>
  );
}
