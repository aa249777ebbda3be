import { CAUSE_WINDOW_MS, isReadOnlyRequest, isStateChanging, pathOf, requestFieldSnapshots } from '@/lib/actions/requests';
import { clip } from '@/lib/actions/wording';
import type { ActionRecord, TrafficSummary } from '@/lib/db/schema';
import type { ActionStore } from '@/lib/db/store';
import { originOf } from '@/lib/policy/risk';
import { observedFields, type ObservedBody } from './request-body';

/** The input's note and the request race to the background: give the note time to arrive. */
const NOTE_GRACE_MS = 300;
/** A page's own traffic is counted in memory and written at most this often. */
const TRAFFIC_FLUSH_MS = 1000;

/** A request the browser saw leave a tab (webRequest, observation only). */
export interface ObservedRequest {
  tabId: number;
  frameId: number;
  method: string;
  url: string;
  /** webRequest's resource type: `ping` for beacons, `main_frame`/`sub_frame` for form navigations. */
  type: string;
  /** The document that made it, where the browser says. */
  documentUrl?: string;
  /** Read only for requests that follow an agent's input. */
  body?: ObservedBody | null;
  at: number;
}

export interface RequestLogPlatform {
  now(): number;
  newId(): string;
  sleep(ms: number): Promise<void>;
}

export interface RequestLogHooks {
  /** Whether the tab is guarded now (guard mode, armed, a DevTools client, an agent's input). */
  guarded(tabId: number): Promise<boolean>;
  /** Page traffic the person chose not to log (`site METHOD /path`). */
  silenced(): Promise<readonly string[]>;
}

interface PendingTraffic {
  request: ObservedRequest;
  site: string;
  label: string;
  count: number;
  firstAt: number;
  lastAt: number;
}

/**
 * Misses made visible: a state-changing request that left a guarded tab with no hold, rule or
 * release covering it is logged `unreviewed`. One soon after an agent's input gets an entry of
 * its own; the page's own traffic (no agent input before it: autosave, heartbeats, analytics)
 * is counted per endpoint in one entry, which the person can silence.
 */
export class RequestLog {
  /** The last input of an agent in each guarded tab, as its frames report it. */
  private readonly inputs = new Map<number, { at: number; label: string; benign: boolean }>();
  private readonly traffic = new Map<string, PendingTraffic>();
  /** When each tab last had an action approved or released: what covers the requests after it. */
  private readonly coveredAt = new Map<number, number>();
  private flushing = false;

  constructor(
    private readonly store: ActionStore,
    private readonly platform: RequestLogPlatform,
    private readonly hooks: RequestLogHooks,
  ) {}

  /** `at` is the page's clock, which the webRequest times share; kept within the last seconds. */
  noteInput(tabId: number, label: string, benign: boolean, at: number): void {
    const now = this.platform.now();
    this.inputs.set(tabId, { at: Math.min(now, Math.max(at, now - CAUSE_WINDOW_MS)), label, benign });
  }

  /** The tabs with an agent's input, latest first. */
  recentInputTabs(): number[] {
    return [...this.inputs].sort(([, a], [, b]) => b.at - a.at).map(([tabId]) => tabId);
  }

  /** Whether any open tab's frames have reported an agent's input. */
  hasInputs(): boolean {
    return this.inputs.size > 0;
  }

  forget(tabId: number): void {
    this.inputs.delete(tabId);
    this.coveredAt.delete(tabId);
  }

  /** An action of the tab was approved or released: its replay's requests are covered. */
  noteCovered(tabId: number, at: number): void {
    this.coveredAt.set(tabId, Math.max(at, this.coveredAt.get(tabId) ?? -Infinity));
  }

  /** Kept in memory; read from the history once per tab after the worker starts. */
  private async lastCovered(tabId: number): Promise<number> {
    const known = this.coveredAt.get(tabId);
    if (known !== undefined) return known;
    const decided = (await this.store.forTab(tabId))
      .filter((record) => record.status === 'approved' || record.status === 'released')
      .map((record) => record.decidedAt ?? -Infinity);
    const last = Math.max(-Infinity, ...decided);
    this.noteCovered(tabId, last);
    return this.coveredAt.get(tabId) ?? last;
  }

