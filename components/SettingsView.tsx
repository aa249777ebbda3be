import { useCallback, useEffect, useState } from 'react';
import { browser } from 'wxt/browser';
import { startRegistration } from '@simplewebauthn/browser';
import { PASSKEY_SCOPES, type PasskeyScope, type Settings } from '@/lib/db/schema';
import { GUARD_MODES, type GuardMode, type TabGuard } from '@/lib/detect/signals';
import { request } from '@/lib/messaging/client';
import { passkeyAnswer } from './passkey';
import { nameOf, t } from './i18n';
import { useBroker } from './useBroker';
import { errorText } from './errorText';
import { PageText } from './PageText';
import { TeamSettings } from './TeamSettings';
import { AgentSettings } from './AgentSettings';
import { NumberSetting } from './NumberSetting';
import { LogKey } from './LogKey';
import { WebhookSettings } from './WebhookSettings';

type Change = Partial<Omit<Settings, 'silencedSuggestions' | 'silencedEndpoints'>>;

export function SettingsView() {
  const load = useCallback(() => request({ type: 'settings' }), []);
  const { data: settings } = useBroker(load);
  const [tab, setTab] = useState<{ id: number; guard: TabGuard } | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    void browser.tabs.query({ active: true, lastFocusedWindow: true }).then(async ([active]) => {
      if (active?.id === undefined) return;
      setTab({ id: active.id, guard: await request({ type: 'tab-guard', tabId: active.id }) });
    });
  }, []);

  async function save(change: Change) {
    const saved = await request({ type: 'set-settings', settings: change });
    setError(saved ? null : t('settings.outOfRange'));
  }

  if (!settings) return <p>{t('common.loading')}</p>;
  return (
    <section aria-label={t('settings.label')} className="settings">
      <PasskeySettings />
      <label>
        {t('settings.guardMode')}{' '}
        <select value={settings.guardMode} onChange={(e) => void save({ guardMode: e.target.value as GuardMode })}>
          {GUARD_MODES.map((mode) => (
            <option key={mode} value={mode}>
              {t(`settings.mode.${mode}`)}
            </option>
          ))}
        </select>
      </label>
      <label>
        <input type="checkbox" checked={settings.notifications} onChange={(e) => void save({ notifications: e.target.checked })} />{' '}
        {t('settings.notifications')}
      </label>
      <NumberSetting
        label={t('settings.timeout')}
        value={settings.timeoutSeconds}
        onSave={(timeoutSeconds) => save({ timeoutSeconds })}
      />
      <NumberSetting
        label={t('settings.suggestAfter')}
        value={settings.suggestAfter}
        onSave={(suggestAfter) => save({ suggestAfter })}
      />
      <NumberSetting
        label={t('settings.threshold', { currency: settings.defaultThreshold.currency })}
        value={settings.defaultThreshold.amount}
        onSave={(amount) => save({ defaultThreshold: { ...settings.defaultThreshold, amount } })}
      />
      <label>
        {t('settings.currency')}{' '}
        <input
          defaultValue={settings.defaultThreshold.currency}
          size={4}
          onBlur={(e) =>
            void save({ defaultThreshold: { ...settings.defaultThreshold, currency: e.target.value.trim().toUpperCase() } })
          }
        />
      </label>
      <fieldset>
        <legend>{t('settings.retention')}</legend>
        <NumberSetting
          label={t('settings.maxEntries')}
          value={settings.historyMaxEntries}
          onSave={(historyMaxEntries) => save({ historyMaxEntries })}
        />
        <NumberSetting label={t('settings.maxDays')} value={settings.historyMaxDays} onSave={(historyMaxDays) => save({ historyMaxDays })} />
        <NumberSetting
          label={t('settings.screenshots')}
          value={settings.screenshotMaxCount}
          onSave={(screenshotMaxCount) => save({ screenshotMaxCount })}
        />
      </fieldset>
      {settings.silencedEndpoints.length > 0 && (
        <fieldset>
          <legend>{t('settings.silenced')}</legend>
          <ul className="silenced">
            {settings.silencedEndpoints.map((key) => (
              <li key={key}>
                <PageText text={key} />{' '}
                <button onClick={() => void request({ type: 'unsilence-endpoint', key })}>{t('settings.logAgain', { endpoint: key })}</button>
              </li>
            ))}
          </ul>
        </fieldset>
      )}
      <AgentSettings settings={settings} save={save} />
      <LogKey />
      <WebhookSettings settings={settings} />
      {error && <p role="alert">{error}</p>}
      <TeamSettings />
      {tab && (
        <label>
          <input
            type="checkbox"
            checked={tab.guard.armed}
            onChange={(e) =>
              void request({ type: 'arm', tabId: tab.id, armed: e.target.checked }).then((guard) =>
                setTab({ id: tab.id, guard }),
              )
            }
          />{' '}
          {t('settings.arm')}
        </label>
      )}
    </section>
  );
}

/** "Protect approvals with a passkey": register, choose what needs it, remove (which takes the key). */
function PasskeySettings() {
  const load = useCallback(() => request({ type: 'passkey-status' }), []);
  const { data: status } = useBroker(load);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);

  async function attempt(work: () => Promise<{ ok: boolean; error?: string }>, success: string) {
    try {
      const reply = await work();
      setMessage(reply.ok ? { text: success, error: false } : { text: reply.error ?? t('common.nothingChanged'), error: true });
    } catch (cause) {
      setMessage({ text: t('common.nothingChangedBecause', { error: errorText(cause) }), error: true });
    }
  }

  const register = () =>
    attempt(async () => {
      const current = status?.registered ? await passkeyAnswer() : undefined;
      const options = await request({ type: 'passkey-register-options' });
      const response = await startRegistration({ optionsJSON: options });
      return request({ type: 'passkey-register', response, ...(current ? { current } : {}) });
    }, t('passkey.registered'));
  const remove = () => attempt(async () => request({ type: 'passkey-remove', current: await passkeyAnswer() }), t('passkey.removed'));
  const setScopes = (scopes: PasskeyScope[], lowering: boolean) =>
    attempt(async () => request({ type: 'passkey-scopes', scopes, ...(lowering && status?.registered ? { current: await passkeyAnswer() } : {}) }), t('passkey.saved'));

  if (!status) return null;
  return (
    <fieldset aria-label={t('passkey.label')}>
      <legend>{t('passkey.legend')}</legend>
      <p>{status.registered ? t('passkey.on') : t('passkey.off')}</p>
      <button onClick={() => void register()}>{status.registered ? t('passkey.replace') : t('passkey.protect')}</button>{' '}
      {status.registered && <button onClick={() => void remove()}>{t('passkey.remove')}</button>}
      {status.registered &&
        PASSKEY_SCOPES.map((scope) => (
          <label key={scope} className="inline">
            <input
              type="checkbox"
              disabled={status.forced.includes(scope)}
              checked={status.scopes.includes(scope)}
              onChange={(e) =>
                void setScopes(e.target.checked ? [...status.scopes, scope] : status.scopes.filter((s) => s !== scope), !e.target.checked)
              }
            />{' '}
            {nameOf('passkey.scope', scope)}
            {status.forced.includes(scope) && <span className="flag"> {t('passkey.forced')}</span>}
          </label>
        ))}
      {message && <p role={message.error ? 'alert' : 'status'}>{message.text}</p>}
    </fieldset>
  );
}

