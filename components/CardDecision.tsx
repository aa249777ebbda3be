import { useId, useState } from 'react';
import type { ActionKind, FieldSnapshot } from '@/lib/actions/types';
import type { FieldEdit, Verdict } from '@/lib/messaging/protocol';
import type { Refused } from '@/lib/messaging/refusals';
import { FieldTable } from './ActionDetails';
import { EditableField } from './EditableField';
import { errorText, refusalText } from './errorText';
import { kindObject, t } from './i18n';

/** What the person decided on a card: the verdict, and with it the note, edits and typed confirmation. */
export interface CardVerdict {
  verdict: Verdict;
  note?: string;
  edits?: FieldEdit[];
  confirmation?: string;
}

interface DecidableAction {
  kind: ActionKind;
  trigger: string;
  fields: FieldSnapshot[];
  fieldsTruncated?: boolean;
  confirm?: { value: string; reasons: string[] };
}

/**
 * The part every card shares, local or from the team queue: the fields (editable), the note,
 * the typed confirmation of a high-risk action, and Approve, Reject, Edit. Approve stays
 * disabled while `approveBlocked` (the dwell, a fatigue pause, an incomplete card).
 */
export function CardDecision({
  action,
  approveBlocked,
  submit,
  reveal,
  onError,
  error,
}: {
  action: DecidableAction;
  approveBlocked: boolean;
  submit: (decision: CardVerdict) => Promise<{ ok: boolean; error?: string; refusal?: Refused['refusal'] } | undefined>;
  /** Fetches a masked field's real value; absent where the page cannot be asked (a team card). */
  reveal?: (index: number) => Promise<string | null>;
  onError: (error: string | null) => void;
  error: string | null;
}) {
  const [confirming, setConfirming] = useState(false);
  const [typed, setTyped] = useState('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [editing, setEditing] = useState(false);
  const [drafts, setDrafts] = useState<Record<number, string>>({});
  const [revealed, setRevealed] = useState<Record<number, string>>({});
  const noteId = useId();
  const kind = kindObject(action.kind);
  const shown = (index: number) => revealed[index] ?? action.fields[index]?.value ?? '';
  const edits = (): FieldEdit[] =>
    Object.entries(drafts)
      .map(([index, value]) => ({ index: Number(index), value }))
      .filter(({ index, value }) => value !== shown(index));

  async function decide(verdict: Verdict) {
    // High risk: Approve opens a typed confirmation instead of deciding.
    if (verdict === 'approve' && action.confirm && !confirming) {
      setConfirming(true);
      return;
    }
    setBusy(true);
    onError(null);
    try {
      const changes = verdict === 'approve' ? edits() : [];
      const reply = await submit({
        verdict,
        ...(note ? { note } : {}),
        ...(changes.length ? { edits: changes } : {}),
        ...(verdict === 'approve' && action.confirm ? { confirmation: typed } : {}),
      });
      // A request the background refused outright gets no reply at all.
      if (!reply?.ok) onError(refusalText(reply, t('card.refused')));
    } catch (cause) {
      onError(t('card.notSent', { error: errorText(cause) }));
    } finally {
      setBusy(false);
    }
  }

  async function revealField(index: number) {
    const value = await reveal?.(index);
    if (value !== null && value !== undefined) setRevealed((current) => ({ ...current, [index]: value }));
  }

  const visible = action.fields.map((field, index) => ({ field, index })).filter(({ field }) => !field.hidden);
  const hidden = action.fields.filter((field) => field.hidden);
  const blocked = busy || approveBlocked;
  return (
    <>
      {visible.length > 0 &&
        (editing ? (
          <fieldset className="fields editing">
            <legend>{t('card.editLegend')}</legend>
            {visible.map(({ field, index }) => (
              <EditableField
                key={index}
                field={field}
                value={drafts[index] ?? shown(index)}
                locked={Boolean(field.masked) && revealed[index] === undefined}
                {...(reveal ? { onReveal: () => void revealField(index) } : {})}
                onChange={(value) => setDrafts((current) => ({ ...current, [index]: value }))}
              />
            ))}
          </fieldset>
        ) : (
          <FieldTable fields={visible.map(({ field }) => field)} caption={t('card.fields')} />
        ))}
      {hidden.length > 0 && (
        <details>
          <summary>{t('card.hiddenCount', hidden.length)}</summary>
          <FieldTable fields={hidden} caption={t('card.hiddenFields')} />
        </details>
      )}
      {action.fieldsTruncated && <p className="note">{t('card.fieldsTruncated')}</p>}
      <label htmlFor={noteId}>{t('card.note')}</label>
      <textarea id={noteId} rows={2} value={note} maxLength={4000} onChange={(e) => setNote(e.target.value)} />
      {error && <p role="alert">{error}</p>}
      {confirming && action.confirm && (
        <form
          className="confirm"
          onSubmit={(e) => {
            e.preventDefault();
            if (typed === action.confirm!.value) void decide('approve');
          }}
        >
          <p>{t('card.highRisk', { reasons: action.confirm.reasons.join('; ') })}</p>
          <input
            autoFocus
            aria-label={t('card.confirmLabel', { value: action.confirm.value })}
            placeholder={action.confirm.value}
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
          />
          <button type="submit" className="approve" disabled={blocked || typed !== action.confirm.value}>
            {t('card.confirm', { kind })}
          </button>
        </form>
      )}
      <div className="decide">
        <button className="approve" disabled={blocked || confirming} onClick={() => void decide('approve')}>
          {editing && edits().length ? t('card.approveEdited', { kind }) : t('card.approve', { kind })}
        </button>
        <button className="reject" disabled={busy} onClick={() => void decide('reject')}>
          {t('card.reject', { kind })}
        </button>
        {visible.length > 0 && !editing && action.trigger !== 'request' && (
          <button className="edit" disabled={busy} onClick={() => setEditing(true)}>
            {t('card.editValues')}
          </button>
        )}
      </div>
    </>
  );
}
