import { CAUSE_WINDOW_MS, isReadOnlyRequest, isStateChanging, requestFieldSnapshots } from '@/lib/actions/requests';
import { clip } from '@/lib/actions/wording';
import type { ActionRecord } from '@/lib/db/schema';
import type { ActionStore } from '@/lib/db/store';
import { originOf } from '@/lib/policy/risk';
import { observedFields, type ObservedBody } from './request-body';

/** The input's note and the request race to the background: give the note time to arrive. */
const NOTE_GRACE_MS = 300;

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

/**
 * Misses made visible: a state-changing request that left a guarded tab soon after an agent's
 * input, with no hold, rule or release covering it, is logged `unreviewed`.
 */
export class RequestLog {
  /** The last input of an agent in each guarded tab, as its frames report it. */
  private readonly inputs = new Map<number, { at: number; label: string; benign: boolean }>();

  constructor(
    private readonly store: ActionStore,
    private readonly platform: RequestLogPlatform,
  ) {}

  /** `at` is the page's clock, which the webRequest times share; kept within the last seconds. */
  noteInput(tabId: number, label: string, benign: boolean, at: number): void {
    const now = this.platform.now();
    this.inputs.set(tabId, { at: Math.min(now, Math.max(at, now - CAUSE_WINDOW_MS)), label, benign });
  }

  /** Whether any open tab's frames have reported an agent's input. */
  hasInputs(): boolean {
    return this.inputs.size > 0;
  }

  forget(tabId: number): void {
    this.inputs.delete(tabId);
  }

  /** Requests from the page's workers, or code that went around the in-page hooks, land here. */
  async observe(request: ObservedRequest): Promise<ActionRecord | undefined> {
    if (!isStateChanging(request.method) || request.tabId < 0) return undefined;
    await this.platform.sleep(NOTE_GRACE_MS);
    const input = this.inputs.get(request.tabId);
    if (!input || input.benign || request.at - input.at > CAUSE_WINDOW_MS || request.at < input.at) return undefined;
    const pageUrl = request.documentUrl ?? request.url;
    const bodyFields = observedFields(request.body);
    const shape = { method: request.method, url: request.url, keepalive: request.type === 'ping', fields: bodyFields };
    if (isReadOnlyRequest(shape, pageUrl)) return undefined;
    const covered = (await this.store.forTab(request.tabId)).some(
      (record) =>
        (record.status === 'approved' || record.status === 'released') &&
        (record.decidedAt ?? 0) >= input.at - CAUSE_WINDOW_MS,
    );
    if (covered) return undefined;
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
}
