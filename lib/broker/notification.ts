import { i18n } from '#i18n';
import { clip } from '@/lib/actions/wording';
import type { ActionRecord } from '@/lib/db/schema';

/** The notification's id carries the tab, so a click can open the panel beside it. */
export const notificationId = (record: Pick<ActionRecord, 'id' | 'tabId'>) => `held:${record.tabId}:${record.id}`;

export function tabOfNotification(id: string): number | undefined {
  const tabId = /^held:(\d+):/.exec(id)?.[1];
  return tabId === undefined ? undefined : Number(tabId);
}

/** Kind, site and control: enough to decide whether to look now. Plain text; nothing is rendered as markup. */
export function heldNotification(record: Pick<ActionRecord, 'kind' | 'site' | 'label' | 'tabTitle'>, iconUrl: string) {
  return {
    type: 'basic' as const,
    iconUrl,
    title: i18n.t('notification.title', { kind: i18n.t(`kind.name.${record.kind}`) }),
    message: i18n.t('notification.message', {
      label: clip(record.label || i18n.t('notification.unnamedControl'), 120),
      site: clip(record.site, 200),
    }),
    contextMessage: clip(record.tabTitle, 120),
    requireInteraction: true,
  };
}

/** What opening the panel needs from the browser. */
export interface PanelOpener {
  openSidePanel(tabId: number): Promise<void>;
  openPanelTab(): Promise<void>;
}

/**
 * A click on a notification opens the side panel beside the action's tab, or, where the
 * browser refuses (the side panel may need a gesture it does not count), the panel in a tab.
 */
export async function openReviewPanel(opener: PanelOpener, id: string): Promise<'side panel' | 'tab'> {
  const tabId = tabOfNotification(id);
  if (tabId !== undefined) {
    try {
      await opener.openSidePanel(tabId);
      return 'side panel';
    } catch {
      // no gesture, or the tab is gone: the tab below always works
    }
  }
  await opener.openPanelTab();
  return 'tab';
}
