import { useState } from 'react';
import type { Refused } from '@/lib/messaging/refusals';
import { errorText, refusalText } from './errorText';
import { t } from './i18n';

/**
 * A card's request to the broker: busy while it runs, and the refusal or failure shown on the
 * card (`refused`: the words when the broker refuses without saying why).
 */
export function useCardAction(refused: string) {
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  async function run(work: () => Promise<{ ok: boolean; error?: string; refusal?: Refused['refusal'] }>) {
    setBusy(true);
    setError(null);
    try {
      const reply = await work();
      if (!reply?.ok) setError(refusalText(reply, refused));
    } catch (cause) {
      setError(t('common.nothingChangedBecause', { error: errorText(cause) }));
    } finally {
      setBusy(false);
    }
  }
  return { busy, error, setError, run };
}
