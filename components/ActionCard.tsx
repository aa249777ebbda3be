import { useEffect, useId, useRef, useState } from 'react';
import type { FieldSnapshot } from '@/lib/actions/types';
import { request } from '@/lib/messaging/client';
import { endpointOf } from '@/lib/policy/rules';
import { passkeyAnswer } from './passkey';
import type { FieldEdit, QueuedAction, Verdict } from '@/lib/messaging/protocol';
import { ActionDetails, FieldTable } from './ActionDetails';
import { kindName, kindObject, kindPlural, t } from './i18n';
import { PageText } from './PageText';
import { errorText } from './errorText';

/**
 * Whether the card has been on screen, in a visible page, for the dwell time. Approve waits
 * for it, so a reflex click, or a click aimed at something else, approves nothing. The dwell
 * runs while the card is complete (evaluated) and on screen, as the broker counts it from the evaluation.
 */
export function useDwell(dwellMs: number, complete: boolean): { ref: React.RefObject<HTMLElement | null>; ready: boolean; since: () => number } {
  const ref = useRef<HTMLElement | null>(null);
  const [ready, setReady] = useState(false);
  const shownAt = useRef<number | null>(null);
  useEffect(() => {
    const element = ref.current;
    if (!element) return;
    let inView = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const update = () => {
      clearTimeout(timer);
      const visible = complete && inView && document.visibilityState === 'visible';
      if (!visible) {
        shownAt.current = null;
        setReady(false);
        return;
      }
      shownAt.current ??= Date.now();
      timer = setTimeout(() => setReady(true), Math.max(0, shownAt.current + dwellMs - Date.now()));
    };
    const observer = new IntersectionObserver(([entry]) => {
      inView = Boolean(entry?.isIntersecting);
      update();
    }, { threshold: 0.2 });
    observer.observe(element);
    document.addEventListener('visibilitychange', update);
    return () => {
      observer.disconnect();
      document.removeEventListener('visibilitychange', update);
      clearTimeout(timer);
    };
  }, [dwellMs, complete]);
  return { ref, ready, since: () => (shownAt.current === null ? 0 : Date.now() - shownAt.current) };
}

