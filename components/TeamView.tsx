import { useCallback, useEffect, useState } from 'react';
import { request } from '@/lib/messaging/client';
import type { TeamReview } from '@/lib/messaging/protocol';
import { teamCardRecord } from '@/lib/team/entry';
import { ActionDetails } from './ActionDetails';
import { QuestionCard, type AnswerTarget } from './QuestionCard';
import { CardDecision, type CardVerdict } from './CardDecision';
import { refusalText } from './errorText';
import { kindName, Message, t } from './i18n';
import { useDwell } from './useDwell';
import { PageText } from './PageText';
import { passkeyAnswer } from './passkey';
import { useActivePause } from './useActivePause';
import { useBroker } from './useBroker';

const TEAM_PAGE = 20;

/** The team queue: pending actions from every agent browser, decided here with the same defences as local cards. */
export function TeamView() {
  // A fleet can hold hundreds: the oldest are drawn first, the rest on request.
  const [shown, setShown] = useState(TEAM_PAGE);
  const load = useCallback(() => Promise.all([request({ type: 'team-queue' }), request({ type: 'settings' })]), []);
  const { data, error } = useBroker(load);
  const fatigue = useActivePause(data?.[0].fatigue);

  if (error) return <p role="alert">{t('queue.loadError', { error })}</p>;
  if (!data) return <p>{t('common.loading')}</p>;
  const [queue, settings] = data;
  return (
    <section aria-label={t('team.queueLabel')}>
      {!queue.reviewing && <p className="empty">{t('team.notReviewer')}</p>}
      {fatigue && (
        <p role="alert" className="banner warning">
          {refusalText({ error: fatigue.message, refusal: fatigue.refusal }, fatigue.message)}
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


function TeamCard({ review, dwellMs, approvalsPaused }: { review: TeamReview; dwellMs: number; approvalsPaused: boolean }) {
  const { card, browser } = review;
  const dwell = useDwell(dwellMs, true);
  const picture = useTeamPicture(review);
  const [error, setError] = useState<string | null>(null);
  const submit = async (decision: CardVerdict) =>
    request({
      type: 'team-decide',
      browser,
      id: card.id,
      fingerprint: card.fingerprint,
      dwellMs: dwell.since(),
      ...decision,
      ...(decision.verdict === 'approve' && review.needsPasskey ? { passkey: await passkeyAnswer(card.id, browser) } : {}),
    });

  const from = (
    <>
      <p className="browser">
        {t('team.fromBrowser')} <strong><PageText text={browser} /></strong>
      </p>
      {review.refused?.map((refusal) => (
        <p key={refusal.at} role="note" className="refused">
          <Message
            id="team.refusedDecision"
            parts={{ reviewer: <PageText text={refusal.reviewer} />, reason: refusal.flaw ? t(`team.decisionFlaw.${refusal.flaw}`) : <PageText text={refusal.reason} /> }}
          />
        </p>
      ))}
    </>
  );
  if (card.question) {
    const decision = { browser, id: card.id, fingerprint: card.fingerprint };
    const target: AnswerTarget = {
      answer: (answer, dwellMs) => request({ type: 'team-decide', ...decision, verdict: 'approve', answer, dwellMs }),
      decline: (note) => request({ type: 'team-decide', ...decision, verdict: 'reject', ...(note ? { note } : {}) }),
    };
    return (
      <QuestionCard
        record={teamCardRecord(card, review.seenAt)}
        dwellMs={dwellMs}
        approvalsPaused={approvalsPaused}
        target={target}
        picture={card.screenshot ? picture : null}
        label={t('team.questionLabel', { browser })}
      >
        {from}
      </QuestionCard>
    );
  }

  return (
    <article
      ref={dwell.ref}
      tabIndex={-1}
      className={`card kind-${card.kind}`}
      aria-label={t('team.cardLabel', { kind: kindName(card.kind), site: card.site, browser })}
      data-confirm={card.confirm?.value}
    >
      {from}
      <ActionDetails record={teamCardRecord(card, review.seenAt)} picture={card.screenshot ? picture : null} />
      {/* A masked value stays masked: the page that could reveal it is in another browser. */}
      <CardDecision action={card} approveBlocked={!dwell.ready || approvalsPaused} submit={submit} error={error} onError={setError} />
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
