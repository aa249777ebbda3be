import { useState } from 'react';
import { HistoryView } from './HistoryView';
import { QueueView } from './QueueView';
import { SettingsView } from './SettingsView';

const VIEWS = ['Queue', 'History', 'Settings'] as const;
type View = (typeof VIEWS)[number];

export function App() {
  const [view, setView] = useState<View>('Queue');
  return (
    <div className="app">
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
        {view === 'Settings' && <SettingsView />}
      </main>
    </div>
  );
}
