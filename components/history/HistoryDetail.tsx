import { useState } from 'react';
import type { ActionRecord, TrafficSummary } from '@/lib/db/schema';
import { request } from '@/lib/messaging/client';
import { outcomeOf, type Outcome } from '@/lib/db/outcome';
import { nameOf, t } from '../i18n';
import { ActionDetails, FieldTable } from '../ActionDetails';
import { PageText } from '../PageText';
import { QuestionDetails } from '../QuestionCard';

export function HistoryDetail({ record, onClose }: { record: ActionRecord; onClose: () => void }) {
  return (
    <article className="card detail" aria-label={t('history.detailsOf', { label: record.label })}>
      <button onClick={onClose}>{t('history.back')}</button>
      <p>
        <strong>{outcomeText(record)}</strong>
        {record.decidedAt !== undefined && ` ${t('history.after', { seconds: ((record.decidedAt - record.createdAt) / 1000).toFixed(1) })}`}
      </p>
      {record.fatigue && <p className="flag">{t('history.fatigue', { warning: record.fatigue })}</p>}
      <ProofLine record={record} />
      {record.traffic && <Traffic id={record.id} traffic={record.traffic} />}
      {record.question ? <QuestionDetails record={record} /> : <ActionDetails record={record} />}
      {record.fields.length > 0 && <FieldTable fields={record.fields} caption={t('card.fields')} />}
      {record.edits && (
        <>
          <h2>{t('history.edits')}</h2>
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

/** A page's own traffic to one endpoint: how often and when, and "stop logging it". */
function Traffic({ id, traffic }: { id: string; traffic: TrafficSummary }) {
  const [state, setState] = useState<'idle' | 'silenced' | string>('idle');
  const when = (time: number) => new Date(time).toLocaleString();
  return (
    <div className="traffic">
      <p>{t('history.trafficCount', { count: traffic.count, first: when(traffic.firstAt), last: when(traffic.lastAt) })}</p>
      {state === 'silenced' ? (
        <p role="status">{t('history.silenced')}</p>
      ) : (
        <button onClick={() => void request({ type: 'silence-endpoint', id }).then((reply) => setState(reply.ok ? 'silenced' : reply.error))}>
          {t('history.silence')}
        </button>
      )}
      {state !== 'idle' && state !== 'silenced' && <p role="alert">{state}</p>}
    </div>
  );
}

export const outcomeName = (outcome: Outcome) => nameOf('outcome', outcome);

const withWhy = (outcome: string, why: string | undefined) => (why ? t('history.outcomeWhy', { outcome, why }) : outcome);

/** What shows who decided, as `countersign verify` will check it. */
function ProofLine({ record }: { record: ActionRecord }) {
  if (record.proof?.passkey) return <p className="note proof">{t('history.proof.passkey')}</p>;
  const team = record.proof?.team;
  if (team) return <p className="note proof">{t('history.proof.team', { name: team.reviewer, key: `${team.key.slice(0, 12)}…` })}</p>;
  const byPanel = record.decidedBy === 'person' && (record.status === 'approved' || record.status === 'answered');
  return byPanel ? <p className="note proof">{t('history.proof.panel')}</p> : null;
}

/** A team reviewer by name (it is theirs to set, so it is shown as page text is: as written). */
function whoDecided(record: ActionRecord): string {
  if (record.reviewer) return t('decider.teamReviewer', { name: record.reviewer.name });
  return t(`decider.${record.decidedBy ?? 'person'}`);
}

/** What happened, in words: the outcome, who decided, and why (reasons are logged as written). */
export function outcomeText(record: ActionRecord): string {
  const outcome = outcomeOf(record);
  switch (outcome) {
    case 'allowed-by-rule':
    case 'blocked-by-rule':
      return withWhy(outcomeName(outcome), record.policyReasons?.join('; '));
    case 'timeout':
      return withWhy(outcomeName(outcome), record.note ?? t('history.noDecisionInTime'));
    case 'edited':
      return t('history.outcomeBy', { outcome: outcomeName(outcome), who: whoDecided(record) });
    default: {
      const name = outcomeName(record.status);
      const by = record.decidedBy ? t('history.outcomeBy', { outcome: name, who: whoDecided(record) }) : name;
      return withWhy(by, record.reason ?? record.note ?? record.question?.answer);
    }
  }
}
