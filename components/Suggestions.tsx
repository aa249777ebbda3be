import { useCallback } from 'react';
import { request } from '@/lib/messaging/client';
import type { Suggestion } from '@/lib/messaging/protocol';
import { KIND_NAMES } from './ActionDetails';
import { PageText } from './PageText';
import { useBroker } from './useBroker';

/** Offers a rule after a run of unedited approvals; only the person creates it. */
export function Suggestions() {
  const load = useCallback(() => request({ type: 'suggestions' }), []);
  const { data } = useBroker(load);
  if (!data?.length) return null;
  return (
    <section aria-label="Suggested rules" className="suggestions">
      {data.map((suggestion) => (
        <SuggestionCard key={`${suggestion.site} ${suggestion.kind}`} suggestion={suggestion} />
      ))}
    </section>
  );
}

function SuggestionCard({ suggestion }: { suggestion: Suggestion }) {
  const { site, kind, approvals } = suggestion;
  const answer = (accept: boolean) => void request({ type: 'answer-suggestion', site, kind, accept });
  const kindName = KIND_NAMES[kind].toLowerCase();
  return (
    <div className="suggestion" role="group" aria-label={`Suggestion for ${site}`}>
      <p>
        You approved the last {approvals} {kindName}s on <PageText text={site} /> without changes.
      </p>
      <button onClick={() => answer(true)}>
        Always allow {kindName}s on {site}
      </button>{' '}
      <button onClick={() => answer(false)}>Don’t suggest this again</button>
    </div>
  );
}
