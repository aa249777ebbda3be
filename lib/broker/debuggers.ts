import { FreshRead } from './fresh';

/**
 * Which tabs a DevTools-protocol client drives, from `debugger.getTargets()`. `fresh()` is a
 * look that began after the call: a check already under way may predate a client attaching
 * to a new tab. Calls arriving during a check share the next one, so a page whose fifty
 * frames say hello at once costs two checks, not fifty.
 */
export class DebuggerWatch {
  private tabs = new Set<number>();
  private readonly look = new FreshRead(() => this.refresh());

  constructor(
    private readonly debuggerTabs: () => Promise<Set<number>>,
    /** Told of each tab whose state changed, after the new state is in place. */
    private readonly onChange: (tabId: number) => Promise<void>,
  ) {}

  has(tabId: number): boolean {
    return this.tabs.has(tabId);
  }

  list(): number[] {
    return [...this.tabs];
  }

  any(): boolean {
    return this.tabs.size > 0;
  }

  forget(tabId: number): void {
    this.tabs.delete(tabId);
  }

  fresh(): Promise<void> {
    return this.look.get();
  }

  async refresh(): Promise<void> {
    const now = await this.debuggerTabs();
    const changed = [...now, ...this.tabs].filter((tab) => now.has(tab) !== this.tabs.has(tab));
    this.tabs = now;
    for (const tabId of new Set(changed)) await this.onChange(tabId);
  }
}
