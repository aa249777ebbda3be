import { useCallback, useEffect, useState } from 'react';
import { countHistory } from '@/lib/history/query';
import { request } from '@/lib/messaging/client';
import { historyDb } from '../historyDb';
import { t } from '../i18n';

/** Storage used, and Clear history with a count of what goes. */
export function Retention() {
  const [usage, setUsage] = useState<string | null>(null);
  const [confirming, setConfirming] = useState<number | null>(null);
  const [message, setMessage] = useState<string | null>(null);
  const measure = useCallback(() => {
    void navigator.storage.estimate().then(({ usage = 0, quota = 0 }) => setUsage(t('history.storage', { used: megabytes(usage), quota: megabytes(quota) })));
  }, []);
  useEffect(measure, [measure]);
  const decidedCount = async () => {
    const db = await historyDb();
    return (await db.count('actions')) - (await countHistory(db, { outcome: 'pending' }));
  };

  return (
    <footer className="retention">
      {usage && <p className="note">{usage}</p>}
      {confirming === null ? (
        <button onClick={() => void decidedCount().then(setConfirming)}>{t('history.clear')}</button>
      ) : (
        <div role="alertdialog" aria-label={t('history.confirmClear')}>
          <p>{t('history.clearWhat', confirming, [confirming.toLocaleString()])}</p>
          <button
            onClick={() =>
              void request({ type: 'clear-history' }).then(({ removed }) => {
                setConfirming(null);
                setMessage(t('history.removed', removed, [removed.toLocaleString()]));
                measure();
              })
            }
          >
            {t('history.remove', confirming, [confirming.toLocaleString()])}
          </button>{' '}
          <button onClick={() => setConfirming(null)}>{t('history.keep')}</button>
        </div>
      )}
      {message && <p role="status">{message}</p>}
    </footer>
  );
}

function megabytes(bytes: number): string {
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}
