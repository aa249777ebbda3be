import type { ActionStore } from '@/lib/db/store';
import type { TabGuard } from '@/lib/detect/signals';
import { DebuggerWatch } from './debuggers';
import type { BrokerPlatform } from './platform';

/**
 * Which tabs are guarded and how each frame hears of it: the guard mode, armed tabs, tabs a
 * DevTools-protocol client drives, and whether the browser must watch page loads' requests.
 */
export class GuardState {
  private readonly debuggers: DebuggerWatch;

  constructor(
    private readonly store: ActionStore,
    private readonly platform: BrokerPlatform,
    /** Some frame reported an agent's input (webdriver, untrusted events). */
    private readonly hasInputs: () => boolean,
  ) {
    this.debuggers = new DebuggerWatch(
      () => platform.debuggerTabs(),
      async (tabId) => {
        await this.updateRequestWatch();
        await platform.sendToTab(tabId, { type: 'guard', guard: await this.guardFor(tabId) });
      },
    );
  }

  async guardFor(tabId: number): Promise<TabGuard> {
    const [settings, armed] = await Promise.all([this.store.settings(), this.platform.armedTabs()]);
    return { mode: settings.guardMode, armed: armed.has(tabId), debugger: this.debuggers.has(tabId) };
  }

  /**
   * Some tab may be guarded: the guard mode says every tab is, a person armed one, a DevTools
   * client drives one, or a tab's frames reported an agent's input (webdriver, untrusted events).
   */
  async updateRequestWatch(): Promise<void> {
    const [settings, armed] = await Promise.all([this.store.settings(), this.platform.armedTabs()]);
    const mayBeGuarded =
      settings.guardMode === 'always' ||
      (settings.guardMode !== 'off' && (armed.size > 0 || this.debuggers.any() || this.hasInputs()));
    this.platform.watchNavigationRequests(mayBeGuarded);
  }

  /** Called when a frame starts: look at the debuggers afresh, then answer. */
  async hello(tabId: number): Promise<TabGuard> {
    await this.debuggers.fresh();
    return this.guardFor(tabId);
  }

  async arm(tabId: number, armed: boolean): Promise<TabGuard> {
    const tabs = await this.platform.armedTabs();
    if (armed) tabs.add(tabId);
    else tabs.delete(tabId);
    await this.platform.setArmedTabs(tabs);
    await this.updateRequestWatch();
    const guard = await this.guardFor(tabId);
    await this.platform.sendToTab(tabId, { type: 'guard', guard });
    return guard;
  }

  /** Polls which tabs a DevTools-protocol client drives, and tells tabs whose state changed. */
  refreshDebuggers(): Promise<void> {
    return this.debuggers.refresh();
  }

  async pushToAllTabs(): Promise<void> {
    for (const tabId of await this.platform.openTabs()) {
      await this.platform.sendToTab(tabId, { type: 'guard', guard: await this.guardFor(tabId) });
    }
  }

  /** A fresh look at which tabs a DevTools client drives, before a hold is judged. */
  fresh(): Promise<void> {
    return this.debuggers.fresh();
  }

  /** The tabs a DevTools client drives. */
  drivenTabs(): number[] {
    return this.debuggers.list();
  }

  async forget(tabId: number): Promise<void> {
    const armed = await this.platform.armedTabs();
    if (armed.delete(tabId)) await this.platform.setArmedTabs(armed);
    this.debuggers.forget(tabId);
  }
}
