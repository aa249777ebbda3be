import { useCallback, useEffect, useId, useState } from 'react';
import type { ActionRecord } from '@/lib/db/schema';
import { request } from '@/lib/messaging/client';
import type { FieldEdit, TeamReview, Verdict } from '@/lib/messaging/protocol';
import type { RiskReason } from '@/lib/policy/risk';
import { EditableField, useDwell } from './ActionCard';
import { ActionDetails, FieldTable } from './ActionDetails';
import { errorText } from './errorText';
import { kindName, kindObject, t } from './i18n';
import { PageText } from './PageText';
import { passkeyAnswer } from './passkey';
import { useBroker } from './useBroker';

const TEAM_PAGE = 20;

/** The team queue: pending actions from every agent browser, decided here with the same defences as local cards. */
export function TeamView() {
  // A fleet can hold hundreds: the oldest are drawn first, the rest on request.
  const [shown, setShown] = useState(TEAM_PAGE);
  const load = useCallback(() => Promise.all([request({ type: 'team-queue' }), request({ type: 'settings' })]), []);
  const { data, error } = useBroker(load);
  const [now, setNow] = useState(Date.now());
  const pausedUntil = data?.[0].fatigue?.until ?? 0;
  useEffect(() => {
    if (pausedUntil <= Date.now()) return;
    const timer = setTimeout(() => setNow(Date.now()), pausedUntil - Date.now() + 50);
    return () => clearTimeout(timer);
  }, [pausedUntil, now]);

  if (error) return <p role="alert">{t('queue.loadError', { error })}</p>;
  if (!data) return <p>{t('common.loading')}</p>;
  const [queue, settings] = data;
  const fatigue = queue.fatigue && queue.fatigue.until > now ? queue.fatigue : undefined;
  return (
    <section aria-label={t('team.queueLabel')}>
      {!queue.reviewing && <p className="empty">{t('team.notReviewer')}</p>}
      {fatigue && (
        <p role="alert" className="banner warning">
          {fatigue.message}
        </p>
      )}
      {queue.reviewing && (queue.reviews.length ? <h2>{t('queue.waiting', queue.reviews.length)}</h2> : <p className="empty">{t('team.empty')}</p>)}
      {queue.reviews.slice(0, shown).map((review) => (
        <TeamCard key={`${review.browser}.${review.card.id}:${review.card.fingerprint}`} review={review} dwellMs={settings.dwellMs} approvalsPaused={Boolean(fatigue)} />
      ))}
      {queue.reviews.length > shown && (
        <button type="button" onClick={() => setShown(shown + TEAM_PAGE)}>
          {t('team.showMore', { count: Math.min(TEAM_PAGE, queue.reviews.length - shown), waiting: queue.reviews.length - shown })}
        </button>
      )}
    </section>
  );
}

/** A team card as the card components read a record: it was complete when it reached this browser. */
function asRecord({ card, seenAt }: TeamReview): ActionRecord {
  return { ...card, screenshot: card.screenshot ? 'captured' : undefined, risks: card.risks as RiskReason[], tabId: -1, frameId: -1, status: 'pending', evaluatedAt: seenAt };
}

function TeamCard({ review, dwellMs, approvalsPaused }: { review: TeamReview; dwellMs: number; approvalsPaused: boolean }) {
  const { card, browser } = review;
  const record = asRecord(review);
  const dwell = useDwell(dwellMs, true);
  const picture = useTeamPicture(review);
  const [confirming, setConfirming] = useState(false);
  const [typed, setTyped] = useState('');
  const [note, setNote] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState(false);
  const [drafts, setDrafts] = useState<Record<number, string>>({});
  const noteId = useId();
  const kind = kindObject(card.kind);
  const visible = card.fields.map((field, index) => ({ field, index })).filter(({ field }) => !field.hidden);
  const edits = (): FieldEdit[] =>
    Object.entries(drafts)
      .map(([index, value]) => ({ index: Number(index), value }))
      .filter(({ index, value }) => value !== card.fields[index]?.value);

  async function decide(verdict: Verdict) {
    if (verdict === 'approve' && card.confirm && !confirming) {
      setConfirming(true);
      return;
    }
    setBusy(true);
    setError(null);
    try {
      const changes = verdict === 'approve' ? edits() : [];
      const reply = await request({
        type: 'team-decide',
        browser,
        id: card.id,
        verdict,
        fingerprint: card.fingerprint,
        dwellMs: dwell.since(),
        ...(note ? { note } : {}),
        ...(changes.length ? { edits: changes } : {}),
        ...(verdict === 'approve' && card.confirm ? { confirmation: typed } : {}),
        ...(verdict === 'approve' && review.needsPasskey ? { passkey: await passkeyAnswer(card.id, browser) } : {}),
      });
      if (!reply?.ok) setError(reply?.error ?? t('card.refused'));
    } catch (cause) {
      setError(t('card.notSent', { error: errorText(cause) }));
    } finally {
      setBusy(false);
    }
  }

  const approveBlocked = busy || !dwell.ready || approvalsPaused;
  return (
    <article
      ref={dwell.ref}
      tabIndex={-1}
      className={`card kind-${card.kind}`}
      aria-label={t('team.cardLabel', { kind: kindName(card.kind), site: card.site, browser })}
      data-confirm={card.confirm?.value}
    >
      <p className="browser">
        {t('team.fromBrowser')} <strong><PageText text={browser} /></strong>
      </p>
      <ActionDetails record={record} picture={card.screenshot ? picture : null} />
      {visible.length > 0 &&
        (editing ? (
          <fieldset className="fields editing">
            <legend>{t('card.editLegend')}</legend>
            {visible.map(({ field, index }) => (
              <EditableField
                key={index}
                field={field}
                value={drafts[index] ?? field.value}
                locked={Boolean(field.masked)}
                onChange={(value) => setDrafts((current) => ({ ...current, [index]: value }))}
              />
            ))}
          </fieldset>
        ) : (
          <FieldTable fields={visible.map(({ field }) => field)} caption={t('card.fields')} />
        ))}
      <label htmlFor={noteId}>{t('card.note')}</label>
      <textarea id={noteId} rows={2} value={note} maxLength={4000} onChange={(e) => setNote(e.target.value)} />
      {error && <p role="alert">{error}</p>}
      {confirming && card.confirm && (
        <form
          className="confirm"
          onSubmit={(e) => {
            e.preventDefault();
            if (typed === card.confirm!.value) void decide('approve');
          }}
        >
          <p>{t('card.highRisk', { reasons: card.confirm.reasons.join('; ') })}</p>
          <input autoFocus aria-label={t('card.confirmLabel', { value: card.confirm.value })} placeholder={card.confirm.value} value={typed} onChange={(e) => setTyped(e.target.value)} />
          <button type="submit" className="approve" disabled={approveBlocked || typed !== card.confirm.value}>
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
        {visible.length > 0 && !editing && card.trigger !== 'request' && (
          <button className="edit" disabled={busy} onClick={() => setEditing(true)}>
            {t('card.editValues')}
          </button>
        )}
      </div>
    </article>
  );
}

/** The card's picture from the team's object store, fetched once per card. */
function useTeamPicture({ browser, card }: TeamReview): string | null {
  const [url, setUrl] = useState<string | null>(null);
  useEffect(() => {
    if (!card.screenshot) return;
    let live = true;
    void request({ type: 'team-screenshot', browser, id: card.id }).then((reply) => {
      if (live && 'url' in reply) setUrl(reply.url);
    });
    return () => {
      live = false;
    };
  }, [browser, card.id, card.screenshot]);
  return url;
}
