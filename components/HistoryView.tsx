import { useCallback } from 'react';
import type { ActionRecord } from '@/lib/db/schema';
import { request } from '@/lib/messaging/client';
import { KIND_NAMES } from './ActionDetails';
import { PageText } from './PageText';
import { useBroker } from './useBroker';
import { useScreenshot } from './useScreenshot';

const HISTORY_LIMIT = 200;

export function HistoryView() {
  const load = useCallback(() => request({ type: 'history', limit: HISTORY_LIMIT }), []);
  const { data: history, error } = useBroker(load);
  if (error) return <p role="alert">Could not load the history: {error}</p>;
  if (!history) return <p>Loading…</p>;
  if (!history.length) return <p className="empty">Nothing has been held yet.</p>;
  return (
    <table className="history" aria-label="History">
      <thead>
        <tr>
          <th scope="col">When</th>
          <th scope="col">Site</th>
          <th scope="col">Action</th>
          <th scope="col">Outcome</th>
          <th scope="col">Screenshot</th>
        </tr>
      </thead>
      <tbody>
        {history.map((record) => (
          <tr key={record.id} data-status={record.status}>
            <td>{new Date(record.createdAt).toLocaleString()}</td>
            <td>
              <PageText text={record.site} />
            </td>
            <td>
              {KIND_NAMES[record.kind]}: <PageText text={record.label} />
            </td>
            <td>
              {outcome(record)}
              {record.edits && (
                <ul className="edits">
                  {record.edits.map((edit, index) => (
                    <li key={index}>
                      <PageText text={edit.label} />: “<PageText text={edit.before} />” → “<PageText text={edit.after} />”
                    </li>
                  ))}
                </ul>
              )}
            </td>
            <td>
              <Thumbnail record={record} />
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Thumbnail({ record }: { record: ActionRecord }) {
  const url = useScreenshot(record.id, record.screenshot === 'captured');
  return url ? <img className="thumbnail" src={url} alt="Screenshot when held" /> : null;
}

function outcome(record: ActionRecord): string {
  if (record.decidedBy === 'rule') {
    const name = record.status === 'approved' ? 'allowed by rule' : 'blocked by rule';
    return `${name}${record.policyReasons?.length ? ` (${record.policyReasons.join('; ')})` : ''}`;
  }
  if (record.decidedBy === 'timeout') return `timeout (${record.note ?? 'no decision in time'})`;
  const by = record.decidedBy ? ` by ${record.decidedBy}` : '';
  if (record.edits) return `approved with edits${by}`;
  const why = record.reason ?? record.note;
  return `${record.status}${by}${why ? ` (${why})` : ''}`;
}
