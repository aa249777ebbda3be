import { nanos } from '@nats-io/nats-core';
import type { JetStreamClient, JetStreamManager } from '@nats-io/jetstream';
import type { ActionRecord } from '@/lib/db/schema';
import { exportedAction } from '@/lib/db/exported';

/** The history for pipelines: one stream, one subject per browser. */
export const LOG_STREAM = 'countersign_log';
export const logSubject = (browser: string) => `countersign.log.${browser}`;

export async function ensureLogStream(manager: JetStreamManager, replicas = 1): Promise<void> {
  try {
    await manager.streams.info(LOG_STREAM);
  } catch {
    // A day's window: a browser restarted within it republishes recent changes, stored once.
    await manager.streams.add({ name: LOG_STREAM, subjects: ['countersign.log.>'], duplicate_window: nanos(24 * 60 * 60 * 1000), num_replicas: replicas });
  }
}

/**
 * Publishes each change of an action as the NDJSON export writes it, so any NATS consumer
 * reads the same objects. The message id names the change: a retried publish is stored once.
 */
export class LogPublisher {
  constructor(
    private readonly js: JetStreamClient,
    private readonly browser: string,
  ) {}

  /** Names one state of an action's history. */
  static changeOf(record: ActionRecord): string {
    return [record.id, record.status, record.decidedAt ?? '', record.deliveredAt ?? '', record.evaluatedAt ?? '', record.refusals?.length ?? 0].join(':');
  }

  async publish(record: ActionRecord): Promise<{ duplicate: boolean }> {
    const ack = await this.js.publish(logSubject(this.browser), JSON.stringify(exportedAction(record)), { msgID: LogPublisher.changeOf(record) });
    return { duplicate: ack.duplicate };
  }
}
