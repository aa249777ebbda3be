import { useId, useState } from 'react';
import type { ActionRecord } from '@/lib/db/schema';
import { request } from '@/lib/messaging/client';
import type { Verdict } from '@/lib/messaging/protocol';
import { ActionDetails, KIND_NAMES } from './ActionDetails';

/** One pending action: everything the reviewer needs, then Approve or Reject. */
export function ActionCard({ record }: { record: ActionRecord }) {
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const noteId = useId();

  async function decide(verdict: Verdict) {
    setBusy(true);
    setError(null);
    try {
      const reply = await request({ type: 'decide', id: record.id, verdict, ...(note ? { note } : {}) });
      if (!reply.ok) setError(reply.error);
    } catch (cause) {
      setError(`Nothing was sent: ${cause instanceof Error ? cause.message : String(cause)}`);
    } finally {
      setBusy(false);
    }
  }

  return (
    <article className={`card kind-${record.kind}`} aria-label={`${KIND_NAMES[record.kind]} on ${record.site}`}>
      <ActionDetails record={record} />
      <label htmlFor={noteId}>Note for the agent (optional)</label>
      <textarea id={noteId} rows={2} value={note} maxLength={4000} onChange={(e) => setNote(e.target.value)} />
      {error && <p role="alert">{error}</p>}
      <div className="decide">
        <button className="approve" disabled={busy} onClick={() => void decide('approve')}>
          Approve {KIND_NAMES[record.kind].toLowerCase()}
        </button>
        <button className="reject" disabled={busy} onClick={() => void decide('reject')}>
          Reject {KIND_NAMES[record.kind].toLowerCase()}
        </button>
      </div>
    </article>
  );
}
