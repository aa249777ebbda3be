import { useCallback, useState } from 'react';
import { request } from '@/lib/messaging/client';
import type { Suggestion } from '@/lib/messaging/protocol';
import { kindPlural, Message, t } from './i18n';
import { PageText } from './PageText';
import { passkeyAnswer } from './passkey';
import { useBroker } from './useBroker';
import { errorText, refusalText } from './errorText';

/** Offers a rule after a run of unedited approvals; only the person creates it. */
export function Suggestions({ approvalsPaused, passkeyRegistered }: { approvalsPaused: boolean; passkeyRegistered: boolean }) {
  const load = useCallback(() => request({ type: 'suggestions' }), []);
  const { data } = useBroker(load);
  if (!data?.length) return null;
  return (
    <section aria-label={t('suggestion.label')} className="suggestions">
      {data.map((suggestion) => (
        <SuggestionCard key={`${suggestion.site} ${suggestion.kind}`} suggestion={suggestion} approvalsPaused={approvalsPaused} passkeyRegistered={passkeyRegistered} />
      ))}
    </section>
  );
}

function SuggestionCard(props: { suggestion: Suggestion; approvalsPaused: boolean; passkeyRegistered: boolean }) {
  const { suggestion, approvalsPaused, passkeyRegistered } = props;
  const { site, kind, approvals } = suggestion;
  const [error, setError] = useState<string | null>(null);
  const answer = async (accept: boolean) => {
    try {
      const proof = accept && passkeyRegistered ? { passkey: await passkeyAnswer() } : {};
      const reply = await request({ type: 'answer-suggestion', site, kind, accept, ...proof });
      setError(reply.ok ? null : refusalText(reply, reply.error));
    } catch (cause) {
      setError(t('common.nothingChangedBecause', { error: errorText(cause) }));
    }
  };
  const kinds = kindPlural(kind);
  return (
    <div className="suggestion" role="group" aria-label={t('suggestion.for', { site })}>
      <p>
        <Message id="suggestion.approved" parts={{ count: approvals, kinds, site: <PageText text={site} /> }} />
      </p>
      {/* Trusting a site approves what is to come: paused with the approvals. */}
      <button disabled={approvalsPaused} onClick={() => void answer(true)}>
        {t('card.alwaysAllow', { kinds, site })}
      </button>{' '}
      <button onClick={() => void answer(false)}>{t('suggestion.never')}</button>
      {error && <p role="alert">{error}</p>}
    </div>
  );
}
