import type { DBSchema } from 'idb';
import type { ProposedAction } from '@/lib/actions/types';
import type { GuardMode } from '@/lib/detect/signals';

export type ActionStatus = 'pending' | 'approved' | 'rejected' | 'abandoned' | 'released';
export type Decider = 'person' | 'rule' | 'timeout' | 'system';

/** One held action and everything that happened to it. */
export interface ActionRecord extends ProposedAction {
  tabId: number;
  frameId: number;
  documentId?: string;
  tabUrl: string;
  tabTitle: string;
  site: string;
  status: ActionStatus;
  createdAt: number;
  decidedAt?: number;
  decidedBy?: Decider;
  note?: string;
  /** Why the system closed it (abandoned, released), or why an approval could not be delivered. */
  reason?: string;
  /** When the approval reached the page, which replays it at once. */
  deliveredAt?: number;
}

export interface Settings {
  guardMode: GuardMode;
}

export const DEFAULT_SETTINGS: Settings = { guardMode: 'automation' };

export interface CountersignSchema extends DBSchema {
  actions: {
    key: string;
    value: ActionRecord;
    indexes: { byStatusCreated: [string, number]; byCreated: number; byTab: number };
  };
  settings: {
    key: string;
    value: unknown;
  };
}
