import type { BrokerPlatform } from '@/lib/broker/broker';
import type { TabMessage } from '@/lib/messaging/protocol';

/** The browser as the broker sees it, with every call recorded and every answer settable. */
export class FakePlatform implements BrokerPlatform {
  attached = new Set<number>();
  armed = new Set<number>();
  tabs = new Set<number>([1, 2]);
  sent: { tabId: number; message: TabMessage }[] = [];
  /** What the page answers to a decision; throw to simulate a tab that is gone. */
  answer: () => unknown = () => ({ delivered: true });
  visibleTabs = new Set<number>([1]);
  badge = 0;
  panelsNotified = 0;
  clock = 1000;
  watchingNavigation = false;
  watchNavigation = (on: boolean) => void (this.watchingNavigation = on);
  watchingNavigationRequests = true;
  watchNavigationRequests = (on: boolean) => void (this.watchingNavigationRequests = on);

  debuggerTabs = async () => new Set(this.attached);
  armedTabs = async () => new Set(this.armed);
  setArmedTabs = async (tabs: Set<number>) => void (this.armed = new Set(tabs));
  openTabs = async () => new Set(this.tabs);
  sendToFrame = async (origin: { tabId: number }, message: TabMessage) => {
    this.sent.push({ tabId: origin.tabId, message });
    return this.answer();
  };
  sendToTab = async (tabId: number, message: TabMessage) => void this.sent.push({ tabId, message });
  setBadge = async (pending: number) => void (this.badge = pending);
  timers = new Map<string, number>();
  setTimer = (name: string, when: number) => void this.timers.set(name, when);
  managed: unknown = undefined;
  managedRules = async () => this.managed;
  managedPasskey: unknown = undefined;
  managedTeamPolicy: unknown = undefined;
  managedPasskeyScopes = async () => this.managedPasskey;
  managedTeam = async () => this.managedTeamPolicy;
  managedWebhookPolicy: unknown = undefined;
  managedWebhook = async () => this.managedWebhookPolicy;
  /** Posts made (webhooks), and what the receiver answers. */
  posts: { url: string; init: RequestInit }[] = [];
  postAnswer: () => { ok: boolean; status: number } = () => ({ ok: true, status: 200 });
  post = async (url: string, init: RequestInit) => {
    this.posts.push({ url, init });
    return this.postAnswer();
  };
  ids = 0;
  newId = () => `rule-${++this.ids}`;
  captureTab = async (tabId: number) => (this.visibleTabs.has(tabId) ? new Blob(['jpeg']) : ('background' as const));
  notifyPanels = () => void this.panelsNotified++;
  /** Frames the describer was injected into, as `tabId:frameId`. */
  described: string[] = [];
  injectDescriber = async ({ tabId, frameId }: { tabId: number; frameId: number }) => void this.described.push(`${tabId}:${frameId}`);
  /** Tab addresses for the agent's questions; tab 1 is the active one. */
  tabUrls = new Map<number, string>([
    [1, 'https://shop.example/cart'],
    [2, 'https://mail.example/inbox'],
  ]);
  agentTab = async (candidates: number[]) => {
    const tabId = candidates.find((tab) => this.tabUrls.has(tab)) ?? 1;
    return { tabId, url: this.tabUrls.get(tabId)!, title: `Tab ${tabId}` };
  };
  notified: string[] = [];
  notifyHeld = async (record: { id: string }) => void this.notified.push(record.id);
  now = () => ++this.clock;
  sleep = async () => undefined;
  extensionId = 'kfdbnpbgjmmfogbkmjkdlcjpdcnklmla';
  panelDriven = false;
  extensionPagesDriven = async () => this.panelDriven;
}
