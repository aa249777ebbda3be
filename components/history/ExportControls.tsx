import { useState } from 'react';
import { EXPORT_FORMATS, type ExportFormat } from '@/lib/export/formats';
import type { HistoryState } from './model';

const FORMAT_NAMES: Record<ExportFormat, string> = {
  json: 'JSON',
  csv: 'CSV',
  ndjson: 'NDJSON',
  evalset: 'Evaluation set (JSONL)',
};

export function ExportControls(props: {
  exporting: HistoryState['exporting'];
  onExport: (format: ExportFormat, screenshots: boolean) => void;
}) {
  const { exporting, onExport } = props;
  const [format, setFormat] = useState<ExportFormat>('json');
  const [screenshots, setScreenshots] = useState(false);
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
      <button disabled={exporting.busy} onClick={() => onExport(format, screenshots)}>
        Export
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
