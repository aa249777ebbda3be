import { useId, useState, type ReactNode } from 'react';
import type { ActionRecord } from '@/lib/db/schema';
import { request } from '@/lib/messaging/client';
import { AgentContext, Screenshot } from './ActionDetails';
import { useCardAction } from './useCardAction';
import { kindName, t } from './i18n';
import { PageText } from './PageText';
import { useDwell } from './useDwell';

/** A question from the agent as the card and History show it: its words are the agent's, shown as text. */
export function QuestionDetails({ record, picture }: { record: ActionRecord; picture?: string | null }) {
  const question = record.question;
  if (!question) return null;
  return (
    <div className="details">
      <header>
        <span className="kind">{kindName('question')}</span>
      </header>
      <p className="question-text">
        <PageText text={question.text} />
      </p>
      {question.context && (
        <p className="question-context">
          <PageText text={question.context} />
        </p>
      )}
      {question.confidence !== undefined && (
        <p className="confidence">{t('question.confidence', { percent: Math.round(question.confidence * 100) })}</p>
      )}
      {/* The question's own confidence, when it is what made the agent unsure, is said once. */}
      <AgentContext record={record.unsure && record.unsure.value === question.confidence ? { ...record, unsure: undefined } : record} />
      {record.tabUrl ? (
        <dl>
          <dt>{t('question.concerns')}</dt>
          <dd className="url">
            <PageText text={record.tabTitle} fallback={t('details.untitled')} /> · <PageText text={record.tabUrl} />
          </dd>
        </dl>
      ) : (
        <p className="note">{t('question.noTab')}</p>
      )}
      <Screenshot record={record} picture={picture} />
      {question.answer !== undefined && (
        <p className="answer">
          <strong>{t('question.answered')}</strong> <PageText text={question.answer} />
        </p>
      )}
    </div>
  );
}

/** Where an answer goes: this browser's broker, or the team queue (signed there). */
export interface AnswerTarget {
  answer(text: string, dwellMs: number): Promise<{ ok: boolean; error?: string }>;
  decline(note: string | undefined): Promise<{ ok: boolean; error?: string }>;
}

/** A question from this browser's agent, answered here. */
export function localAnswers(id: string): AnswerTarget {
  return {
    answer: (text, dwellMs) => request({ type: 'answer', id, answer: text, dwellMs }),
    decline: (note) => request({ type: 'decide', id, verdict: 'reject', ...(note ? { note } : {}) }),
  };
}

/**
 * A question waiting in the Queue (or the team queue): an option's button or an answer in the
 * person's words, or Decline (with the note). Answers wait for the dwell like Approve; one that
 * says go ahead also waits out a fatigue pause (the background checks both).
 */
export function QuestionCard({
  record,
  dwellMs,
  approvalsPaused,
  target,
  picture,
  label = t('question.label'),
  children,
}: {
  record: ActionRecord;
  dwellMs: number;
  approvalsPaused: boolean;
  target: AnswerTarget;
  /** The picture's address when it is not in this browser's history (a team card). */
  picture?: string | null;
  label?: string;
  children?: ReactNode;
}) {
  const dwell = useDwell(dwellMs, record.evaluatedAt !== undefined);
  const [own, setOwn] = useState('');
  const { busy, error, run: send } = useCardAction(t('card.refused'));
  const answerId = useId();
  const options = record.question?.options ?? [];
  const answer = (text: string) => send(() => target.answer(text, dwell.since()));
  const blocked = busy || !dwell.ready;

  return (
    <article ref={dwell.ref} tabIndex={-1} className="card kind-question" aria-label={label}>
      {children}
      <QuestionDetails record={record} picture={picture} />
      {options.length > 0 && (
        <div className="decide options" role="group" aria-label={t('question.options')}>
          {options.map((option, index) => (
            <button key={index} className="option" data-key={index + 1} disabled={blocked} onClick={() => void answer(option)}>
              <span className="key" aria-hidden="true">
                {index + 1}
              </span>{' '}
              <PageText text={option} />
            </button>
          ))}
        </div>
      )}
      <label htmlFor={answerId}>{t(options.length ? 'question.ownWords' : 'question.yourAnswer')}</label>
      <textarea id={answerId} rows={2} value={own} maxLength={4000} onChange={(e) => setOwn(e.target.value)} />
      {approvalsPaused && <p className="note">{t('question.pausedNote')}</p>}
      {error && <p role="alert">{error}</p>}
      <div className="decide">
        <button className="approve" disabled={blocked || !own.trim()} onClick={() => void answer(own.trim())}>
          {t('question.send')}
        </button>
        <button className="reject" disabled={busy} onClick={() => void send(() => target.decline(own.trim() || undefined))}>
          {t('question.decline')}
        </button>
      </div>
    </article>
  );
}
