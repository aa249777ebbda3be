import type { browser as extensionBrowser } from 'wxt/browser';
import type { PanelEvent, TabMessage } from '@/lib/messaging/protocol';
import type { BrokerPlatform } from './platform';
import type { ObservedRequest } from './request-log';
import { heldNotification, notificationId } from './notification';
import { redact } from './redact';

const ARMED_KEY = 'armedTabs';

// Chrome clamps alarms to 30 s; an in-worker timer gives precision, the alarm durability.
const ALARM_FLOOR_MS = 30_000;
/** A webhook that has not answered by then has failed; the post is tried again later. */
const POST_TIMEOUT_MS = 10_000;

type RequestDetails = Parameters<Parameters<typeof extensionBrowser.webRequest.onBeforeRequest.addListener>[0]>[0];

type ExtensionBrowser = typeof extensionBrowser;

/**
 * The real browser behind the broker's platform interface. `onTimer` receives fired timers,
 * `onNavigation` a frame's committed navigation while the broker watches for them, and
 * `onRequest` each state-changing request the browser reports. Built as the worker starts, so
 * its request listeners are registered in the worker's first turn and wake it.
 */
export function browserPlatform(
  browser: ExtensionBrowser,
  onTimer: (name: string) => void,
  onNavigation: (tabId: number, frameId: number) => void,
  onRequest: (request: ObservedRequest) => void,
): BrokerPlatform {
  return {
    ...timers(browser, onTimer),
    ...managedPolicy(browser),
    ...tabs(browser),
    ...requestWatch(browser, onRequest),
    ...panels(browser, onNavigation),
    newId: () => crypto.randomUUID(),
    extensionId: browser.runtime.id,
    async post(url, init) {
      const reply = await fetch(url, { ...init, signal: AbortSignal.timeout(POST_TIMEOUT_MS), credentials: 'omit', redirect: 'error' });
      return { ok: reply.ok, status: reply.status };
    },
    now: () => Date.now(),
    sleep: (ms) => new Promise((done) => setTimeout(done, ms)),
  };
}

/** Timers that survive the worker's sleep: an in-worker timer for precision, an alarm for durability. */
function timers(browser: ExtensionBrowser, onTimer: (name: string) => void): Pick<BrokerPlatform, 'setTimer'> {
  const pending = new Map<string, ReturnType<typeof setTimeout>>();
  return {
    setTimer(name, when) {
      clearTimeout(pending.get(name));
      const delay = Math.max(0, when - Date.now());
      pending.set(
        name,
        setTimeout(() => {
          pending.delete(name);
          onTimer(name);
        }, delay),
      );
      void browser.alarms.create(name, { when: Math.max(when, Date.now() + ALARM_FLOOR_MS) });
    },
  };
}

/** The administrator's policy (`storage.managed`). */
function managedPolicy(browser: ExtensionBrowser): Pick<BrokerPlatform, 'managedRules' | 'managedPasskeyScopes' | 'managedTeam' | 'managedWebhook'> {
  return {
    async managedRules() {
      return (await browser.storage.managed.get('rules')).rules;
    },
    async managedPasskeyScopes() {
      return (await browser.storage.managed.get('passkeyFor')).passkeyFor;
    },
    async managedTeam() {
      return (await browser.storage.managed.get('team')).team;
    },
    async managedWebhook() {
      return (await browser.storage.managed.get('webhook')).webhook;
    },
  };
}

/** Tabs: armed, open, driven, messaged, pictured, and the one an agent's question concerns. */
function tabs(
  browser: ExtensionBrowser,
): Pick<BrokerPlatform, 'extensionPagesDriven' | 'debuggerTabs' | 'armedTabs' | 'setArmedTabs' | 'openTabs' | 'sendToFrame' | 'injectDescriber' | 'sendToTab' | 'agentTab' | 'captureTab'> {
  let armed: Promise<Set<number>> | null = null;
  return {
    async extensionPagesDriven() {
      const own = browser.runtime.getURL('/');
      // No debugger API in Firefox; it sets navigator.webdriver everywhere while a WebDriver client drives it.
      if (import.meta.env.FIREFOX) return navigator.webdriver === true;
      return (await browser.debugger.getTargets()).some((target) => target.attached && target.url.startsWith(own));
    },
    async debuggerTabs() {
      if (import.meta.env.FIREFOX) return new Set<number>();
      const targets = await browser.debugger.getTargets();
      return new Set(targets.flatMap((target) => (target.attached && target.tabId !== undefined ? [target.tabId] : [])));
    },
    // Session storage outlives the worker; the copy in memory spares every frame's hello a read.
    async armedTabs() {
      armed ??= browser.storage.session.get(ARMED_KEY).then(
        (stored) => {
          const tabs = stored[ARMED_KEY];
          return new Set(Array.isArray(tabs) ? (tabs as number[]) : []);
        },
        (error: unknown) => {
          armed = null;
          throw error;
        },
      );
      return new Set(await armed);
    },
    async setArmedTabs(tabs) {
      await browser.storage.session.set({ [ARMED_KEY]: [...tabs] });
      armed = Promise.resolve(new Set(tabs));
    },
    async openTabs() {
      const tabs = await browser.tabs.query({});
      return new Set(tabs.flatMap((tab) => (tab.id === undefined ? [] : [tab.id])));
    },
    sendToFrame({ tabId, frameId, documentId }, message: TabMessage) {
      return browser.tabs.sendMessage(tabId, message, documentId ? { documentId } : { frameId });
    },
    async injectDescriber({ tabId, frameId }) {
      await browser.scripting.executeScript({ target: { tabId, frameIds: [frameId] }, files: ['/describer.js'], injectImmediately: true });
    },
    async sendToTab(tabId, message: TabMessage) {
      // Tabs without our content script (chrome:// pages, the panel itself) have no receiver.
      await browser.tabs.sendMessage(tabId, message).catch(() => undefined);
    },
    async agentTab(candidates) {
      // A web page's tab, as the card names it; null for anything else.
      const page = (tab: Browser.tabs.Tab | undefined) =>
        tab?.id !== undefined && tab.url && /^https?:/.test(tab.url) ? { tabId: tab.id, url: tab.url, title: tab.title ?? '' } : null;
      for (const tabId of candidates) {
        const found = page(await browser.tabs.get(tabId).catch(() => undefined));
        if (found) return found;
      }
      const [active] = await browser.tabs.query({ active: true, lastFocusedWindow: true });
      return page(active);
    },
    async captureTab(tabId, { rects, viewportWidth }) {
      const tab = await browser.tabs.get(tabId);
      const window = await browser.windows.get(tab.windowId);
      if (!tab.active || window.state === 'minimized') return 'background';
      const dataUrl = await browser.tabs.captureVisibleTab(tab.windowId, { format: 'jpeg', quality: 70 });
      return redact(await (await fetch(dataUrl)).blob(), rects, viewportWidth);
    },
  };
}

