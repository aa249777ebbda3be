import { useCallback, useState } from 'react';
import { request } from '@/lib/messaging/client';
import { HistoryView } from './history/HistoryView';
import { QueueView } from './QueueView';
import { SettingsView } from './SettingsView';
import { SitesView } from './SitesView';
import { useBroker } from './useBroker';
import { usePanelDebugger } from './usePanelDebugger';

const VIEWS = ['Queue', 'History', 'Sites', 'Settings'] as const;
type View = (typeof VIEWS)[number];

export function App() {
  const [view, setView] = useState<View>('Queue');
  const load = useCallback(() => request({ type: 'settings' }), []);
  const { data: settings } = useBroker(load);
  const driven = usePanelDebugger();
  return (
    <div className="app">
      {driven && (
        <p role="alert" className="banner warning">
          A DevTools-protocol client is attached to Countersign itself. An agent that controls the browser this way can
          click here too: decide only what you click yourself.
        </p>
      )}
      {settings?.guardMode === 'off' && (
        <p role="alert" className="banner">
          The guard is off: nothing is held.
        </p>
      )}
      <nav role="tablist" aria-label="Countersign views">
        {VIEWS.map((name) => (
          <button key={name} role="tab" aria-selected={view === name} onClick={() => setView(name)}>
            {name}
          </button>
        ))}
      </nav>
      <main>
        {view === 'Queue' && <QueueView />}
        {view === 'History' && <HistoryView />}
        {view === 'Sites' && <SitesView />}
        {view === 'Settings' && <SettingsView />}
      </main>
    </div>
  );
}
