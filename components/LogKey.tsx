import { useCallback } from 'react';
import { request } from '@/lib/messaging/client';
import { t } from './i18n';
import { useBroker } from './useBroker';

/** The key this browser signs its action log with: what an auditor checks exports against. */
export function LogKey() {
  const load = useCallback(() => request({ type: 'log-key' }), []);
  const { data } = useBroker(load);
  if (!data) return null;
  return (
    <fieldset className="log-key">
      <legend>{t('settings.logKey')}</legend>
      <p className="note">{t('settings.logKeyHelp')}</p>
      <input readOnly aria-label={t('settings.logKeyLabel')} value={data.publicKey} size={48} onFocus={(e) => e.target.select()} />
    </fieldset>
  );
}