/**
 * Observation only: requests that left a guarded tab with no review are logged. Scripts,
 * styles, images and fonts are left out: they carry no state change, and every request
 * reported costs the page time (see docs/PERFORMANCE.md).
 */
function requestWatch(browser: ExtensionBrowser, onRequest: (request: ObservedRequest) => void): Pick<BrokerPlatform, 'watchNavigationRequests'> {
  const observe = (details: RequestDetails) => {
    if (details.tabId < 0 || details.method === 'GET') return undefined;
    onRequest({
      tabId: details.tabId,
      frameId: details.frameId,
      method: details.method,
      url: details.url,
      type: details.type,
      documentUrl: (details as { documentUrl?: string }).documentUrl ?? details.initiator,
      body: details.requestBody,
      at: Date.now(),
    });
    return undefined;
  };
  // Page and frame loads are watched apart, and in Chromium only while a tab may be guarded:
  // otherwise every navigation of every tab would be reported to the worker.
  const observeNavigation = (details: RequestDetails) => observe(details);
  const watchesNavigationApart = !import.meta.env.FIREFOX;
  const NAVIGATIONS: RequestDetails['type'][] = ['main_frame', 'sub_frame'];
  const listen = (listener: typeof observe, types: RequestDetails['type'][]) =>
    browser.webRequest.onBeforeRequest.addListener(listener, { urls: ['<all_urls>'], types }, ['requestBody']);
  listen(observe, ['xmlhttprequest', 'ping', 'other', ...(watchesNavigationApart ? [] : NAVIGATIONS)]);
  if (watchesNavigationApart) listen(observeNavigation, NAVIGATIONS);
  return {
    watchNavigationRequests(on) {
      if (!watchesNavigationApart) return;
      const watching = browser.webRequest.onBeforeRequest.hasListener(observeNavigation);
      if (on && !watching) listen(observeNavigation, NAVIGATIONS);
      if (!on && watching) browser.webRequest.onBeforeRequest.removeListener(observeNavigation);
    },
  };
}

/** What the person sees outside the panel's views: the badge, notifications, panels told to reload, navigations watched. */
function panels(
  browser: ExtensionBrowser,
  onNavigation: (tabId: number, frameId: number) => void,
): Pick<BrokerPlatform, 'watchNavigation' | 'setBadge' | 'notifyHeld' | 'notifyPanels'> {
  const committed = ({ tabId, frameId }: { tabId: number; frameId: number }) => onNavigation(tabId, frameId);
  return {
    watchNavigation(on) {
      const watching = browser.webNavigation.onCommitted.hasListener(committed);
      if (on && !watching) browser.webNavigation.onCommitted.addListener(committed);
      if (!on && watching) browser.webNavigation.onCommitted.removeListener(committed);
    },
    async setBadge(pending) {
      await browser.action.setBadgeText({ text: pending ? String(pending) : '' });
      await browser.action.setBadgeBackgroundColor({ color: '#b3261e' });
    },
    async notifyHeld(record) {
      const panelUrl = browser.runtime.getURL('/sidepanel.html');
      const open = import.meta.env.FIREFOX
        ? browser.extension.getViews().filter((view) => (view as unknown as globalThis.Window).location.href.startsWith(panelUrl))
        : await browser.runtime.getContexts({ contextTypes: ['SIDE_PANEL', 'TAB'], documentUrls: [panelUrl] });
      if (open.length) return;
      await browser.notifications.create(notificationId(record), heldNotification(record, browser.runtime.getURL('/icon/128.png')));
    },
    notifyPanels() {
      const event: PanelEvent = { type: 'changed' };
      browser.runtime.sendMessage(event).catch(() => undefined);
    },
  };
}
