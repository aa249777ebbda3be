import type { ActionRecord } from '@/lib/db/schema';
import type { Rect } from '@/lib/actions/types';
import type { TabMessage } from '@/lib/messaging/protocol';

// The browser as the broker needs it: background.ts supplies the real one
// (browser-platform.ts), the unit tests a fake. Its own file, so the broker's services can
// depend on it without importing the broker.

/** Where a proposal came from, as the browser (not the page) reports it. */
export interface Origin {
  tabId: number;
  frameId: number;
  documentId?: string;
  tabUrl: string;
  tabTitle: string;
}

/** The browser as the broker needs it; background.ts supplies the real one, tests a fake. */
export interface BrokerPlatform {
  debuggerTabs(): Promise<Set<number>>;
  armedTabs(): Promise<Set<number>>;
  setArmedTabs(tabs: Set<number>): Promise<void>;
  openTabs(): Promise<Set<number>>;
  sendToFrame(origin: Pick<Origin, 'tabId' | 'frameId' | 'documentId'>, message: TabMessage): Promise<unknown>;
  /** Injects the describing half of the content script into one frame (its first hold). */
  injectDescriber(origin: Pick<Origin, 'tabId' | 'frameId'>): Promise<void>;
  sendToTab(tabId: number, message: TabMessage): Promise<void>;
  setBadge(pending: number): Promise<void>;
  /** A desktop notification for a held action, unless a Countersign panel is open to show it. */
  notifyHeld(record: ActionRecord): Promise<void>;
  /**
   * Whether frames' navigations are reported (`abandonTab`). They matter only while an action
   * is pending, and reporting every frame of every page load costs each load time.
   */
  watchNavigation(on: boolean): void;
  /**
   * Whether requests that load a page or frame are reported (`observeRequest`). Only a guarded
   * tab's count, and a listener for them makes Chromium report every navigation of every tab
   * to the worker: on only while some tab may be guarded.
   */
  watchNavigationRequests(on: boolean): void;
  /** The administrator's rules, as `storage.managed` holds them now. */
  managedRules(): Promise<unknown>;
  /** The approvals an administrator says need the reviewer's passkey (`storage.managed`). */
  managedPasskeyScopes(): Promise<unknown>;
  /** The administrator's team review settings (`storage.managed`). */
  managedTeam(): Promise<unknown>;
  /** The administrator's webhook for actions that wait (`storage.managed`). */
  managedWebhook(): Promise<unknown>;
  /** A POST from the worker (a webhook); a network failure rejects. */
  post(url: string, init: RequestInit): Promise<{ ok: boolean; status: number }>;
  /** A durable timer (it must survive the worker sleeping); the same name replaces it. */
  setTimer(name: string, when: number): void;
  newId(): string;
  /**
   * A picture of the tab if it is the visible tab of its window (never another tab's pixels),
   * with the given rectangles of its viewport painted over.
   */
  captureTab(tabId: number, redact: { rects: Rect[]; viewportWidth: number }): Promise<Blob | 'background'>;
  notifyPanels(): void;
  /** The first of these tabs that still exists, else the active tab of the last focused window. */
  agentTab(candidates: number[]): Promise<{ tabId: number; url: string; title: string } | null>;
  /** The relying party of the reviewer's passkey. */
  readonly extensionId: string;
  /** Whether a DevTools-protocol client (in Firefox: any WebDriver client) can drive Countersign's own pages. */
  extensionPagesDriven(): Promise<boolean>;
  now(): number;
  sleep(ms: number): Promise<void>;
}
