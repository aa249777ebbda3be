import { useCallback } from 'react';
import { request } from '@/lib/messaging/client';
import { ActionCard } from './ActionCard';
import { Suggestions } from './Suggestions';
import { useBroker } from './useBroker';

export function QueueView() {
  const load = useCallback(() => request({ type: 'queue' }), []);
  const { data: queue, error } = useBroker(load);
  if (error) return <p role="alert">Could not load the queue: {error}</p>;
  if (!queue) return <p>Loading…</p>;
  if (!queue.length) {
    return (
      <>
        <Suggestions />
        <p className="empty">No actions waiting. Held actions appear here, oldest first.</p>
      </>
    );
  }
  return (
    <section aria-label="Pending actions">
      <Suggestions />
      <h1>
        {queue.length} waiting for review
      </h1>
      {queue.map((record) => (
        // A card the page changed is a new review: fresh edit state.
        <ActionCard key={`${record.id}:${record.changedSinceHeld ? 'changed' : 'held'}`} record={record} />
      ))}
    </section>
  );
}
