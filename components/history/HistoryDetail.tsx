import type { ActionRecord } from '@/lib/db/schema';
import { outcomeOf } from '@/lib/db/outcome';
import { ActionDetails, FieldTable } from '../ActionDetails';
import { PageText } from '../PageText';

export function HistoryDetail({ record, onClose }: { record: ActionRecord; onClose: () => void }) {
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

export function outcomeText(record: ActionRecord): string {
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
