import { useCallback, useEffect, useRef, useState } from 'react';
import { request } from '@/lib/messaging/client';
import type { PausedTab } from '@/lib/messaging/protocol';
import { AGENT_TAB } from '@/lib/actions/types';
import { ActionCard } from './ActionCard';
import { refusalText } from './errorText';
import { kindObject, Message, t } from './i18n';
import { useQueueKeys } from './keyboard';
import { PageText } from './PageText';
import { localAnswers, QuestionCard } from './QuestionCard';
import { Suggestions } from './Suggestions';
import { useActivePause } from './useActivePause';
import { useBroker } from './useBroker';

export function QueueView() {
  const load = useCallback(() => Promise.all([request({ type: 'queue' }), request({ type: 'settings' })]), []);
  const { data, error } = useBroker(load);
  const fatigue = useActivePause(data?.[0].fatigue);

  const [announcement, setAnnouncement] = useState('');
  useQueueKeys(setAnnouncement);
  // New held actions are announced politely; those already waiting when the panel opens are not.
  const known = useRef<Set<string> | null>(null);
  useEffect(() => {
    if (!data) return;
    const actions = data[0].actions;
    const fresh = known.current ? actions.filter((action) => !known.current!.has(action.id)) : [];
    const [first] = fresh;
    if (fresh.length === 1 && first) {
      setAnnouncement(
        first.question ? t('queue.askedOne', { question: first.label }) : t('queue.heldOne', { kind: kindObject(first.kind), site: first.site, label: first.label }),
      );
    } else if (fresh.length > 1) {
      setAnnouncement(t('queue.heldMany', fresh.length));
    }
    known.current = new Set(actions.map((action) => action.id));
  }, [data]);

  if (error) return <p role="alert">{t('queue.loadError', { error })}</p>;
  if (!data) return <p>{t('common.loading')}</p>;
  const [queue, settings] = data;
  const empty = !queue.actions.length && !queue.paused.length;
  return (
    <section aria-label={t('queue.label')}>
      <p role="status" className="visually-hidden">
        {announcement}
      </p>
      {fatigue && (
        <p role="alert" className="banner warning">
          {refusalText({ error: fatigue.message, refusal: fatigue.refusal }, fatigue.message)}
        </p>
      )}
      <Suggestions approvalsPaused={Boolean(fatigue)} passkeyRegistered={queue.passkeyRegistered} />
      {empty ? (
        <p className="empty">{t('queue.empty')}</p>
      ) : (
        <h2>{t('queue.waiting', queue.actions.length + queue.paused.reduce((sum, tab) => sum + tab.count, 0))}</h2>
      )}
      {queue.paused.map((tab) => (
        <PausedCard key={tab.tabId} tab={tab} />
      ))}
      {queue.actions.map((record) =>
        record.question ? (
          <QuestionCard key={record.id} record={record} dwellMs={settings.dwellMs} approvalsPaused={Boolean(fatigue)} target={localAnswers(record.id)} />
        ) : (
        // A card the page changed is a new review: fresh edit state.
        <ActionCard
          key={`${record.id}:${record.changedSinceHeld ? 'changed' : 'held'}`}
          record={record}
          dwellMs={settings.dwellMs}
          approvalsPaused={Boolean(fatigue)}
          passkeyRegistered={queue.passkeyRegistered}
        />
        ),
      )}
    </section>
  );
}

/** One card for a tab that raised too many actions: its actions stay held until resumed. */
function PausedCard({ tab }: { tab: PausedTab }) {
  const questions = tab.tabId === AGENT_TAB;
  return (
    <article className="card paused" aria-label={questions ? t('queue.pausedQuestionsLabel') : t('queue.pausedLabel', { site: tab.site })}>
      <p>
        <strong>{t(questions ? 'queue.pausedQuestionsTitle' : 'queue.pausedTitle', { count: tab.count, seconds: tab.seconds })}</strong>{' '}
        {questions ? t('queue.pausedQuestionsBody') : <Message id="queue.pausedBody" parts={{ site: <PageText text={tab.site} /> }} />}
      </p>
      <div className="decide">
        <button onClick={() => void request({ type: 'resume-tab', tabId: tab.tabId })}>{t('queue.resume')}</button>
        <button className="reject" onClick={() => void request({ type: 'reject-paused', tabId: tab.tabId })}>
          {t('queue.rejectAll', { count: tab.count })}
        </button>
      </div>
    </article>
  );
}
