import { browser } from 'wxt/browser';
import { Broker } from '@/lib/broker/broker';
import { browserPlatform } from '@/lib/broker/browser-platform';
import { openCountersignDb } from '@/lib/db/open';
import { ActionStore } from '@/lib/db/store';
import { handleContentRequest, handlePanelRequest } from '@/lib/broker/router';
import { isContentScript, isExtensionPage } from '@/lib/messaging/senders';
import { openReviewPanel } from '@/lib/broker/notification';
import type { ObservedRequest } from '@/lib/broker/request-log';
import { connectAgentChannel, parseChannelConfig, type AgentChannelConfig } from '@/lib/agent/channel';
import { handleAgentRequest } from '@/lib/broker/router';

const AGENT_CHANNEL_KEY = 'agentChannel';

const DEBUGGER_POLL_MS = 1000;

/** Firefox's sidebar, which the Chromium typings the build uses do not describe. */
const firefoxSidebar = () => (browser as unknown as { sidebarAction: { open(): Promise<void>; toggle(): Promise<void> } }).sidebarAction;

export default defineBackground(() => {
  const onTimer = (name: string) => void withBroker((broker) => broker.onTimer(name));
  // A frame that navigates away abandons its held actions (watched only while any are pending).
  const onNavigation = (tabId: number, frameId: number) =>
    void withBroker((broker) => broker.abandonTab(tabId, 'page navigated away', frameId));
  const onRequest = (request: ObservedRequest) => void withBroker((broker) => broker.traffic.observeRequest(request));
  const platform = browserPlatform(browser, onTimer, onNavigation, onRequest);
  const brokerReady = openCountersignDb().then((db) => new Broker(new ActionStore(db), platform));
  const origin = browser.runtime.getURL('/');
  const withBroker = (work: (broker: Broker) => Promise<unknown>) => brokerReady.then(work).catch(console.error);
  const syncManaged = () =>
    withBroker(async (broker) => {
      for (const problem of await broker.shortcuts.syncManaged()) console.warn(`managed policy: ${problem}`);
    });

  // The toolbar button opens the review panel: Chrome's side panel, Firefox's sidebar.
  if (import.meta.env.FIREFOX) browser.action.onClicked.addListener(() => void firefoxSidebar().toggle());
  else void browser.sidePanel.setPanelBehavior({ openPanelOnActionClick: true });
  void syncManaged().then(() => withBroker((broker) => broker.reconcile()));
  // Team review connects only when the person or the administrator turned it on.
  void withBroker((broker) => broker.team.start());
  browser.storage.onChanged.addListener((changes, area) => {
    if (area !== 'managed') return;
    void syncManaged();
    if ('team' in changes) void withBroker((broker) => broker.team.start());
  });
  browser.alarms.onAlarm.addListener((alarm) => onTimer(alarm.name));
  // Also keeps the worker awake: each extension API call resets its idle timer.
  setInterval(() => void withBroker((broker) => broker.guard.refreshDebuggers()), DEBUGGER_POLL_MS);

  browser.runtime.onMessage.addListener((message, sender) => {
    if (isExtensionPage(sender, browser.runtime.id, origin)) {
      return brokerReady.then((broker) => handlePanelRequest(broker, message));
    }
    if (isContentScript(sender, browser.runtime.id, origin)) {
      return brokerReady.then((broker) => handleContentRequest(broker, message, sender));
    }
    return undefined;
  });

  // `npm run browser` (scripts/launcher.mjs) sets the profile's guard mode here over the DevTools
  // protocol, before any agent connects. A client that can evaluate in this worker already holds
  // every power the extension has; a launch can raise the guard to `always`, never turn it off.
  Object.assign(globalThis, {
    countersignLaunch: (mode: unknown, channel?: unknown) =>
      brokerReady.then(async (broker) => {
        if (mode === 'always' || mode === 'automation') await broker.updateSettings({ guardMode: mode });
        else if (mode !== null) throw new Error(`a launch sets the guard mode to "always" or "automation", not ${String(mode)}`);
        const config = parseChannelConfig(channel);
        if (config) {
          await browser.storage.local.set({ [AGENT_CHANNEL_KEY]: config });
          openAgentChannel(config);
        }
        return (await broker.settings()).guardMode;
      }),
  });

  // The agent's channel (`countersign mcp`), where a launch configured one: it asks and reads, never decides.
  let agentChannel: { close(): void } | null = null;
  const openAgentChannel = (config: AgentChannelConfig) => {
    agentChannel?.close();
    agentChannel = connectAgentChannel(config, (request) => brokerReady.then((broker) => handleAgentRequest(broker, request)));
  };
  void browser.storage.local.get(AGENT_CHANNEL_KEY).then((stored) => {
    const config = parseChannelConfig(stored[AGENT_CHANNEL_KEY]);
    if (config && !agentChannel) openAgentChannel(config);
  });

  browser.notifications.onClicked.addListener((id) => {
    void browser.notifications.clear(id);
    void openReviewPanel(
      {
        openSidePanel: async (tabId) => {
          // First: an await before it would spend the click's gesture.
          if (import.meta.env.FIREFOX) await firefoxSidebar().open();
          else await browser.sidePanel.open({ tabId });
          await browser.windows.update((await browser.tabs.get(tabId)).windowId, { focused: true });
        },
        openPanelTab: async () => void (await browser.tabs.create({ url: browser.runtime.getURL('/sidepanel.html') })),
      },
      id,
    );
  });

  browser.runtime.onInstalled.addListener(({ reason }) => {
    if (reason === 'update') void withBroker((broker) => broker.abandonAll('extension reloaded or updated'));
  });
  browser.tabs.onRemoved.addListener((tabId) => {
    void withBroker(async (broker) => {
      await broker.abandonTab(tabId, 'tab closed');
      await broker.forgetTab(tabId);
    });
  });
});
