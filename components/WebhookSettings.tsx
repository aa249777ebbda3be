import { useCallback, useState } from 'react';
import type { Settings } from '@/lib/db/schema';
import { request } from '@/lib/messaging/client';
import { WEBHOOK_FORMATS, type WebhookFormat } from '@/lib/policy/webhook';
import { t } from './i18n';
import { PageText } from './PageText';
import { useBroker } from './useBroker';

const DEFAULT_AFTER_SECONDS = 30;

/** "Tell me where I am": a webhook for actions that wait too long, and what its last post did. */
export function WebhookSettings({ settings }: { settings: Settings }) {
  const load = useCallback(() => request({ type: 'webhook-status' }), []);
  const { data: status } = useBroker(load);
  const current = settings.webhook;
  const [url, setUrl] = useState(current?.url ?? '');
  const [format, setFormat] = useState<WebhookFormat>(current?.format ?? 'slack');
  const [after, setAfter] = useState(String(current?.afterSeconds ?? DEFAULT_AFTER_SECONDS));
  const [link, setLink] = useState(current?.link ?? '');
  const [message, setMessage] = useState<string | null>(null);

  async function save(webhook: Settings['webhook']) {
    const reply = await request({ type: 'set-settings', settings: { webhook } });
    setMessage(reply && 'guardMode' in reply ? t(webhook ? 'webhook.saved' : 'webhook.off') : t('webhook.invalid'));
  }
  const managed = status?.managed;
  return (
    <fieldset className="webhook" aria-label={t('webhook.legend')}>
      <legend>{t('webhook.legend')}</legend>
      <p className="note">{t('webhook.help')}</p>
      {managed && <p className="note">{t('webhook.managed')}</p>}
      {status?.problem && <p role="alert">{status.problem}</p>}
      <label>
        {t('webhook.url')} <input type="url" value={url} size={40} disabled={managed} onChange={(e) => setUrl(e.target.value)} />
      </label>
      <label>
        {t('webhook.format')}{' '}
        <select value={format} disabled={managed} onChange={(e) => setFormat(e.target.value as WebhookFormat)}>
          {WEBHOOK_FORMATS.map((name) => (
            <option key={name} value={name}>
              {t(`webhook.formats.${name}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        {t('webhook.after')} <input inputMode="numeric" value={after} size={6} disabled={managed} onChange={(e) => setAfter(e.target.value)} />
      </label>
      <label>
        {t('webhook.link')} <input type="url" value={link} size={40} disabled={managed} onChange={(e) => setLink(e.target.value)} />
      </label>
      <div className="decide">
        <button disabled={managed || !url} onClick={() => void save({ url, format, afterSeconds: Number(after), ...(link ? { link } : {}) })}>
          {t('webhook.save')}
        </button>
        <button disabled={managed || !current} onClick={() => void save(null)}>
          {t('webhook.turnOff')}
        </button>
      </div>
      {message && <p role="status">{message}</p>}
      {status?.last && (
        <p className={status.last.ok ? 'note' : 'flag'}>
          {status.last.ok
            ? t('webhook.lastOk', { time: new Date(status.last.at).toLocaleString(), attempt: status.last.attempt })
            : t('webhook.lastFailed', { time: new Date(status.last.at).toLocaleString(), attempt: status.last.attempt })}{' '}
          {status.last.error && <PageText text={status.last.error} />}
        </p>
      )}
    </fieldset>
  );
}
