import { useCallback, useEffect, useState } from 'react';
import { browser } from 'wxt/browser';
import { startRegistration } from '@simplewebauthn/browser';
import { PASSKEY_SCOPES, type PasskeyScope, type Settings } from '@/lib/db/schema';
import { GUARD_MODES, type GuardMode, type TabGuard } from '@/lib/detect/signals';
import { request } from '@/lib/messaging/client';
import { passkeyAnswer } from './passkey';
import { useBroker } from './useBroker';

const MODE_NAMES: Record<GuardMode, string> = {
  automation: 'When an agent drives the tab (default)',
  always: 'Always: hold every consequential action',
  off: 'Off: hold nothing',
};

type Change = Partial<Omit<Settings, 'silencedSuggestions'>>;

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
    setError(saved ? null : 'That value is out of range; nothing was changed.');
  }

  if (!settings) return <p>Loading…</p>;
  return (
    <section aria-label="Settings" className="settings">
      <PasskeySettings />
      <label>
        Guard mode{' '}
        <select value={settings.guardMode} onChange={(e) => void save({ guardMode: e.target.value as GuardMode })}>
          {GUARD_MODES.map((mode) => (
            <option key={mode} value={mode}>
              {MODE_NAMES[mode]}
            </option>
          ))}
        </select>
      </label>
      <label>
        <input type="checkbox" checked={settings.notifications} onChange={(e) => void save({ notifications: e.target.checked })} /> Notify me
        when an action is held and no Countersign panel is open
      </label>
      <NumberSetting
        label="Reject pending actions after (seconds)"
        value={settings.timeoutSeconds}
        onSave={(timeoutSeconds) => save({ timeoutSeconds })}
      />
      <NumberSetting
        label="Suggest a rule after this many approvals in a row"
        value={settings.suggestAfter}
        onSave={(suggestAfter) => save({ suggestAfter })}
      />
      <NumberSetting
        label={`Ask for purchases over (${settings.defaultThreshold.currency})`}
        value={settings.defaultThreshold.amount}
        onSave={(amount) => save({ defaultThreshold: { ...settings.defaultThreshold, amount } })}
      />
      <label>
        Threshold currency{' '}
        <input
          defaultValue={settings.defaultThreshold.currency}
          size={4}
          onBlur={(e) =>
            void save({ defaultThreshold: { ...settings.defaultThreshold, currency: e.target.value.trim().toUpperCase() } })
          }
        />
      </label>
      <fieldset>
        <legend>History retention</legend>
        <NumberSetting
          label="Keep at most this many entries"
          value={settings.historyMaxEntries}
          onSave={(historyMaxEntries) => save({ historyMaxEntries })}
        />
        <NumberSetting label="Keep entries for (days)" value={settings.historyMaxDays} onSave={(historyMaxDays) => save({ historyMaxDays })} />
        <NumberSetting
          label="Keep screenshots of the newest (entries)"
          value={settings.screenshotMaxCount}
          onSave={(screenshotMaxCount) => save({ screenshotMaxCount })}
        />
      </fieldset>
      {error && <p role="alert">{error}</p>}
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
          Arm the current tab: hold its actions even without signs of an agent
        </label>
      )}
    </section>
  );
}

function NumberSetting(props: { label: string; value: number; onSave: (value: number) => Promise<void> }) {
  const [draft, setDraft] = useState(String(props.value));
  useEffect(() => setDraft(String(props.value)), [props.value]);
  return (
    <label>
      {props.label}{' '}
      <input
        inputMode="decimal"
        value={draft}
        size={8}
        onChange={(e) => setDraft(e.target.value)}
        onBlur={() => void props.onSave(Number(draft))}
        onKeyDown={(e) => e.key === 'Enter' && void props.onSave(Number(draft))}
      />
    </label>
  );
}

const SCOPE_NAMES: Record<PasskeyScope, string> = {
  'high-risk': 'High-risk approvals',
  every: 'Every approval',
  devtools: 'Approvals while a DevTools-protocol client is attached to Countersign',
};

/** "Protect approvals with a passkey": register, choose what needs it, remove (which takes the key). */
function PasskeySettings() {
  const load = useCallback(() => request({ type: 'passkey-status' }), []);
  const { data: status } = useBroker(load);
  const [message, setMessage] = useState<{ text: string; error: boolean } | null>(null);

  async function attempt(work: () => Promise<{ ok: boolean; error?: string }>, success: string) {
    try {
      const reply = await work();
      setMessage(reply.ok ? { text: success, error: false } : { text: reply.error ?? 'Nothing was changed.', error: true });
    } catch (cause) {
      setMessage({ text: `Nothing was changed: ${cause instanceof Error ? cause.message : String(cause)}`, error: true });
    }
  }

  const register = () =>
    attempt(async () => {
      const current = status?.registered ? await passkeyAnswer() : undefined;
      const options = await request({ type: 'passkey-register-options' });
      const response = await startRegistration({ optionsJSON: options });
      return request({ type: 'passkey-register', response, ...(current ? { current } : {}) });
    }, 'A passkey now protects approvals.');
  const remove = () => attempt(async () => request({ type: 'passkey-remove', current: await passkeyAnswer() }), 'The passkey was removed.');
  const setScopes = (scopes: PasskeyScope[], lowering: boolean) =>
    attempt(async () => request({ type: 'passkey-scopes', scopes, ...(lowering && status?.registered ? { current: await passkeyAnswer() } : {}) }), 'Saved.');

  if (!status) return null;
  return (
    <fieldset aria-label="Passkey">
      <legend>Protect approvals with a passkey</legend>
      <p>
        {status.registered
          ? 'A passkey protects approvals: an agent clicking in this panel cannot approve what needs it.'
          : 'No passkey: anyone who can click in this panel can approve.'}
      </p>
      <button onClick={() => void register()}>{status.registered ? 'Replace the passkey' : 'Protect approvals with a passkey'}</button>{' '}
      {status.registered && <button onClick={() => void remove()}>Remove the passkey</button>}
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
            {SCOPE_NAMES[scope]}
            {status.forced.includes(scope) && <span className="flag"> set by your administrator</span>}
          </label>
        ))}
      {message && <p role={message.error ? 'alert' : 'status'}>{message.text}</p>}
    </fieldset>
  );
}

