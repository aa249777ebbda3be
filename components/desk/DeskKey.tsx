import { startAuthentication, startRegistration } from '@simplewebauthn/browser';
import { useId, useState } from 'react';
import type { DeskStatus, ReviewDesk } from '@/lib/desk/desk';
import { errorText } from '../errorText';
import { t } from '../i18n';

/** The desk's signing key (agent browsers must trust it) and the passkey every approval here takes. */
export function DeskKey({ desk, status }: { desk: ReviewDesk; status: DeskStatus }) {
  const keyId = useId();
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);

  async function register() {
    try {
      let current;
      if (status.passkey) {
        const options = await desk.managementChallenge();
        if ('error' in options) throw new Error(options.error);
        current = await startAuthentication({ optionsJSON: options });
      }
      const response = await startRegistration({ optionsJSON: await desk.passkeyOptions() });
      const reply = await desk.registerPasskey(response, current);
      setMessage(reply.ok ? { text: t('passkey.registered'), error: false } : { text: reply.error, error: true });
    } catch (cause) {
      setMessage({ text: t('common.nothingChangedBecause', { error: errorText(cause) }), error: true });
    }
  }

  return (
    <>
      <details className="desk-key" open={!status.passkey}>
        <summary>{status.passkey ? t('desk.keyReady') : t('desk.keySetUp')}</summary>
        <label htmlFor={keyId}>{t('desk.ownKey')}</label>
        <input id={keyId} readOnly value={status.publicKey} className="key" onFocus={(e) => e.target.select()} />
        <p className="note">{t('desk.trustExplain')}</p>
        <p>{status.passkey ? t('desk.passkeyOn') : t('desk.passkeyOff')}</p>
        <button type="button" onClick={() => void register()}>
          {status.passkey ? t('passkey.replace') : t('desk.addPasskey')}
        </button>
      </details>
      {message && <p role={message.error ? 'alert' : 'status'}>{message.text}</p>}
    </>
  );
}