/** One pending action: everything the reviewer needs, then Approve, Reject or Edit. */
export function ActionCard({
  record,
  dwellMs,
  approvalsPaused,
  passkeyRegistered,
}: {
  record: QueuedAction;
  dwellMs: number;
  approvalsPaused: boolean;
  /** With a key registered, every rule made from a card takes it. */
  passkeyRegistered: boolean;
}) {
  // Until the broker has evaluated the action (risks, confirmation), nothing may approve it.
  const evaluated = record.evaluatedAt !== undefined;
  const dwell = useDwell(dwellMs, evaluated);
  const [confirming, setConfirming] = useState(false);
  const [typed, setTyped] = useState('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const [drafts, setDrafts] = useState<Record<number, string>>({});
  const [revealed, setRevealed] = useState<Record<number, string>>({});
  const noteId = useId();
  const kind = kindObject(record.kind);
  const destination = record.form && record.kind !== 'unclassified' ? endpointOf(record.form) : undefined;
  // Offered only where it could ever apply: a request to the site itself.
  const endpoint = destination?.origin === record.site ? destination.endpoint : undefined;

  const shown = (index: number) => revealed[index] ?? record.fields[index]?.value ?? '';
  const edits = (): FieldEdit[] =>
    Object.entries(drafts)
      .map(([index, value]) => ({ index: Number(index), value }))
      .filter(({ index, value }) => value !== shown(index));

  async function decide(verdict: Verdict) {
    // High risk: Approve opens a typed confirmation instead of deciding.
    if (verdict === 'approve' && record.confirm && !confirming) {
      setConfirming(true);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const changes = verdict === 'approve' ? edits() : [];
      const reply = await request({
        type: 'decide',
        id: record.id,
        verdict,
        dwellMs: dwell.since(),
        ...(note ? { note } : {}),
        ...(changes.length ? { edits: changes } : {}),
        ...(verdict === 'approve' && record.confirm ? { confirmation: typed } : {}),
        ...(verdict === 'approve' && record.needsPasskey ? { passkey: await passkeyAnswer(record.id) } : {}),
      });
      // A request the background refused outright gets no reply at all.
      if (!reply?.ok) setError(reply?.error ?? t('card.refused'));
    } catch (cause) {
      setError(t('card.notSent', { error: errorText(cause) }));
    } finally {
      setBusy(false);
    }
  }

  async function run(work: () => Promise<{ ok: boolean; error?: string }>) {
    setBusy(true);
    setError(null);
    try {
      const reply = await work();
      if (!reply?.ok) setError(reply?.error ?? t('common.nothingChanged'));
    } catch (cause) {
      setError(t('common.nothingChangedBecause', { error: errorText(cause) }));
    } finally {
      setBusy(false);
    }
  }

  /** The passkey answer a rule made from this card needs, when a key is registered. */
  const trustProof = async () => (passkeyRegistered ? { passkey: await passkeyAnswer(record.id) } : {});

  async function reveal(index: number) {
    const reply = await request({ type: 'reveal', id: record.id, index });
    if ('value' in reply) setRevealed((current) => ({ ...current, [index]: reply.value }));
    else setError(reply.error);
  }

  const visible = record.fields.map((field, index) => ({ field, index })).filter(({ field }) => !field.hidden);
  const hidden = record.fields.filter((field) => field.hidden);

  const approveBlocked = busy || !dwell.ready || approvalsPaused || !evaluated;
  return (
    <article
      ref={dwell.ref}
      tabIndex={-1}
      className={`card kind-${record.kind}`}
      aria-label={t('card.label', { kind: kindName(record.kind), site: record.site })}
      data-confirm={record.confirm?.value}
    >
      {record.groupSize > 1 && (
        <p className="group">{t('card.group', { count: record.groupSize })}</p>
      )}
      <ActionDetails record={record} />
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
                onReveal={() => void reveal(index)}
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
      {record.fieldsTruncated && <p className="note">{t('card.fieldsTruncated')}</p>}
      <label htmlFor={noteId}>{t('card.note')}</label>
      <textarea id={noteId} rows={2} value={note} maxLength={4000} onChange={(e) => setNote(e.target.value)} />
      {error && <p role="alert">{error}</p>}
      {confirming && record.confirm && (
        <form
          className="confirm"
          onSubmit={(e) => {
            e.preventDefault();
            if (typed === record.confirm!.value) void decide('approve');
          }}
        >
          <p>{t('card.highRisk', { reasons: record.confirm.reasons.join('; ') })}</p>
          <input
            autoFocus
            aria-label={t('card.confirmLabel', { value: record.confirm.value })}
            placeholder={record.confirm.value}
            value={typed}
            onChange={(e) => setTyped(e.target.value)}
          />
          <button type="submit" className="approve" disabled={approveBlocked || typed !== record.confirm.value}>
            {t('card.confirm', { kind })}
          </button>
        </form>
      )}
      <div className="decide">
        <button className="approve" disabled={approveBlocked || confirming} onClick={() => void decide('approve')}>
          {editing && edits().length ? t('card.approveEdited', { kind }) : t('card.approve', { kind })}
        </button>
        <button className="reject" disabled={busy} onClick={() => void decide('reject')}>
          {t('card.reject', { kind })}
        </button>
        {visible.length > 0 && !editing && record.trigger !== 'request' && (
          <button className="edit" disabled={busy} onClick={() => setEditing(true)}>
            {t('card.editValues')}
          </button>
        )}
      </div>
      <details className="rule-actions">
        <summary>{t('card.rulesFor', { site: record.site })}</summary>
        <div className="decide">
          <button disabled={approveBlocked} onClick={() => void run(async () => request({ type: 'always', id: record.id, level: 'trust', ...(await trustProof()) }))}>
            {t('card.alwaysAllow', { kinds: kindPlural(record.kind), site: record.site })}
          </button>
          <button disabled={busy} onClick={() => void run(() => request({ type: 'always', id: record.id, level: 'block' }))}>
            {t('card.alwaysBlock', { kinds: kindPlural(record.kind), site: record.site })}
          </button>
          {endpoint && (
            <button disabled={approveBlocked} onClick={() => void run(async () => request({ type: 'allow-endpoint', id: record.id, ...(await trustProof()) }))}>
              {t('card.alwaysAllowEndpoint', { endpoint, site: record.site })}
            </button>
          )}
        </div>
        <div className="decide">
          {GRANTS.map(({ label, ms }) => (
            <button
              key={ms}
              disabled={approveBlocked}
              onClick={() => void run(async () => request({ type: 'grant', id: record.id, durationMs: ms, ...(await trustProof()) }))}
            >
              {t(label)}
            </button>
          ))}
        </div>
      </details>
    </article>
  );
}

const GRANTS = [
  { label: 'card.grant15Minutes', ms: 15 * 60 * 1000 },
  { label: 'card.grant1Hour', ms: 60 * 60 * 1000 },
] as const;

export function EditableField(props: {
  field: FieldSnapshot;
  value: string;
  locked: boolean;
  /** Absent where the page cannot be asked (a team card): a masked value stays masked. */
  onReveal?: () => void;
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
          {props.onReveal && (
            <button type="button" onClick={props.onReveal}>
              {t('card.reveal', { field: field.label || field.name })}
            </button>
          )}
        </span>
      ) : multiline ? (
        <textarea id={id} value={value} rows={4} onChange={(e) => props.onChange(e.target.value)} />
      ) : (
        <input id={id} value={value} onChange={(e) => props.onChange(e.target.value)} />
      )}
    </div>
  );
}
