import { useCallback, useEffect, useState } from 'react';
import { browser } from 'wxt/browser';
import { GUARD_MODES, type GuardMode, type TabGuard } from '@/lib/detect/signals';
import { request } from '@/lib/messaging/client';
import { useBroker } from './useBroker';

const MODE_NAMES: Record<GuardMode, string> = {
  automation: 'When an agent drives the tab (default)',
  always: 'Always: hold every consequential action',
  off: 'Off: hold nothing',
};

export function SettingsView() {
  const load = useCallback(() => request({ type: 'settings' }), []);
  const { data: settings, reload } = useBroker(load);
  const [tab, setTab] = useState<{ id: number; guard: TabGuard } | null>(null);

  useEffect(() => {
    void browser.tabs.query({ active: true, lastFocusedWindow: true }).then(async ([active]) => {
      if (active?.id === undefined) return;
      setTab({ id: active.id, guard: await request({ type: 'tab-guard', tabId: active.id }) });
    });
  }, []);

  if (!settings) return <p>Loading…</p>;
  return (
    <section aria-label="Settings">
      {settings.guardMode === 'off' && <p role="alert" className="banner">The guard is off: nothing is held.</p>}
      <label>
        Guard mode{' '}
        <select
          value={settings.guardMode}
          onChange={(e) =>
            void request({ type: 'set-guard-mode', mode: e.target.value as GuardMode }).then(reload)
          }
        >
          {GUARD_MODES.map((mode) => (
            <option key={mode} value={mode}>
              {MODE_NAMES[mode]}
            </option>
          ))}
        </select>
      </label>
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
