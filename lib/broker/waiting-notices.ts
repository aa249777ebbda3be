import type { ActionRecord } from '@/lib/db/schema';
import type { ActionStore } from '@/lib/db/store';
import { readManagedWebhook, RETRY_DELAYS_MS, webhookRequest, type WebhookSettings, type WebhookStatus } from '@/lib/policy/webhook';
import type { BrokerPlatform } from './platform';

export const NOTICE_TIMER = 'notice:';

/**
 * Posts to the person's webhook when an action (or the agent's question) has waited past the set
 * time: one post per waiting action, retried with back-off, its outcome kept for Settings.
 * Nothing here is awaited by a hold or a decision.
 */
export class WaitingNotices {
  private managedProblem: string | null = null;

  constructor(
    private readonly store: ActionStore,
    private readonly platform: Pick<BrokerPlatform, 'now' | 'setTimer' | 'managedWebhook' | 'post'>,
  ) {}

  /** The administrator's webhook, else the person's, else none. */
  async settings(): Promise<{ webhook: WebhookSettings | null; managed: boolean; problem: string | null }> {
    const managed = readManagedWebhook(await this.platform.managedWebhook().catch(() => undefined));
    this.managedProblem = managed.problem ?? null;
    if (managed.webhook) return { webhook: managed.webhook, managed: true, problem: null };
    return { webhook: (await this.store.settings()).webhook ?? null, managed: false, problem: this.managedProblem };
  }

  /** A card of its own is up: post if it is still waiting then. */
  async arm(record: ActionRecord): Promise<void> {
    const { webhook } = await this.settings();
    if (webhook) this.platform.setTimer(`${NOTICE_TIMER}${record.id}:0`, record.createdAt + webhook.afterSeconds * 1000);
  }

  async onTimer(name: string): Promise<void> {
    const [id = '', attemptText = '0'] = name.slice(NOTICE_TIMER.length).split(':');
    const attempt = Number(attemptText);
    const [record, { webhook }] = await Promise.all([this.store.get(id), this.settings()]);
    if (!webhook || record?.status !== 'pending' || record.paused || record.groupOf) return;
    const { url, init } = webhookRequest(record, webhook, (this.platform.now() - record.createdAt) / 1000);
    let error: string | undefined;
    try {
      const reply = await this.platform.post(url, init);
      if (!reply.ok) error = `the webhook answered ${reply.status}`;
    } catch (cause) {
      error = `the webhook could not be reached (${cause instanceof Error ? cause.message : String(cause)})`;
    }
    const delay = error === undefined ? undefined : RETRY_DELAYS_MS[attempt];
    const retry = delay !== undefined;
    if (retry) this.platform.setTimer(`${NOTICE_TIMER}${id}:${attempt + 1}`, this.platform.now() + delay);
    const status: WebhookStatus = { at: this.platform.now(), actionId: id, ok: error === undefined, attempt: attempt + 1, ...(error ? { error: retry ? `${error}; trying again` : `${error}; gave up` } : {}) };
    await this.store.saveWebhookStatus(status);
  }

  status(): Promise<WebhookStatus | null> {
    return this.store.webhookStatus();
  }
}
