import { useCallback, useEffect, useState } from 'react';
import { countHistory } from '@/lib/history/query';
import { request } from '@/lib/messaging/client';
import { historyDb } from '../historyDb';

/** Storage used, and Clear history with a count of what goes. */
export function Retention() {
  const [usage, setUsage] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<number | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const measure = useCallback(() => {
    void navigator.storage.estimate().then(({ usage = 0, quota = 0 }) => setUsage(`${megabytes(usage)} used of ${megabytes(quota)} available`));
  }, []);
  useEffect(measure, [measure]);
  const decidedCount = async () => {
    const db = await historyDb();
    return (await db.count('actions')) - (await countHistory(db, { outcome: 'pending' }));
  };

  return (
    <footer className="retention">
      {usage && <p className="note">Storage: {usage}.</p>}
      {confirming === null ? (
        <button onClick={() => void decidedCount().then(setConfirming)}>Clear history</button>
      ) : (
        <div role="alertdialog" aria-label="Confirm clearing the history">
          <p>
            This removes {confirming.toLocaleString()} {confirming === 1 ? 'entry' : 'entries'} and their screenshots. Pending actions stay.
          </p>
          <button
            onClick={() =>
              void request({ type: 'clear-history' }).then(({ removed }) => {
                setConfirming(null);
                setMessage(`Removed ${removed.toLocaleString()} entries.`);
                measure();
              })
            }
          >
            Remove {confirming.toLocaleString()} entries
          </button>{' '}
          <button onClick={() => setConfirming(null)}>Keep them</button>
        </div>
      )}
      {message && <p role="status">{message}</p>}
    </footer>
  );
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
