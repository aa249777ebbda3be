import type { ActionRecord } from '@/lib/db/schema';
import type { ActionStore } from '@/lib/db/store';
import type { DecideReply } from '@/lib/messaging/protocol';
import type { BrokerPlatform } from './platform';
import type { ObservedRequest, RequestLog } from './request-log';

const MAX_SILENCED = 1000;

/** What frames and the browser report of requests: agents' inputs, requests that got past, the page's own traffic and its silenced endpoints. */
export class PageTraffic {
  constructor(
    private readonly store: ActionStore,
    private readonly platform: BrokerPlatform,
    private readonly requests: RequestLog,
  ) {}

  /** `at` is the page's clock, which the webRequest times share. */
  noteInput(tabId: number, label: string, benign: boolean, at: number): undefined {
    this.requests.noteInput(tabId, label, benign, at);
    this.platform.watchNavigationRequests(true);
    return undefined;
  }

  /** Writes the page traffic counted so far now, not within the second. */
  flushTraffic(): Promise<void> {
    return this.requests.flush();
  }

  /** Misses made visible: see lib/broker/request-log.ts. */
  async observeRequest(request: ObservedRequest): Promise<ActionRecord | undefined> {
    const logged = await this.requests.observe(request);
    return logged;
  }

  /** "Stop logging this endpoint", from a summary of a page's own traffic in History. */
  async silenceEndpoint(id: string): Promise<DecideReply> {
    const key = (await this.store.get(id))?.traffic?.key;
    if (!key) return { ok: false, error: 'Only an entry that counts a page’s own traffic can be silenced.' };
    const settings = await this.store.settings();
    if (settings.silencedEndpoints.length >= MAX_SILENCED) return { ok: false, error: `At most ${MAX_SILENCED} endpoints can be silenced.` };
    if (!settings.silencedEndpoints.includes(key)) await this.store.saveSettings({ ...settings, silencedEndpoints: [...settings.silencedEndpoints, key] });
    return { ok: true };
  }

  async unsilenceEndpoint(key: string): Promise<DecideReply> {
    const settings = await this.store.settings();
    await this.store.saveSettings({ ...settings, silencedEndpoints: settings.silencedEndpoints.filter((silenced) => silenced !== key) });
    return { ok: true };
  }
}
