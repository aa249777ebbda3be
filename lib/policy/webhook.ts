import * as v from 'valibot';
import type { Amount } from '@/lib/actions/types';

/** What a post may say of an action: never its fields. */
export interface WaitingAction {
  id: string;
  kind: string;
  site: string;
  label: string;
  amount?: Amount;
  createdAt: number;
  question?: { text: string };
}

// "Tell the person where they are": when an action has waited longer than a set time with no
// decision, a post to a webhook (Slack- or Mattermost-style incoming webhooks, ntfy, or plain
// JSON) names what waits, never a field's value, and links where to decide. A failed post is
// retried with back-off and shown in Settings; it never holds up a hold or a decision.

export const WEBHOOK_FORMATS = ['slack', 'mattermost', 'ntfy', 'json'] as const;
export type WebhookFormat = (typeof WEBHOOK_FORMATS)[number];

export const webhookSettings = v.object({
  url: v.pipe(v.string(), v.maxLength(2000), v.url(), v.regex(/^https?:\/\//, 'an http:// or https:// address')),
  format: v.picklist(WEBHOOK_FORMATS),
  /** An action waiting this long with no decision is posted (default 30 s). */
  afterSeconds: v.pipe(v.number(), v.integer(), v.minValue(1), v.maxValue(86_400)),
  /** Where the person decides (a reviewer desk); without it the post names the browser only. */
  link: v.optional(v.pipe(v.string(), v.maxLength(2000), v.url())),
});
export type WebhookSettings = v.InferOutput<typeof webhookSettings>;

/** The administrator's webhook (`storage.managed.webhook`), or null with why where it cannot be used. */
export function readManagedWebhook(value: unknown): { webhook: WebhookSettings | null; problem?: string } {
  if (value === undefined || value === null) return { webhook: null };
  const parsed = v.safeParse(webhookSettings, value);
  return parsed.success ? { webhook: parsed.output } : { webhook: null, problem: `the managed webhook was left out: ${parsed.issues[0]?.message}` };
}

/** What the last post did, for Settings. */
export interface WebhookStatus {
  at: number;
  actionId: string;
  ok: boolean;
  attempt: number;
  error?: string;
}

/** Attempts of one post, and the wait before each retry. */
export const RETRY_DELAYS_MS = [2_000, 10_000, 30_000, 120_000];

/** One line about what waits: kind, site, control and amount; a question by its words. */
export function waitingText(record: WaitingAction, waitedSeconds: number): string {
  const waited = waitedSeconds >= 120 ? `${Math.round(waitedSeconds / 60)} min` : `${Math.round(waitedSeconds)} s`;
  if (record.question) return `Countersign: the agent asks (waiting ${waited}): “${clip(record.question.text)}”`;
  const amount = record.amount ? `, ${record.amount.text}` : '';
  return `Countersign: a ${record.kind} on ${record.site} waits for your decision (${waited}): “${clip(record.label)}”${amount}`;
}

/** The request for one post, in the format's own shape. */
export function webhookRequest(record: WaitingAction, settings: WebhookSettings, waitedSeconds: number): { url: string; init: RequestInit } {
  const text = waitingText(record, waitedSeconds);
  const json = (body: unknown): RequestInit => ({ method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  switch (settings.format) {
    case 'slack':
      return { url: settings.url, init: json({ text: settings.link ? `${text} <${settings.link}|Review it>` : text }) };
    case 'mattermost':
      return { url: settings.url, init: json({ text: settings.link ? `${text} [Review it](${settings.link})` : text }) };
    case 'ntfy':
      return {
        url: settings.url,
        init: {
          method: 'POST',
          headers: { Title: 'Countersign: an action waits for you', Tags: 'hourglass', ...(settings.link ? { Click: settings.link } : {}) },
          body: text,
        },
      };
    case 'json':
      return {
        url: settings.url,
        init: json({
          event: 'countersign.waiting',
          text,
          action: {
            id: record.id,
            kind: record.kind,
            site: record.site,
            label: record.label,
            amount: record.amount ?? null,
            heldAt: new Date(record.createdAt).toISOString(),
            waitingSeconds: Math.round(waitedSeconds),
          },
          ...(settings.link ? { link: settings.link } : {}),
        }),
      };
  }
}

const clip = (text: string) => (text.length > 200 ? `${text.slice(0, 199)}…` : text);