  /** Requests from the page's workers, or code that went around the in-page hooks, land here. */
  async observe(request: ObservedRequest): Promise<ActionRecord | undefined> {
    if (!isStateChanging(request.method) || request.tabId < 0) return undefined;
    await this.platform.sleep(NOTE_GRACE_MS);
    const last = this.inputs.get(request.tabId);
    const input = last && request.at >= last.at && request.at - last.at <= CAUSE_WINDOW_MS ? last : undefined;
    // A tab whose frames reported an agent's input stays guarded; so does one the broker guards.
    if (!last && !(await this.hooks.guarded(request.tabId))) return undefined;
    const pageUrl = request.documentUrl ?? request.url;
    const bodyFields = observedFields(request.body);
    const shape = { method: request.method, url: request.url, keepalive: request.type === 'ping', fields: bodyFields };
    if (isReadOnlyRequest(shape, pageUrl)) return undefined;
    const since = (input?.at ?? request.at) - CAUSE_WINDOW_MS;
    if ((await this.lastCovered(request.tabId)) >= since) return undefined;
    // After a benign input (the page judged it so), or none at all: the page's own traffic.
    if (!input || input.benign) {
      await this.count(request, pageUrl);
      return undefined;
    }
    const site = originOf(pageUrl) ?? clip(pageUrl, 200);
    const record: ActionRecord = {
      id: this.platform.newId(),
      kind: request.method.toUpperCase() === 'DELETE' ? 'delete' : 'submit',
      trigger: 'request',
      label: clip(`${request.method.toUpperCase()} ${request.url}`, 500),
      frameUrl: clip(pageUrl, 8192),
      frameTitle: '',
      fields: requestFieldSnapshots(bodyFields, 'request'),
      signals: [],
      heldAt: request.at,
      form: { action: clip(request.url, 8192), method: request.method.toLowerCase().slice(0, 20) },
      tabId: request.tabId,
      frameId: request.frameId,
      tabUrl: clip(pageUrl, 8192),
      tabTitle: '',
      site,
      status: 'unreviewed',
      createdAt: request.at,
      decidedAt: request.at,
      decidedBy: 'system',
      reason: clip(`sent without review ${Math.round(request.at - input.at)} ms after the agent's "${input.label}"`, 1000),
      risks: [],
    };
    await this.store.add(record);
    return record;
  }

  /** One more request of the page's own to its endpoint, written with the others within a second. */
  private async count(request: ObservedRequest, pageUrl: string): Promise<void> {
    const site = originOf(pageUrl) ?? clip(pageUrl, 200);
    const label = `${request.method.toUpperCase()} ${pathOf(request.url)}`;
    const key = clip(`${site} ${label}`, 1000);
    if ((await this.hooks.silenced()).includes(key)) return;
    const pending = this.traffic.get(key);
    if (pending) {
      pending.count++;
      pending.lastAt = Math.max(pending.lastAt, request.at);
    } else this.traffic.set(key, { request, site, label, count: 1, firstAt: request.at, lastAt: request.at });
    if (this.flushing) return;
    this.flushing = true;
    await this.platform.sleep(TRAFFIC_FLUSH_MS);
    this.flushing = false;
    await this.flush();
  }

  /** Adds the counted requests to each endpoint's entry, creating it on the first: one change for all of them. */
  flush(): Promise<void> {
    return this.store.notices.batch(() => this.write());
  }

  private async write(): Promise<void> {
    const batch = [...this.traffic];
    this.traffic.clear();
    const silenced = await this.hooks.silenced(); // silenced while these were being counted
    for (const [key, pending] of batch) {
      if (silenced.includes(key)) continue;
      const id = trafficId(key);
      const earlier = (await this.store.get(id))?.traffic;
      const traffic: TrafficSummary = earlier
        ? { key, count: earlier.count + pending.count, firstAt: earlier.firstAt, lastAt: Math.max(earlier.lastAt, pending.lastAt) }
        : { key, count: pending.count, firstAt: pending.firstAt, lastAt: pending.lastAt };
      if (earlier) await this.store.update(id, { traffic, decidedAt: traffic.lastAt });
      else await this.store.add(this.trafficRecord(id, pending, traffic));
    }
  }

  private trafficRecord(id: string, pending: PendingTraffic, traffic: TrafficSummary): ActionRecord {
    const { request } = pending;
    const pageUrl = clip(request.documentUrl ?? request.url, 8192);
    return {
      id,
      kind: request.method.toUpperCase() === 'DELETE' ? 'delete' : 'submit',
      trigger: 'request',
      label: clip(pending.label, 500),
      frameUrl: pageUrl,
      frameTitle: '',
      fields: requestFieldSnapshots(observedFields(request.body), 'request'),
      signals: [],
      heldAt: traffic.firstAt,
      form: { action: clip(request.url, 8192), method: request.method.toLowerCase().slice(0, 20) },
      tabId: request.tabId,
      frameId: request.frameId,
      tabUrl: pageUrl,
      tabTitle: '',
      site: pending.site,
      status: 'unreviewed',
      createdAt: traffic.firstAt,
      decidedAt: traffic.lastAt,
      decidedBy: 'system',
      reason: "the page's own traffic: no agent input before it",
      risks: [],
      traffic,
    };
  }
}

/** One entry per endpoint, found again after the worker restarts: an id from the key (FNV-1a). */
function trafficId(key: string): string {
  let hash = 0x811c9dc5;
  let second = 0x01000193;
  for (let index = 0; index < key.length; index++) {
    hash = Math.imul(hash ^ key.charCodeAt(index), 0x01000193) >>> 0;
    second = Math.imul(second ^ key.charCodeAt(index), 0x5bd1e995) >>> 0;
  }
  return `traffic-${hash.toString(16)}${second.toString(16)}`;
}
