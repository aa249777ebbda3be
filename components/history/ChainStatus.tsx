import { useMemo } from 'react';
import { checkRecords } from '@/lib/db/chain';
import type { ActionRecord } from '@/lib/db/schema';
import { t } from '../i18n';
import { PageText } from '../PageText';

/** The loaded entries checked against the hash chain: a quiet mark when they hold, an alert when not. */
export function ChainStatus({ pages }: { pages: ReadonlyMap<number, ActionRecord[]> }) {
  const check = useMemo(() => checkRecords([...pages.values()].flat()), [pages]);
  if (check.altered.length) {
    const [first] = check.altered;
    return (
      <p className="banner" role="alert">
        {t('history.chainBroken', check.altered.length)} <PageText text={first!.label} /> ({t('history.chain.altered')})
      </p>
    );
  }
  if (!check.verified) return null;
  return (
    <p className="note verified" role="status">
      ✓ {t('history.chainVerified', check.verified, [check.verified.toLocaleString()])}
      {check.unchained > 0 && ` ${t('history.chainBefore', check.unchained, [check.unchained.toLocaleString()])}`}
    </p>
  );
}
