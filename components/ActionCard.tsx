import { useId, useState } from 'react';
import type { FieldSnapshot } from '@/lib/actions/types';
import type { ActionRecord } from '@/lib/db/schema';
import { request } from '@/lib/messaging/client';
import type { FieldEdit, Verdict } from '@/lib/messaging/protocol';
import { ActionDetails, FieldTable, KIND_NAMES } from './ActionDetails';
import { PageText } from './PageText';

/** One pending action: everything the reviewer needs, then Approve, Reject or Edit. */
export function ActionCard({ record }: { record: ActionRecord }) {
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const [drafts, setDrafts] = useState<Record<number, string>>({});
  const [revealed, setRevealed] = useState<Record<number, string>>({});
  const noteId = useId();
  const kind = KIND_NAMES[record.kind].toLowerCase();

  const shown = (index: number) => revealed[index] ?? record.fields[index]?.value ?? '';
  const edits = (): FieldEdit[] =>
    Object.entries(drafts)
      .map(([index, value]) => ({ index: Number(index), value }))
      .filter(({ index, value }) => value !== shown(index));

  async function decide(verdict: Verdict) {
    setBusy(true);
    setError(null);
    try {
      const changes = verdict === 'approve' ? edits() : [];
      const reply = await request({
        type: 'decide',
        id: record.id,
        verdict,
        ...(note ? { note } : {}),
        ...(changes.length ? { edits: changes } : {}),
      });
      if (!reply.ok) setError(reply.error);
    } catch (cause) {
      setError(`Nothing was sent: ${cause instanceof Error ? cause.message : String(cause)}`);
    } finally {
      setBusy(false);
    }
  }

  async function run(work: () => Promise<{ ok: boolean; error?: string }>) {
    setBusy(true);
    setError(null);
    try {
      const reply = await work();
      if (!reply.ok) setError(reply.error ?? 'Nothing was changed.');
    } finally {
      setBusy(false);
    }
  }

  async function reveal(index: number) {
    const reply = await request({ type: 'reveal', id: record.id, index });
    if ('value' in reply) setRevealed((current) => ({ ...current, [index]: reply.value }));
    else setError(reply.error);
  }

  const visible = record.fields.map((field, index) => ({ field, index })).filter(({ field }) => !field.hidden);
  const hidden = record.fields.filter((field) => field.hidden);

  return (
    <article className={`card kind-${record.kind}`} aria-label={`${KIND_NAMES[record.kind]} on ${record.site}`}>
      <ActionDetails record={record} />
      {visible.length > 0 &&
        (editing ? (
          <fieldset className="fields editing">
            <legend>Edit the values to send</legend>
            {visible.map(({ field, index }) => (
              <EditableField
                key={index}
                field={field}
                value={drafts[index] ?? shown(index)}
                locked={Boolean(field.masked) && revealed[index] === undefined}
                onReveal={() => void reveal(index)}
                onChange={(value) => setDrafts((current) => ({ ...current, [index]: value }))}
              />
            ))}
          </fieldset>
        ) : (
          <FieldTable fields={visible.map(({ field }) => field)} caption="Fields" />
        ))}
      {hidden.length > 0 && (
        <details>
          <summary>{hidden.length} hidden fields</summary>
          <FieldTable fields={hidden} caption="Hidden fields" />
        </details>
      )}
      {record.fieldsTruncated && <p className="note">Only the first 200 fields were captured.</p>}
      <label htmlFor={noteId}>Note for the agent (optional)</label>
      <textarea id={noteId} rows={2} value={note} maxLength={4000} onChange={(e) => setNote(e.target.value)} />
      {error && <p role="alert">{error}</p>}
      <div className="decide">
        <button className="approve" disabled={busy} onClick={() => void decide('approve')}>
          {editing && edits().length ? `Approve ${kind} with edits` : `Approve ${kind}`}
        </button>
        <button className="reject" disabled={busy} onClick={() => void decide('reject')}>
          Reject {kind}
        </button>
        {visible.length > 0 && !editing && (
          <button className="edit" disabled={busy} onClick={() => setEditing(true)}>
            Edit values
          </button>
        )}
      </div>
      <details className="rule-actions">
        <summary>Rules for {record.site}</summary>
        <div className="decide">
          <button disabled={busy} onClick={() => void run(() => request({ type: 'always', id: record.id, level: 'trust' }))}>
            Always allow {kindPlural(record.kind)} on {record.site}
          </button>
          <button disabled={busy} onClick={() => void run(() => request({ type: 'always', id: record.id, level: 'block' }))}>
            Always block {kindPlural(record.kind)} on {record.site}
          </button>
        </div>
        <div className="decide">
          {GRANTS.map(({ label, ms }) => (
            <button
              key={ms}
              disabled={busy}
              onClick={() => void run(() => request({ type: 'grant', id: record.id, durationMs: ms }))}
            >
              Allow everything on this site in this tab for {label}
            </button>
          ))}
        </div>
      </details>
    </article>
  );
}

const GRANTS = [
  { label: '15 minutes', ms: 15 * 60 * 1000 },
  { label: '1 hour', ms: 60 * 60 * 1000 },
];

function kindPlural(kind: ActionRecord['kind']): string {
  return { purchase: 'purchases', send: 'sends', submit: 'form submissions' }[kind];
}

function EditableField(props: {
  field: FieldSnapshot;
  value: string;
  locked: boolean;
  onReveal: () => void;
  onChange: (value: string) => void;
}) {
  const id = useId();
  const { field, value, locked } = props;
  const multiline = field.type === 'textarea' || field.type === 'contenteditable' || value.includes('\n');
  return (
    <div className="field">
      <label htmlFor={id}>
        <PageText text={field.label || field.name} />
      </label>
      {locked ? (
        <span>
          <span id={id}>{value}</span>{' '}
          <button type="button" onClick={props.onReveal}>
            Reveal {field.label || field.name}
          </button>
        </span>
      ) : multiline ? (
        <textarea id={id} value={value} rows={4} onChange={(e) => props.onChange(e.target.value)} />
      ) : (
        <input id={id} value={value} onChange={(e) => props.onChange(e.target.value)} />
      )}
    </div>
  );
}
