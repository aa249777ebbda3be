import type { Refused } from '@/lib/messaging/refusals';
import { t } from './i18n';

/** What a failed call says, for the person: an Error's message, or the value itself. */
export const errorText = (cause: unknown): string => (cause instanceof Error ? cause.message : String(cause));

/** A refusal in the person's language where the broker named it; its own words otherwise. */
export function refusalText(reply: { error?: string; refusal?: Refused['refusal'] } | undefined, fallback: string): string {
  if (reply?.refusal) {
    const values = Object.fromEntries(Object.entries(reply.refusal.values ?? {}).map(([name, value]) => [name, String(value)]));
    return (t as (key: string, values?: Record<string, string>) => string)(`refusal.${reply.refusal.name}`, values);
  }
  return reply?.error ?? fallback;
}
