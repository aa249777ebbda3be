import { useCallback, useState, type KeyboardEvent } from 'react';
import { request } from '@/lib/messaging/client';
import { HistoryView } from './history/HistoryView';
import { KeyboardHelp } from './KeyboardHelp';
import { QueueView } from './QueueView';
import { SettingsView } from './SettingsView';
import { SitesView } from './SitesView';
import { TeamView } from './TeamView';
import { t } from './i18n';
import { useBroker } from './useBroker';
import { usePanelDriven } from './usePanelDriven';

const ALL_VIEWS = ['Queue', 'Team', 'History', 'Sites', 'Settings'] as const;
type View = (typeof ALL_VIEWS)[number];

export function App() {
  const [view, setView] = useState<View>('Queue');
  const load = useCallback(() => Promise.all([request({ type: 'settings' }), request({ type: 'team-status' })]), []);
  const { data } = useBroker(load);
  const [settings, team] = data ?? [];
  const driven = usePanelDriven();
  const teamOn = team?.settings.enabled && team.state !== 'off';
  // The Team view is there only for a reviewer.
  const views = ALL_VIEWS.filter((name) => name !== 'Team' || (teamOn && team.settings.role !== 'agent'));
  return (
    <div className="app">
      {driven && (
        <p role="alert" className="banner warning">
          {driven === 'devtools' ? t('app.drivenByDevtools') : t('app.drivenByWebdriver')} {t('app.drivenWarning')}
        </p>
      )}
      {teamOn && team.state !== 'online' && (
        <p role="alert" className="banner warning">
          {t('team.offlineBanner')} {team.problem ?? ''}
        </p>
      )}
      {settings?.guardMode === 'off' && (
        <p role="alert" className="banner">
          {t('app.guardOff')}
        </p>
      )}
      <nav aria-label={t('view.label')}>
        <div role="tablist" className="tabs" onKeyDown={(event) => moveTab(event, views, view, setView)}>
          {views.map((name) => (
            <button
              key={name}
              id={`tab-${name}`}
              role="tab"
              aria-selected={view === name}
              aria-controls="view"
              tabIndex={view === name ? 0 : -1}
              onClick={() => setView(name)}
            >
              {t(`view.${name}`)}
            </button>
          ))}
        </div>
        <KeyboardHelp />
      </nav>
      <main>
        <div id="view" role="tabpanel" aria-labelledby={`tab-${view}`}>
          <h1 className="visually-hidden">{t(`view.${view}`)}</h1>
          {view === 'Queue' && <QueueView />}
          {view === 'Team' && <TeamView />}
          {view === 'History' && <HistoryView />}
          {view === 'Sites' && <SitesView />}
          {view === 'Settings' && <SettingsView />}
        </div>
      </main>
    </div>
  );
}

/** The tab pattern's keys: arrows, Home and End move to a view and select it. */
function moveTab(event: KeyboardEvent, views: View[], view: View, setView: (view: View) => void) {
  const index = views.indexOf(view);
  const next = { ArrowRight: index + 1, ArrowLeft: index - 1, Home: 0, End: views.length - 1 }[event.key];
  if (next === undefined) return;
  event.preventDefault();
  const name = views[(next + views.length) % views.length]!;
  setView(name);
  document.getElementById(`tab-${name}`)?.focus();
}
