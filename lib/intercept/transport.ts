import type { JoinedRequest, ProposedAction } from '@/lib/actions/types';
import type { TabGuard } from '@/lib/detect/signals';
import type { HoldReply } from '@/lib/messaging/protocol';

/** The frame's messages to the background (entrypoints/interceptor.ts sends them over the runtime). */
export interface Transport {
  hello(): Promise<TabGuard>;
  hold(action: ProposedAction): Promise<HoldReply>;
  /** An agent's input in a guarded tab, so the background can tie requests nothing held to it. */
  input(label: string, benign: boolean, at: number): void;
  /** A further request the input behind a pending card caused, to be shown on it and decided with it. */
  join(id: string, request: JoinedRequest): Promise<{ joined: boolean }>;
  /** A read-only tool the page ran at once, for the log. */
  ran(action: ProposedAction): void;
  /** False once the extension was reloaded or updated: this script can no longer be reached. */
  alive(): boolean;
}
